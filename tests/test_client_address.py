"""The client's address in the audit log and in django-axes' lockouts: X-Forwarded-For is read
only when the request comes from a configured trusted proxy (TRUSTED_PROXIES), both ways
through the login page."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from sasaeai.audit.models import AuditEvent
from sasaeai.core.client_address import client_address

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
CLIENT = "203.0.113.7"
SPOOFED = "198.51.100.66"


def _failed_login(remote: str, forwarded: str) -> tuple[str, str]:
    Client(REMOTE_ADDR=remote).post(
        "/accounts/login/",
        {"username": "tier1", "password": "wrong-password"},
        headers={"x-forwarded-for": forwarded},
    )
    event = AuditEvent.objects.filter(action="login_failed").latest("pk")
    attempt = AccessAttempt.objects.latest("pk")
    return event.ip_address, attempt.ip_address


def test_behind_a_trusted_proxy_the_forwarded_client_is_recorded(musashino, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert _failed_login(PROXY, f"{SPOOFED}, {CLIENT}") == (CLIENT, CLIENT)


def test_without_a_trusted_proxy_the_header_is_ignored(musashino, settings):
    settings.TRUSTED_PROXIES = []
    assert _failed_login(CLIENT, SPOOFED) == (CLIENT, CLIENT)


def test_a_request_not_from_the_trusted_proxy_cannot_claim_an_address(musashino, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert _failed_login(CLIENT, SPOOFED) == (CLIENT, CLIENT)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (["10.0.0.0/8"], "10.1.2.3", f"{CLIENT}, 10.9.9.9", CLIENT),  # two proxies in a row
        (["10.0.0.0/8"], "10.1.2.3", "", "10.1.2.3"),  # no header: the proxy itself
        (["10.0.0.0/8"], "10.1.2.3", "not-an-address", "10.1.2.3"),
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
        ([], "10.1.2.3", CLIENT, "10.1.2.3"),
    ],
)
def test_client_address_rules(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
