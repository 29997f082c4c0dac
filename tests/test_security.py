"""Web hardening, proven on every page: security headers and a CSP the pages really obey, CSRF
on every POST and on session-authenticated API writes, Japanese error pages without stack
traces, sessions that end after inactivity, and SQLite in WAL mode."""

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from sasaeai.accounts.models import User

from .access_registry import PUBLIC
from .access_world import (
    REQUESTERS,
    api_operations,
    module_world,
    namespace_access,
    page_routes,
    reaches,
    sample_path,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
world = module_world()

# Inline code, not data: json_script blocks (type="application/json") never execute.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json))[^>]*>\s*\S", re.I
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _html_pages(world):
    """(requester, path) for every page each staff role may open (objects at its place)."""
    for key, route in sorted({r.key: r for r in page_routes()}.items()):
        access = world.pages.get(key) or namespace_access(route)
        if access is None or access.allow not in (*_capabilities(), "LOGIN", PUBLIC):
            continue
        if route.route.startswith("api/"):
            continue
        built = world.built.get((f"page:{key}", "here"))
        if route.params and (built is None or not built.target.kwargs):
            continue
        path = sample_path(route, built.target.kwargs if built else {})
        for requester in REQUESTERS:
            if reaches(access, world.users[requester], world.here if access.obj else None):
                yield requester, path


def _capabilities():
    from sasaeai.accounts.policy import Capability

    return tuple(Capability)


class TestHeadersAndCsp:
    def test_login_page_headers(self, client):
        response = client.get("/accounts/login/")
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]

    def test_every_page_carries_the_policy_and_obeys_it(self, world):
        """No inline script, style or event handler on any page any role can open, so that
        the strict CSP never breaks a page and never needs 'unsafe-inline'."""
        problems, seen = [], 0
        clients = {r: world.client_for(r) for r in REQUESTERS}
        for requester, path in _html_pages(world):
            response = clients[requester].get(path)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            seen += 1
            body = response.content.decode()
            csp = response.get("Content-Security-Policy", "")
            if "script-src 'self'" not in csp or "unsafe-inline" in csp:
                problems.append(f"{path} ({requester}): CSP header missing or weak: {csp!r}")
            for pattern, what in (
                (INLINE_SCRIPT, "inline <script>"),
                (INLINE_HANDLER, "inline event handler (onclick=…)"),
                (STYLE_ATTRIBUTE, 'style="…" attribute'),
                (STYLE_ELEMENT, "<style> element"),
                (JS_URL, "javascript: URL"),
            ):
                match = pattern.search(body)
                if match:
                    snippet = body[max(0, match.start() - 40) : match.end() + 60]
                    problems.append(f"{path} ({requester}): {what}: …{snippet}…")
        assert seen >= 10
        assert not problems, "\n".join(problems)


