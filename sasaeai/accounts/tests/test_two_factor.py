"""Two-factor login with an authenticator app (TOTP): enrolment, the code after the password,
throttling, the per-role requirement administrators set, and resetting a lost phone."""

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.accounts import two_factor
from sasaeai.accounts.models import TwoFactorRequirement, User
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or that many 30-second steps later; django-otp
    refuses a code twice, so a test that needs two codes takes the next step's)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def unthrottle(device: TOTPDevice) -> None:
    """django-otp makes the next try wait 1, 2, 4… seconds after a wrong code; a person
    waits that long anyway, a test does not."""
    device.refresh_from_db()
    device.throttle_reset()


def enrol(user: User) -> TOTPDevice:
    device = two_factor.enrolment_start(user=user)
    assert two_factor.enrolment_confirm(device=device, code=code(device))
    return device


def password_login(client: Client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


class TestEnrolment:
    def test_user_enrols_with_the_qr_code_or_the_key(self, client, musashino):
        user = User.objects.get(username="tier1")
        client.force_login(user)
        page = client.get("/accounts/two-factor/")
        body = page.content.decode()
        assert page.status_code == 200
        assert 'src="data:image/svg+xml;base64,' in body  # QR drawn on the server
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert two_factor.secret_for_display(device) in body
        assert "otpauth://totp/" in body and "issuer=" in body
        wrong = client.post("/accounts/two-factor/", {"code": "000000"})
        assert wrong.status_code == 400 and "確認コードが正しくありません" in wrong.content.decode()
        unthrottle(device)
        right = client.post("/accounts/two-factor/", {"code": code(device)})
        assert right.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert AuditEvent.objects.filter(
            action="update", target_id=str(user.pk), summary="二要素認証を設定"
        ).exists()
        assert "設定済み" in client.get("/accounts/two-factor/").content.decode()

    def test_code_typed_in_full_width_digits_with_spaces_is_accepted(self, client, musashino):
        user = User.objects.get(username="tier1")
        client.force_login(user)
        client.get("/accounts/two-factor/")
        device = TOTPDevice.objects.get(user=user)
        typed = code(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        response = client.post("/accounts/two-factor/", {"code": typed[:3] + " " + typed[3:]})
        assert response.status_code == 302

    def test_a_short_code_gets_a_japanese_message_and_nothing_changes(self, client, musashino):
        user = User.objects.get(username="tier1")
        client.force_login(user)
        client.get("/accounts/two-factor/")
        response = client.post("/accounts/two-factor/", {"code": "12"})
        assert response.status_code == 400
        assert "6桁の数字で入力してください" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    def test_user_turns_it_off_with_a_current_code(self, client, musashino):
        user = User.objects.get(username="tier1")
        device = enrol(user)
        client.force_login(user)
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        response = client.post("/accounts/two-factor/", {"code": code(device, 1)})
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=user).exists()


class TestLoginWithCode:
    def test_password_then_code(self, musashino, settings):
        user = User.objects.get(username="tier2-1")
        device = enrol(user)
        client = Client()
        first = password_login(client, "tier2-1", settings.DEMO_PASSWORD)
        assert first.status_code == 302 and first["Location"] == "/accounts/login/verify/"
        # Not logged in yet: every page still sends to the login page, no login is audited.
        assert client.get("/org/").status_code == 302
        assert not AuditEvent.objects.filter(action="login", username="tier2-1").exists()
        page = client.get("/accounts/login/verify/")
        assert "確認コード" in page.content.decode()
        wrong = client.post("/accounts/login/verify/", {"code": "000000"})
        assert wrong.status_code == 400
        assert "確認コードが正しくないか" in wrong.content.decode()
        assert AuditEvent.objects.filter(
            action="login_failed", summary="確認コードの誤り: tier2-1"
        ).exists()
        unthrottle(device)
        right = client.post("/accounts/login/verify/", {"code": code(device, 1)})
        assert right.status_code == 302 and right["Location"] == "/"
        assert client.get("/org/").status_code == 200
        assert AuditEvent.objects.filter(action="login", username="tier2-1").count() == 1

    def test_next_survives_the_code_step(self, musashino, settings):
        device = enrol(User.objects.get(username="tier1"))
        client = Client()
        client.post(
            "/accounts/login/?next=/org/",
            {"username": "tier1", "password": settings.DEMO_PASSWORD, "next": "/org/"},
        )
        response = client.post("/accounts/login/verify/", {"code": code(device, 1)})
        assert response["Location"] == "/org/"

    def test_five_wrong_codes_start_over(self, musashino, settings):
        enrol(User.objects.get(username="tier1"))
        client = Client()
        password_login(client, "tier1", settings.DEMO_PASSWORD)
        for _ in range(4):
            assert client.post("/accounts/login/verify/", {"code": "111111"}).status_code == 400
        last = client.post("/accounts/login/verify/", {"code": "111111"})
        assert last.status_code == 302 and last["Location"] == "/accounts/login/"
        assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"

    def test_the_code_step_expires(self, musashino, settings):
        device = enrol(User.objects.get(username="tier1"))
        client = Client()
        password_login(client, "tier1", settings.DEMO_PASSWORD)
        session = client.session
        session["sasaeai_2fa_pending"]["at"] -= 301
        session.save()
        response = client.post("/accounts/login/verify/", {"code": code(device, 1)})
        assert response.status_code == 302 and response["Location"] == "/accounts/login/"
        assert client.get("/org/").status_code == 302

    def test_a_session_that_has_not_shown_its_code_is_sent_to_the_code_step(self, musashino):
        user = User.objects.get(username="tier1")
        enrol(user)
        client = Client()
        client.force_login(user)  # a session opened without the code
        response = client.get("/org/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/verify/?next=/org/")
        assert client.get("/api/v1/me").status_code == 403

    def test_without_a_device_login_is_unchanged(self, musashino, settings):
        client = Client()
        response = password_login(client, "tier1", settings.DEMO_PASSWORD)
        assert response["Location"] == "/"
        assert client.get("/org/").status_code == 200


class TestRequirementPerRole:
    def test_admin_requires_it_for_tier2_who_is_sent_to_enrolment(self, musashino, settings):
        admin = Client()
        admin.force_login(User.objects.get(username="admin"))
        page = admin.get("/accounts/users/two-factor/")
        assert page.status_code == 200 and "二要素認証を必須にする役割" in page.content.decode()
        assert admin.post("/accounts/users/two-factor/", {"roles": ["tier2"]}).status_code == 302
        assert set(
            TwoFactorRequirement.objects.filter(municipality=musashino).values_list(
                "role", flat=True
            )
        ) == {"tier2"}
        assert AuditEvent.objects.filter(summary__startswith="二要素認証を必須にする役割").exists()

        coordinator = Client()
        password_login(coordinator, "tier2-1", settings.DEMO_PASSWORD)
        response = coordinator.get("/org/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/?next=/org/")
        assert coordinator.get("/api/v1/me").status_code == 403
        assert "必須" in coordinator.get("/accounts/two-factor/").content.decode()
        device = TOTPDevice.objects.get(user__username="tier2-1")
        done = coordinator.post("/accounts/two-factor/", {"code": code(device), "next": "/org/"})
        assert done["Location"] == "/org/"
        assert coordinator.get("/org/").status_code == 200
        # A required user cannot turn it off.
        refused = coordinator.post("/accounts/two-factor/", {"code": code(device, 1)})
        assert refused.status_code == 400 and "必須のため" in refused.content.decode()
        assert TOTPDevice.objects.filter(user__username="tier2-1", confirmed=True).exists()
        # Other roles are not concerned.
        other = Client()
        password_login(other, "tier1", settings.DEMO_PASSWORD)
        assert other.get("/org/").status_code == 200

    def test_requirement_is_per_municipality(self, musashino):
        two_factor.requirement_set(municipality=musashino, roles=["tier1"])
        stranger = UserFactory(role="tier1")
        assert not two_factor.is_required(stranger)
        assert two_factor.is_required(User.objects.get(username="tier1"))

    def test_only_administrators_set_it(self, client, musashino):
        client.force_login(User.objects.get(username="tier1"))
        assert client.get("/accounts/users/two-factor/").status_code == 403
        assert client.post("/accounts/users/two-factor/", {"roles": ["tier1"]}).status_code == 403
        assert not TwoFactorRequirement.objects.exists()

    def test_unknown_role_is_refused(self, client, musashino):
        client.force_login(User.objects.get(username="admin"))
        response = client.post("/accounts/users/two-factor/", {"roles": ["root"]})
        assert response.status_code == 400
        assert not TwoFactorRequirement.objects.exists()


class TestResetByAdministrator:
    def test_admin_removes_a_lost_phone(self, client, musashino):
        target = User.objects.get(username="tier2-2")
        enrol(target)
        client.force_login(User.objects.get(username="admin"))
        assert "tier2-2" in client.get("/accounts/users/two-factor/").content.decode()
        response = client.post(f"/accounts/users/{target.pk}/two-factor/reset/")
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=target).exists()
        assert AuditEvent.objects.filter(
            target_id=str(target.pk), summary__contains="二要素認証を再設定"
        ).exists()

    def test_other_municipality_admin_gets_404(self, client, musashino):
        target = User.objects.get(username="tier2-2")
        enrol(target)
        client.force_login(UserFactory(role="admin"))
        assert client.post(f"/accounts/users/{target.pk}/two-factor/reset/").status_code == 404
        assert TOTPDevice.objects.filter(user=target).exists()


def test_password_reset_by_administrator_still_works(client, musashino):
    target = User.objects.get(username="tier2-4")
    client.force_login(User.objects.get(username="admin"))
    response = client.post(
        f"/accounts/users/{target.pk}/password/", {"password": "another-long-pass-2026"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("another-long-pass-2026")
