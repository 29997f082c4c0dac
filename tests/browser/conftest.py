"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server,
with the demo installation loaded. See README.md in this folder.

Without Chromium the tests are skipped with the reason; with SASAEAI_REQUIRE_BROWSER=1 (CI) a
missing browser fails them instead, so a browser test is never counted as passed unrun.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
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

    yield Municipality.objects.get(code="132039")
    # The flush that follows must not meet a request still being answered.
    wait_for_the_server()


# ---- The live server: one request at a time -------------------------------------------------
#
# The test database is SQLite in memory, which lives in one connection: Django hands the live
# server that connection, and every request thread uses it. Two requests at once (a page and
# the service worker's precache, a navigation while a fetch is still answering) then interleave
# their transactions on one connection: "no such savepoint", a session save refused, a
# transaction left open that locks the next test's flush, a navigation never answered. In
# production every thread has a connection of its own and none of this happens. So the live
# server answers one request at a time (static files, which never touch the database, stay
# parallel), and a test's end waits for the request still being answered before the database
# is flushed.

SERVER_LOCK = threading.Lock()
LOCK_WAIT_SECONDS = 60


class _ReleasingResponse:
    """The response's body, iterated under the lock; the lock is released when the server
    closes it (also when the browser went away in the middle)."""

    def __init__(self, response, release):
        self._response = response
        self._release = release

    def __iter__(self):
        return iter(self._response)

    def close(self):
        try:
            close = getattr(self._response, "close", None)
            if close is not None:
                close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


def _one_request_at_a_time(static_handler_class):
    from django.core.handlers.wsgi import get_path_info

    class OneRequestAtATime(static_handler_class):
        def __call__(self, environ, start_response):
            if self._should_handle(get_path_info(environ)):
                return super().__call__(environ, start_response)
            if not SERVER_LOCK.acquire(timeout=LOCK_WAIT_SECONDS):
                raise RuntimeError(
                    f"ライブサーバーの前のリクエストが {LOCK_WAIT_SECONDS} 秒たっても終わりません"
                )
            try:
                response = super().__call__(environ, start_response)
            except BaseException:
                SERVER_LOCK.release()
                raise
            return _ReleasingResponse(response, SERVER_LOCK.release)

    return OneRequestAtATime


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time (see above)."""
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _one_request_at_a_time(server.thread.static_handler)
    server.start()
    yield server
    server.stop()


def wait_for_the_server() -> None:
    """Returns once the live server has answered the request it is answering, if any."""
    if SERVER_LOCK.acquire(timeout=LOCK_WAIT_SECONDS):
        SERVER_LOCK.release()


class _ServerErrors(logging.Handler):
    """Errors the application logs while answering (django.request logs every 500)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def server_errors():
    """Every error the live server logs during the test. A browser test fails on one: a 500
    behind a fetch or a service worker is invisible on the screen. A test that provokes one on
    purpose empties the list."""
    handler = _ServerErrors()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def page(browser, demo, live_server, server_errors, request):
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
    wait_for_the_server()
    problems.extend(f"server error: {message}" for message in server_errors)
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
