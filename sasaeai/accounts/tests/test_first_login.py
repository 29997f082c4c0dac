"""Operators and first logins: `sasaeai user create` prints a one-time password; any password
set by someone else (that command, the add-user form, an administrator's reset, the Django
admin) must be changed at the first login, pages and API alike; adding a user preselects no
role."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sasaeai.accounts import services
from sasaeai.accounts.models import Role, User
from sasaeai.audit.models import AuditEvent
from sasaeai.org.models import Area, Municipality

from .factories import UserFactory

pytestmark = pytest.mark.django_db

OWN = "my-very-own-secret-2026"


def create_user(capsys, *args) -> tuple[User, str]:
    call_command("user", "create", *args)
    out = capsys.readouterr().out
    password = re.search(r"初回ログイン用パスワード: (\S+)", out).group(1)
    return User.objects.get(username=args[0]), password


def login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


class TestUserCreateCommand:
    def test_first_administrator_of_a_new_municipality(self, capsys):
        call_command("municipality", "create", "352071")
        capsys.readouterr()
        user, password = create_user(
            capsys, "kudamatsu-admin", "--role", "admin", "--municipality", "352071"
        )
        assert user.role == Role.ADMIN and user.municipality.name == "下松市"
        assert user.must_change_password and user.check_password(password)
        assert len(password) == 23 and re.fullmatch(r"([a-z2-9]{5}-){3}[a-z2-9]{5}", password)
        assert AuditEvent.objects.filter(
            action="create", target_type="accounts.user", target_id=str(user.pk)
        ).exists()

    def test_roles_in_japanese_and_areas_by_name(self, capsys, musashino):
        user, _ = create_user(
            capsys,
            "newcomer",
            "--role",
            "第2層",
            "--municipality",
            "132039",
            "--area",
            "境南エリア",
            "--area",
            "中央エリア",
            "--name",
            "新井 ひかり",
        )
        assert user.role == Role.TIER2 and user.display_name == "新井 ひかり"
        assert sorted(user.areas.values_list("name", flat=True)) == ["中央エリア", "境南エリア"]
        official, _ = create_user(capsys, "clerk", "--role", "市職員", "--municipality", "132039")
        assert official.role == Role.OFFICIAL

    @pytest.mark.parametrize(
        "args,message",
        [
            (["x1", "--role", "boss", "--municipality", "132039"], "役割「boss」はありません"),
            (["x2", "--role", "admin", "--municipality", "999999"], "municipality create 999999"),
            (["x3", "--role", "tier2", "--municipality", "132039"], "担当圏域を1つ以上"),
            (
                ["x4", "--role", "tier2", "--municipality", "132039", "--area", "月面"],
                "圏域「月面」は武蔵野市にありません。圏域: 吉祥寺東・南エリア",
            ),
            (["admin", "--role", "tier1", "--municipality", "132039"], "すでに使われています"),
        ],
    )
    def test_refusals_say_what_to_do(self, musashino, args, message):
        before = User.objects.count()
        with pytest.raises(CommandError, match=message):
            call_command("user", "create", *args)
        assert User.objects.count() == before

    def test_tier2_in_a_municipality_without_areas_is_told_to_make_areas_first(self, capsys):
        call_command("municipality", "create", "352071")
        with pytest.raises(CommandError, match="圏域がまだありません"):
            call_command("user", "create", "t2", "--role", "tier2", "--municipality", "352071")

    def test_reset_password_and_list(self, capsys, musashino):
        call_command("user", "reset-password", "tier1")
        out = capsys.readouterr().out
        password = re.search(r"初回ログイン用パスワード: (\S+)", out).group(1)
        tier1 = User.objects.get(username="tier1")
        assert tier1.check_password(password) and tier1.must_change_password
        call_command("user", "list", "--municipality", "132039")
        assert "132039\ttier1\ttier1\t初回パスワード変更待ち" in capsys.readouterr().out


class TestForcedPasswordChange:
    @pytest.fixture
    def newcomer(self, capsys, musashino):
        return create_user(capsys, "newcomer", "--role", "tier1", "--municipality", "132039")

    def test_first_login_goes_to_the_password_change_and_every_page_waits(self, client, newcomer):
        _, password = newcomer
        response = login(client, "newcomer", password)
        assert response.status_code == 302
        home = client.get("/")
        assert home.status_code == 302 and home["Location"] == "/accounts/password/?next=/"
        page = client.get("/resources/", {"q": "サロン"})
        assert page["Location"].startswith("/accounts/password/?next=/resources/")
        body = client.get(page["Location"]).content.decode()
        assert "いまのパスワードは管理者が設定したものです" in body
        assert "現在のパスワード" in body
        assert "メインメニュー" not in body  # every entry would lead back here
        assert 'name="next" value="/resources/?q=%E3%82%B5%E3%83%AD%E3%83%B3"' in body

    def test_the_session_api_and_tokens_wait_too_in_japanese(self, client, newcomer):
        user, password = newcomer
        _, plain = services.token_create(user=user, name="スクリプト")
        api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
        assert api.status_code == 403
        assert "管理者が設定したパスワードのままです" in api.json()["detail"]
        login(client, "newcomer", password)
        session_api = client.get("/api/v1/me")
        assert session_api.status_code == 403 and "パスワード" in session_api.json()["detail"]

    def test_changing_it_lifts_the_wait_and_returns_to_the_page_asked_for(self, client, newcomer):
        user, password = newcomer
        _, plain = services.token_create(user=user, name="スクリプト")
        login(client, "newcomer", password)
        response = client.post(
            "/accounts/password/",
            {
                "old_password": password,
                "new_password1": OWN,
                "new_password2": OWN,
                "next": "/resources/",
            },
        )
        assert response.status_code == 302 and response["Location"] == "/resources/"
        user.refresh_from_db()
        assert not user.must_change_password and user.check_password(OWN)
        assert client.get("/").status_code == 200  # the session survives the change
        me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
        assert me.status_code == 200

    def test_keeping_the_one_time_password_is_refused(self, client, newcomer):
        user, password = newcomer
        login(client, "newcomer", password)
        response = client.post(
            "/accounts/password/",
            {"old_password": password, "new_password1": password, "new_password2": password},
        )
        assert "今のパスワードと同じです" in response.content.decode()
        user.refresh_from_db()
        assert user.must_change_password

    def test_a_next_elsewhere_is_ignored(self, client, newcomer):
        _, password = newcomer
        login(client, "newcomer", password)
        response = client.post(
            "/accounts/password/",
            {
                "old_password": password,
                "new_password1": OWN,
                "new_password2": OWN,
                "next": "https://evil.example/",
            },
        )
        assert response["Location"] == "/accounts/me/"

    def test_logout_stays_possible(self, client, newcomer):
        _, password = newcomer
        login(client, "newcomer", password)
        assert client.post("/accounts/logout/").status_code == 302
        assert client.get("/").status_code == 302


def _by_command(capsys, musashino) -> User:
    call_command("user", "create", "someone", "--role", "official", "--municipality", "132039")
    return User.objects.get(username="someone")


def _by_add_user_form(capsys, musashino) -> User:
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    response = admin.post(
        "/accounts/users/new/",
        {
            "username": "someone",
            "display_name": "誰か",
            "role": Role.OFFICIAL,
            "password": "given-by-admin-2026",
        },
    )
    assert response.status_code == 302
    return User.objects.get(username="someone")


def _by_admin_reset(capsys, musashino) -> User:
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    target = User.objects.get(username="tier2-2")
    response = admin.post(
        f"/accounts/users/{target.pk}/password/", {"password": "reset-by-admin-2026"}
    )
    assert response.status_code == 302
    return target


def _by_command_reset(capsys, musashino) -> User:
    call_command("user", "reset-password", "official")
    return User.objects.get(username="official")


def _operator(musashino) -> Client:
    operator = User.objects.create_superuser("operator", password="operator-pass-2026")
    client = Client()
    client.force_login(operator)
    return client


def _by_django_admin_add(capsys, musashino) -> User:
    response = _operator(musashino).post(
        "/django-admin/accounts/user/add/",
        {
            "username": "someone",
            "password1": "given-by-operator-2026",
            "password2": "given-by-operator-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return User.objects.get(username="someone")


def _by_django_admin_password(capsys, musashino) -> User:
    target = User.objects.get(username="council")
    response = _operator(musashino).post(
        f"/django-admin/accounts/user/{target.pk}/password/",
        {"password1": "changed-by-operator-2026", "password2": "changed-by-operator-2026"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return target


@pytest.mark.parametrize(
    "set_by_someone_else",
    [
        _by_command,
        _by_add_user_form,
        _by_admin_reset,
        _by_command_reset,
        _by_django_admin_add,
        _by_django_admin_password,
    ],
)
def test_every_password_set_by_someone_else_must_be_changed(capsys, musashino, set_by_someone_else):
    """The class of the bug: a password someone else knows stays in use. Every way one is set
    (CLI, add-user form, reset, Django admin) leaves the user sent to the change page."""
    user = set_by_someone_else(capsys, musashino)
    user.refresh_from_db()
    assert user.must_change_password
    client = Client()
    client.force_login(user)
    assert client.get("/")["Location"].startswith("/accounts/password/")


def test_ones_own_password_and_demo_logins_are_not_forced(client, musashino, settings):
    assert not User.objects.filter(municipality=musashino, must_change_password=True).exists()
    login(client, "tier1", settings.DEMO_PASSWORD)
    assert client.get("/").status_code == 200


class TestRiskyDefaults:
    def test_adding_a_user_preselects_no_role(self, client, musashino):
        client.force_login(User.objects.get(username="admin"))
        body = client.get("/accounts/users/new/").content.decode()
        select = body.split('name="role"')[1].split("</select>")[0]
        assert '<option value="" selected>選んでください</option>' in select
        assert "selected" not in select.replace('<option value="" selected>', "")

    def test_a_role_must_be_chosen(self, client, musashino):
        client.force_login(User.objects.get(username="admin"))
        response = client.post(
            "/accounts/users/new/",
            {"username": "norole", "display_name": "役割 なし", "password": "a-long-pass-2026"},
        )
        assert response.status_code == 400
        assert "役割" in response.content.decode()
        assert not User.objects.filter(username="norole").exists()

    def test_editing_keeps_the_users_role(self, client, musashino):
        client.force_login(User.objects.get(username="admin"))
        target = User.objects.get(username="council")
        body = client.get(f"/accounts/users/{target.pk}/").content.decode()
        assert '<option value="council" selected>' in body


def test_user_list_shows_who_has_not_changed_the_first_password(client, musashino):
    UserFactory(municipality=musashino, username="waiting", must_change_password=True)
    client.force_login(User.objects.get(username="admin"))
    row = client.get("/accounts/users/").content.decode().split("waiting")[1].split("</tr>")[0]
    assert "初回パスワード変更待ち" in row


def test_operator_creates_municipality_and_its_first_administrator_offline(capsys):
    """The operator's whole start, as docs/onboarding.md gives it."""
    call_command("municipality", "create", "243418")
    _, password = create_user(
        capsys, "komono-admin", "--role", "システム管理者", "--municipality", "243418"
    )
    client = Client()
    login(client, "komono-admin", password)
    client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": OWN, "new_password2": OWN},
    )
    body = client.get("/org/setup/").content.decode()
    assert "菰野町の初期設定" in body
    assert Municipality.objects.get(code="243418").towns.count() > 10
    assert not Area.objects.exists()
