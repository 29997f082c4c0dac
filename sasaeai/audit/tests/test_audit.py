"""The audit log is append-only through every door: no view, no API operation and no admin
action changes it; the model, its queryset and the database refuse it too. Logins, failures
and logouts are recorded; administrators search their own municipality's log."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import get_resolver

from sasaeai.accounts.models import User
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(musashino):
    admin = User.objects.get(username="admin")
    return audit_record(action="view", user=admin, target=admin, summary="閲覧")


class TestNoDoorChangesTheLog:
    def test_the_only_audit_url_is_the_search_page_and_it_takes_get_only(self, client, musashino):
        audit_views = [
            str(p.pattern) for p in get_resolver().url_patterns if "audit" in str(p.pattern)
        ]
        assert audit_views == ["audit/"]
        resolver = get_resolver().url_patterns[
            [str(p.pattern) for p in get_resolver().url_patterns].index("audit/")
        ]
        assert [p.name for p in resolver.url_patterns] == ["list"]
        client.force_login(User.objects.get(username="admin"))
        assert client.get("/audit/").status_code == 200
        for method in ("post", "put", "patch", "delete"):
            assert getattr(client, method)("/audit/").status_code == 405

    def test_no_api_operation_writes_audit_events(self):
        from sasaeai.site.api import api

        paths = api.get_openapi_schema()["paths"]
        writes = [
            (method, path)
            for path, ops in paths.items()
            for method in ops
            if "audit" in path and method != "get"
        ]
        assert writes == []

    def test_admin_site_is_read_only_even_for_a_superuser(self, musashino, event):
        superuser = UserFactory(is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(superuser)
        base = "/django-admin/audit/auditevent/"
        assert client.get(base).status_code == 200
        assert client.get(f"{base}add/").status_code == 403
        assert client.post(f"{base}add/", {"action": "login"}).status_code == 403
        # The change page shows the entry read-only; posting to it is refused.
        page = client.get(f"{base}{event.pk}/change/")
        assert page.status_code == 200 and b'name="_save"' not in page.content
        assert client.post(f"{base}{event.pk}/change/", {"summary": "x"}).status_code == 403
        assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
        # No bulk delete action on the list.
        assert b"delete_selected" not in client.get(base).content
        response = client.post(
            base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
        )
        assert response.status_code in (200, 302, 403)
        assert AuditEvent.objects.filter(pk=event.pk, summary="閲覧").exists()

    def test_model_and_queryset_refuse(self, event):
        event.summary = "書き換え"
        with pytest.raises(PermissionError):
            event.save()
        with pytest.raises(PermissionError):
            event.delete()
        with pytest.raises(PermissionError):
            AuditEvent.objects.filter(pk=event.pk).update(summary="x")
        with pytest.raises(PermissionError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(PermissionError), transaction.atomic():
            AuditEvent.objects.bulk_update([event], ["summary"])
        assert AuditEvent.objects.get(pk=event.pk).summary == "閲覧"

    def test_database_refuses_update_in_sql(self, event):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET summary = 'x' WHERE id = %s", [event.pk])
        assert AuditEvent.objects.get(pk=event.pk).summary == "閲覧"

    def test_database_refuses_delete_in_sql_on_postgresql(self, event):
        if connection.vendor != "postgresql":
            pytest.skip("SQLite keeps DELETE for the test runner's flush; the model refuses it")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert AuditEvent.objects.filter(pk=event.pk).exists()


class TestWhatIsRecorded:
    def test_login_failure_and_logout_with_address_and_browser(self, musashino, settings):
        client = Client(REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="Mozilla/5.0 test")
        client.post("/accounts/login/", {"username": "tier1", "password": "wrong-password"})
        client.post("/accounts/login/", {"username": "tier1", "password": settings.DEMO_PASSWORD})
        client.post("/accounts/logout/")
        events = list(AuditEvent.objects.filter(username__in=["tier1", ""]).order_by("id"))
        actions = [e.action for e in events]
        assert actions[-3:] == ["login_failed", "login", "logout"]
        login = events[-2]
        assert login.ip_address == "192.0.2.10" and login.user_agent == "Mozilla/5.0 test"
        assert login.municipality_id == musashino.pk
        # The failed attempt names the user name tried, never the password.
        assert "tier1" in events[-3].summary and "wrong-password" not in events[-3].summary

    def test_user_changes_are_recorded_with_who_and_what(self, client, musashino):
        client.force_login(User.objects.get(username="admin"))
        target = User.objects.get(username="tier2-3")
        client.post(f"/accounts/users/{target.pk}/password/", {"password": "a-new-long-pass-2026"})
        event = AuditEvent.objects.filter(
            action="update", target_type="accounts.user", target_id=str(target.pk)
        ).get()
        assert event.username == "admin" and event.target_type == "accounts.user"
        assert "a-new-long-pass-2026" not in event.summary


class TestSearch:
    def test_admin_searches_own_municipality_only(self, client, musashino):
        stranger = UserFactory(role="admin")
        audit_record(action="login", user=stranger, summary="ログイン")
        audit_record(action="login", user=User.objects.get(username="tier1"), summary="ログイン")
        client.force_login(User.objects.get(username="admin"))
        body = client.get("/audit/", {"q": "tier1", "action": "login"}).content.decode()
        assert "tier1" in body
        assert stranger.username not in client.get("/audit/").content.decode()

    def test_others_may_not_search(self, client, musashino):
        client.force_login(User.objects.get(username="tier1"))
        assert client.get("/audit/").status_code == 403
