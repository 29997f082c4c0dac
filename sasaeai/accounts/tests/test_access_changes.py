"""A change of what a user may reach (a password set by someone else, the role, the municipality,
the areas) is audited and revokes the user's API tokens and calendar feed URLs, whatever the
path: the 利用者管理 pages, the Django admin, the `sasaeai user` command, the services from a
shell. (The API has no operation that changes a user; the last test keeps it so.)"""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from sasaeai.accounts import services
from sasaeai.accounts.models import ApiToken, Role, User
from sasaeai.activities.models import CalendarFeed
from sasaeai.activities.services import calendar_feed_create
from sasaeai.audit.models import AuditEvent
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "changed-by-someone-2026"


def _holding_secrets(username: str) -> tuple[User, str, str]:
    """The user with a live API token and a live calendar feed URL (their plain secrets)."""
    user = User.objects.get(username=username)
    _, token = services.token_create(user=user, name="集計スクリプト")
    _, feed = calendar_feed_create(user=user)
    return user, token, feed


def _secrets_work(token: str, feed: str) -> tuple[bool, bool]:
    client = Client()
    api = client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    ics = client.get(f"/activities/calendar/feed/{feed}.ics")
    return api.status_code == 200, ics.status_code == 200


def _admin_client(musashino) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def _operator_client() -> Client:
    operator = User.objects.create_superuser("operator", password="operator-pass-2026")
    client = Client()
    client.force_login(operator)
    return client


def _user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "display_name_kana": user.display_name_kana,
        "email": user.email,
        "role": user.role,
        "areas": [a.pk for a in user.areas.all()],
        "is_active": "on",
    }
    data.update(changes)
    return data


def _django_admin_form(client: Client, user: User, **changes) -> dict:
    """The Django admin's change form of the user as the operator would send it back."""
    page = client.get(f"/django-admin/accounts/user/{user.pk}/change/").content.decode()
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "display_name": user.display_name,
        "display_name_kana": user.display_name_kana,
        "municipality": user.municipality_id,
        "role": user.role,
        "language": user.language,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    for prefix in re.findall(r'name="([^"]+)-TOTAL_FORMS"', page):
        count = len(re.findall(rf'name="{re.escape(prefix)}-\d+-id"', page))
        data |= {
            f"{prefix}-TOTAL_FORMS": count,
            f"{prefix}-INITIAL_FORMS": count,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for i, pk in enumerate(
            re.findall(rf'name="{re.escape(prefix)}-\d+-id" value="(\d+)"', page)
        ):
            data[f"{prefix}-{i}-id"] = pk
            data[f"{prefix}-{i}-user"] = user.pk
    data.update(changes)
    return data


def _other_area(user: User) -> Area:
    return Area.objects.filter(municipality=user.municipality).exclude(users=user).first()


# --- each path that changes what a user may reach ---------------------------------------------


def _reset_by_administrator(musashino, user):
    response = _admin_client(musashino).post(
        f"/accounts/users/{user.pk}/password/",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:800]


def _role_change_by_administrator(musashino, user):
    response = _admin_client(musashino).post(
        f"/accounts/users/{user.pk}/", _user_form(user, role=Role.TIER1, areas=[])
    )
    assert response.status_code == 302, response.content.decode()[:800]


def _area_change_by_administrator(musashino, user):
    response = _admin_client(musashino).post(
        f"/accounts/users/{user.pk}/", _user_form(user, areas=[_other_area(user).pk])
    )
    assert response.status_code == 302, response.content.decode()[:800]


def _role_change_in_django_admin(musashino, user):
    client = _operator_client()
    response = client.post(
        f"/django-admin/accounts/user/{user.pk}/change/",
        _django_admin_form(client, user, role=Role.OFFICIAL),
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _municipality_change_in_django_admin(musashino, user):
    from sasaeai.org.tests.factories import MunicipalityFactory

    elsewhere = MunicipalityFactory()
    client = _operator_client()
    response = client.post(
        f"/django-admin/accounts/user/{user.pk}/change/",
        _django_admin_form(client, user, municipality=elsewhere.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _password_in_django_admin(musashino, user):
    response = _operator_client().post(
        f"/django-admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:800]


def _reset_by_command(musashino, user):
    call_command("user", "reset-password", user.username)


def _role_change_by_service(musashino, user):
    services.user_update(user=user, role=Role.TIER1, areas=[], display_name=user.display_name)


def _area_change_by_service(musashino, user):
    services.area_assignments_change(user=user, areas=[_other_area(user)])


PATHS = [
    _reset_by_administrator,
    _role_change_by_administrator,
    _area_change_by_administrator,
    _role_change_in_django_admin,
    _municipality_change_in_django_admin,
    _password_in_django_admin,
    _reset_by_command,
    _role_change_by_service,
    _area_change_by_service,
]


@pytest.mark.parametrize("change", PATHS, ids=lambda f: f.__name__.strip("_"))
def test_every_change_of_access_revokes_tokens_and_feeds_and_is_audited(musashino, change):
    user, token, feed = _holding_secrets("tier2-5")
    assert _secrets_work(token, feed) == (True, True)
    before = AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk))
    seen = set(before.values_list("pk", flat=True))

    change(musashino, user)

    assert _secrets_work(token, feed) == (False, False)
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert not CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).exists()
    new = [e for e in before.all() if e.pk not in seen]
    assert len(new) == 1, [e.summary for e in new]
    assert "件を失効" in new[0].summary, new[0].summary


def test_a_change_that_keeps_access_keeps_the_tokens(musashino):
    """A new display name or e-mail address changes nothing the user may reach."""
    user, token, feed = _holding_secrets("tier2-5")
    response = _admin_client(musashino).post(
        f"/accounts/users/{user.pk}/", _user_form(user, display_name="境 花子（旧姓 佐藤）")
    )
    assert response.status_code == 302
    assert _secrets_work(token, feed) == (True, True)
    event = AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk)).latest(
        "pk"
    )
    assert event.summary == "利用者 tier2-5 を更新"


def test_the_audit_row_says_what_changed_and_who_did_it(musashino):
    user, _, _ = _holding_secrets("tier2-5")
    _role_change_in_django_admin(musashino, user)
    event = AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk)).latest(
        "pk"
    )
    assert event.username == "operator"
    assert "役割: 第2層生活支援コーディネーター→市職員" in event.summary
    assert "担当圏域" not in event.summary
    assert event.summary.endswith("（管理サイト）")


def test_an_own_password_change_keeps_the_tokens(musashino):
    """The user's own change is not a change of access: their calendar keeps working."""
    user, token, feed = _holding_secrets("tier2-5")
    services.user_set_password(user=user, password=NEW_PASSWORD, by_self=True)
    assert _secrets_work(token, feed) == (True, True)
    assert AuditEvent.objects.filter(target_id=str(user.pk), summary="パスワードを変更").exists()


def test_the_api_has_no_operation_that_changes_a_user(client, musashino):
    """Were one added, it would have to call these services (and this test be replaced by a
    path above)."""
    schema = client.get("/api/v1/openapi.json").json()
    writes = [
        (path, verb)
        for path, operations in schema["paths"].items()
        if "/users" in path or path.endswith("/me")
        for verb in operations
        if verb not in ("get", "head", "options")
    ]
    assert writes == []
