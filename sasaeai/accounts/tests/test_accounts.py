"""Logging in, the home page, user management and API tokens, through real requests."""

import pytest
from django.core.management import call_command

from sasaeai.accounts.models import ApiToken, Role, User
from sasaeai.audit.models import AuditEvent
from sasaeai.org.models import Area

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


class TestLogin:
    def test_login_page_is_japanese(self, client):
        body = client.get("/accounts/login/").content.decode()
        assert "ログイン" in body and "ユーザー名" in body and "パスワード" in body

    def test_demo_login_reaches_home_with_name_role_and_area(self, client, musashino, settings):
        response = client.post(
            "/accounts/login/",
            {"username": "tier2-5", "password": settings.DEMO_PASSWORD},
            follow=True,
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "境 花子さんのホーム" in body
        assert "第2層生活支援コーディネーター" in body
        assert "境・桜堤エリア" in body
        assert AuditEvent.objects.filter(action="login", username="tier2-5").exists()

    def test_wrong_password_gives_japanese_error(self, client, musashino):
        response = client.post("/accounts/login/", {"username": "tier1", "password": "nope"})
        assert response.status_code == 200
        assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
        assert AuditEvent.objects.filter(action="login_failed").exists()
        # The password never reaches the audit log.
        assert not AuditEvent.objects.filter(summary__contains="nope").exists()

    def test_login_is_throttled_after_five_failures(self, client, musashino, settings):
        for _ in range(5):
            client.post("/accounts/login/", {"username": "tier1", "password": "wrong"})
        response = client.post(
            "/accounts/login/", {"username": "tier1", "password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 429
        assert "ログインを一時停止しています" in response.content.decode()

    def test_logout(self, client, musashino):
        client.force_login(User.objects.get(username="tier1"))
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert client.get("/").status_code == 302

    def test_anonymous_home_redirects_to_login(self, client):
        response = client.get("/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_password_change_enforces_strength(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "このパスワードは短すぎます" in body or "短すぎ" in body
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


class TestNavigationByRole:
    @pytest.mark.parametrize(
        "username,shown,hidden",
        [
            ("admin", ["利用者管理", "監査ログ", "組織"], []),
            ("tier1", ["組織"], ["利用者管理", "監査ログ"]),
            ("council", [], ["利用者管理", "監査ログ", "組織"]),
        ],
    )
    def test_menu_shows_only_what_the_role_may_open(
        self, client, musashino, username, shown, hidden
    ):
        client.force_login(User.objects.get(username=username))
        body = client.get("/").content.decode()
        for label in shown:
            assert f">{label}</a>" in body
        for label in hidden:
            assert f">{label}</a>" not in body


class TestUserManagement:
    def _admin(self, client, musashino):
        admin = User.objects.get(username="admin")
        client.force_login(admin)
        return admin

    def test_admin_adds_a_tier2_user_to_an_area(self, client, musashino):
        self._admin(client, musashino)
        area = Area.objects.get(name="境南エリア")
        response = client.post(
            "/accounts/users/new/",
            {
                "username": "newcomer",
                "display_name": "新人 さん",
                "role": Role.TIER2,
                "areas": [area.pk],
                "password": "a-long-enough-pass-2026",
            },
        )
        assert response.status_code == 302
        user = User.objects.get(username="newcomer")
        assert list(user.areas.all()) == [area]
        assert AuditEvent.objects.filter(
            action="create", target_type="accounts.user", target_id=str(user.pk)
        ).exists()

    def test_tier2_without_area_is_refused_and_form_keeps_input(self, client, musashino):
        self._admin(client, musashino)
        response = client.post(
            "/accounts/users/new/",
            {
                "username": "noarea",
                "display_name": "圏域 なし",
                "role": Role.TIER2,
                "password": "a-long-enough-pass-2026",
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "担当圏域を1つ以上指定してください" in body
        assert 'value="圏域 なし"' in body
        assert not User.objects.filter(username="noarea").exists()

    def test_admin_cannot_see_users_of_another_municipality(self, client, musashino):
        self._admin(client, musashino)
        stranger = UserFactory()
        assert client.get(f"/accounts/users/{stranger.pk}/").status_code == 404
        assert (
            client.post(
                f"/accounts/users/{stranger.pk}/password/", {"password": "x-very-long-password"}
            ).status_code
            == 404
        )

    def test_non_admin_gets_403(self, client, musashino):
        client.force_login(User.objects.get(username="tier1"))
        assert client.get("/accounts/users/").status_code == 403

    def test_admin_resets_a_password(self, client, musashino):
        self._admin(client, musashino)
        target = User.objects.get(username="tier2-2")
        response = client.post(
            f"/accounts/users/{target.pk}/password/", {"password": "brand-new-secret-2026"}
        )
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.check_password("brand-new-secret-2026")


class TestApiTokens:
    def test_token_created_in_the_ui_works_with_the_api_until_revoked(self, client, musashino):
        user = User.objects.get(username="tier1")
        client.force_login(user)
        page = client.post("/accounts/me/tokens/", {"name": "集計スクリプト"})
        assert page.status_code == 200
        plain = page.context["plain"]
        assert plain.startswith("ssa_")
        token = ApiToken.objects.get(user=user)
        assert token.digest != plain and plain not in token.digest  # stored hashed

        from django.test import Client

        api = Client()
        me = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
        assert me.status_code == 200 and me.json()["username"] == "tier1"

        client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
        assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401

    def test_cannot_revoke_someone_elses_token(self, client, musashino):
        from sasaeai.accounts.services import token_create

        other = User.objects.get(username="tier2-1")
        token, _ = token_create(user=other, name="x")
        client.force_login(User.objects.get(username="tier1"))
        assert client.post(f"/accounts/me/tokens/{token.pk}/revoke/").status_code == 404
        token.refresh_from_db()
        assert token.is_active

    def test_command_creates_and_revokes(self, musashino, capsys):
        call_command("token", "create", "official")
        plain = capsys.readouterr().out.strip()
        from django.test import Client

        assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200
        call_command("token", "revoke", "official")
        assert "1件" in capsys.readouterr().out
        assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401

    def test_inactive_user_token_is_refused(self, musashino):
        from django.test import Client

        from sasaeai.accounts.services import token_create

        user = User.objects.get(username="official")
        _, plain = token_create(user=user, name="x")
        user.is_active = False
        user.save()
        assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


def test_english_preference_switches_staff_screens(client, musashino):
    user = User.objects.get(username="tier1")
    user.language = "en"
    user.save()
    client.force_login(user)
    response = client.get("/")
    assert response["Content-Language"] == "en"
