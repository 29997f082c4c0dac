"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server,
with the demo installation loaded. See README.md in this folder.

Without Chromium the tests are skipped with the reason; with SASAEAI_REQUIRE_BROWSER=1 (CI) a
missing browser fails them instead, so a browser test is never counted as passed unrun.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from . import harness

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_DIR = Path(__file__).resolve().parent


def chromium_path() -> str | None:
    """Debian's Chromium, or the one SASAEAI_CHROMIUM names (and then only that one);
    never Playwright's own download."""
    chosen = os.environ.get("SASAEAI_CHROMIUM")
    candidates = [chosen] if chosen else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str):
    if os.environ.get("SASAEAI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"ブラウザテストを実行できません（SASAEAI_REQUIRE_BROWSER=1）: {reason}")
    pytest.skip(f"ブラウザテストを省略: {reason}")


# Browser checks whose outcome does not depend on the database backend: what they look at is
# layout, keyboard, language and axe-core on pages whose queries the backend-independent
# tests already run on both backends. `make test` runs them on any backend; CI's PostgreSQL
# pass leaves them out (-m "not backend_independent"), having run them on SQLite. A new
# check of that kind can carry @pytest.mark.backend_independent itself.
BACKEND_INDEPENDENT = (
    "test_login.py",
    "test_journey_home.py",
    "test_journey_admin.py::test_user_list_on_a_phone",
)


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if BROWSER_DIR not in path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        test = f"{path.name}::{item.originalname}"
        if path.name in BACKEND_INDEPENDENT or test in BACKEND_INDEPENDENT:
            item.add_marker(pytest.mark.backend_independent)


@pytest.fixture(scope="package")
def _serialized_database(django_db_setup):
    """The test database's contents as serialized at creation (the rows data migrations
    seed), read before the browser starts: see _serialized_contents_in_loop."""
    from django.db import connections

    return {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }


@pytest.fixture(scope="package")
def browser(_serialized_database):
    """One headless Chromium for the browser tests (this package).

    Playwright's sync API keeps an asyncio event loop running in this thread, which makes
    Django's async-safety check refuse the tests' own ORM calls (SynchronousOnlyOperation).
    The tests run no async code of their own, so the check is off while the browser lives,
    and back on for the tests that follow."""
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium が見つかりません（apt-get install chromium）")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"Playwright for Python がありません（pip install -e '.[dev]'）: {exc}")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright, executable)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright, executable: str):
    with sync_playwright() as playwright:
        try:
            instance = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Exception as exc:  # any launch failure means no browser
            _unavailable(f"Chromium を起動できません: {exc}")
        yield instance
        instance.close()


@pytest.fixture
def _serialized_contents_in_loop(browser, _serialized_database):
    """While Playwright's event loop runs, Django's connection handler (asgiref Local) hands
    out other connection objects than the ones the test database was created and serialized
    on; give them the serialized contents so that serialized rollback restores the seeded
    rows after each flush."""
    from django.db import connections

    for alias, contents in _serialized_database.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents


@pytest.fixture
def demo(_serialized_contents_in_loop, django_db_serialized_rollback, transactional_db):
    """The whole demo installation (Musashino, its areas, users and every app's demo data),
    committed so that the live server's thread sees it; flushed after the test. The rows
    that data migrations seed (categories, topics, themes) are restored after each flush
    (serialized rollback), so every test starts from the same database."""
    from sasaeai.site.demo import load_demo

    load_demo()
    from sasaeai.org.models import Municipality

    return Municipality.objects.get(code="132039")


@pytest.fixture
def page(browser, demo, live_server, request):
    """A fresh browser tab (own cookies) on the live server with the demo loaded, at desktop
    size. Relative URLs work: page.goto("/resources/"). Outside requests are blocked (map
    tiles and the like), uncaught script errors and CSP violations fail the test."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=harness.DESKTOP,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    origin = live_server.url.rstrip("/")
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(origin) or route.request.url.startswith("data:")
            else route.abort()
        ),
    )
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", lambda message: _record_csp_violation(message, tab, problems))
    tab.problems = problems
    yield tab
    context.close()
    if problems and not hasattr(request.node, "_browser_problems_ok"):
        pytest.fail("ブラウザでエラーが出ました:\n" + "\n".join(problems), pytrace=False)


def _record_csp_violation(message, tab, problems: list[str]) -> None:
    """A CSP violation by our own pages (inline style or script) is a bug; axe-core's own
    probing of styles is not."""
    if message.type != "error" or "Content Security Policy" not in message.text:
        return
    if message.location.get("url", "").endswith(harness.AXE_SCRIPT_URL):
        return
    problems.append(f"CSP ({tab.url}): {message.text}")
