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


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


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


def pytest_terminal_summary(terminalreporter):
    # Say why browser tests did not run, even without -rs: skipped is never passed.
    reasons = {
        str(report.longrepr[2])
        for report in terminalreporter.stats.get("skipped", [])
        if "browser" in report.keywords and isinstance(report.longrepr, tuple)
    }
    for reason in sorted(reasons):
        terminalreporter.write_line(f"browser tests skipped: {reason}")
    path = harness.write_axe_report()
    if not harness.AXE_RUNS:
        return
    failing = sum(
        1
        for run in harness.AXE_RUNS
        for v in run["violations"]
        if v["impact"] in harness.FAILING_IMPACTS
    )
    minor = sum(
        1
        for run in harness.AXE_RUNS
        for v in run["violations"]
        if v["impact"] not in harness.FAILING_IMPACTS
    )
    terminalreporter.write_line(
        f"axe-core: {len(harness.AXE_RUNS)} page checks, {failing} serious/critical, "
        f"{minor} moderate/minor violations (report: {path.relative_to(harness.ROOT)})"
    )