class TestCsrf:
    def test_every_page_refuses_a_post_without_the_token(self, world):
        """CSRF is enforced on every URL (no view is csrf_exempt), for a logged-in user."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users["admin"])
        exempt = []
        for route in page_routes():
            if route.route.startswith("api/v1/") or route.is_regex:
                continue
            built = world.built.get((f"page:{route.key}", "here"))
            path = sample_path(route, built.target.kwargs if built else {})
            response = client.post(path, {"name": "x"})
            if response.status_code != 403 or b"CSRF" not in response.content:
                exempt.append(f"{path}: {response.status_code}")
        assert not exempt, "POST accepted without a CSRF token: " + ", ".join(exempt)

    def test_session_api_writes_need_the_token(self, world):
        from sasaeai.accounts.api_auth import api_auth

        session_auth = [a for a in api_auth if type(a).__name__ == "ActiveSession"]
        assert session_auth and session_auth[0].csrf is True
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users["tier1"])
        writes = [op for op in api_operations() if op.method != "GET" and not op.public]
        refused = []
        for op in writes:
            path = re.sub(r"{\w+}", "1", op.path)
            response = client.generic(op.method, path, "{}", content_type="application/json")
            refused.append((op.key, response.status_code))
        assert all(status in (401, 403) for _, status in refused), refused

    def test_bearer_token_writes_need_no_csrf_but_a_valid_token(self, world):
        client = Client(enforce_csrf_checks=True)
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ssa_not-a-real-token")
        assert response.status_code == 401
        from sasaeai.accounts.services import token_create, token_revoke

        token, plain = token_create(user=world.users["tier1"], name="test")
        ok = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
        assert ok.status_code == 200 and ok.json()["username"] == "tier1"
        token_revoke(token=token)
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


class TestErrorPages:
    @pytest.mark.urls("tests.access_selftest_urls")
    def test_server_error_is_the_japanese_page_without_a_trace(self):
        client = Client(raise_request_exception=False)
        response = client.get("/boom/")
        body = response.content.decode()
        assert response.status_code == 500
        assert "システムエラーが発生しました" in body
        for leak in ("Traceback", "RuntimeError", "secret internal detail", "山田太郎", "/etc"):
            assert leak not in body

    def test_not_found_is_japanese(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "ページが見つかりません" in response.content.decode()

    def test_forbidden_is_japanese(self, world):
        response = world.client_for("council").get("/accounts/users/")
        assert response.status_code == 403
        assert "権限がありません" in response.content.decode()

    def test_debug_is_off_under_test_and_production(self):
        assert settings.DEBUG is False


class TestSessions:
    def test_sliding_expiry_after_inactivity(self, world):
        user = User.objects.get(username="tier1")
        client = Client()
        client.force_login(user)
        assert client.get("/").status_code == 200
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        session = Session.objects.get(session_key=key)
        idle = settings.SESSION_COOKIE_AGE
        assert idle <= 8 * 3600
        assert settings.SESSION_SAVE_EVERY_REQUEST is True
        # Every request pushes the end forward: expiry is measured from the last activity.
        remaining = (session.expire_date - timezone.now()).total_seconds()
        assert idle - 60 < remaining <= idle
        # Inactivity past the limit: the next request is sent to the login page.
        Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() - dt.timedelta(seconds=1)
        )
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_session_cookie_is_http_only_and_browser_session(self):
        assert settings.SESSION_COOKIE_HTTPONLY is True
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True

    def test_production_cookies_are_secure(self, tmp_path):
        out = _settings_in_subprocess(
            tmp_path,
            {"DEBUG": "0"},
            "SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS",
        )
        assert out == {
            "SESSION_COOKIE_SECURE": True,
            "CSRF_COOKIE_SECURE": True,
            "SECURE_SSL_REDIRECT": True,
            "SECURE_HSTS_SECONDS": 31536000,
        }


def _settings_in_subprocess(tmp_path, extra_env: dict, names: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "sasaeai.example.jp",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'settings.sqlite3'}",
        **extra_env,
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names.split()!r}}}))"
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sqlite_file_database_runs_in_wal_mode_with_busy_timeout_and_immediate_writes(tmp_path):
    """The embedded default: WAL (readers do not block the writer), a 20 s busy timeout and
    BEGIN IMMEDIATE, so that two writers queue instead of failing."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = """
import json, sqlite3, django
django.setup()
from django.db import connection, transaction
with connection.cursor() as c:
    mode = c.execute("PRAGMA journal_mode").fetchone()[0]
    timeout = c.execute("PRAGMA busy_timeout").fetchone()[0]
    c.execute("CREATE TABLE t (x integer)")
# A write transaction holds the write lock from BEGIN: a second writer waits, then gives up.
other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.2, isolation_level=None)
with transaction.atomic():
    try:
        other.execute("BEGIN IMMEDIATE")
        locked = False
    except sqlite3.OperationalError:
        locked = True
# A reader still reads while a write is open (WAL).
with transaction.atomic():
    connection.cursor().execute("INSERT INTO t VALUES (1)")
    reads = other.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"mode": mode, "timeout": timeout, "locked": locked, "reads": reads}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts == {"mode": "wal", "timeout": 20000, "locked": True, "reads": 0}
