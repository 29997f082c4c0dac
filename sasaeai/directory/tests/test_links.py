"""Organisers' update links: issue and revoke (page and command), the phone page's two buttons,
and their security: guessing, expiry, revocation, rate limits, nothing non-public shown, every
use logged."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.directory import limits
from sasaeai.directory.models import OrganiserLink, Proposal, PublicUse
from sasaeai.org.models import Town
from sasaeai.resources.models import Service
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory

from .factories import issued_link

pytestmark = pytest.mark.django_db

INTERNAL = "職員だけのメモ・秘密の内容"
PRIVATE_MAIL = "organiser-private@example.jp"


def salon(municipality, **kwargs) -> Service:
    location = LocationFactory(town=Town.objects.get(municipality=municipality, name="境南町"))
    values = dict(
        name="境南いきいきサロン",
        is_public=True,
        publication_consent=True,
        internal_note=INTERNAL,
        contact_name="山田花子",
        contact_phone="0422-00-1111",
        contact_is_public=False,
        contact_email=PRIVATE_MAIL,
        fees_description="1回100円",
    )
    values.update(kwargs)
    return ServiceFactory(location=location, **values)


def organiser_url(secret: str) -> str:
    return reverse("directory_public:organiser", args=[secret])


def test_the_page_shows_the_public_listing_and_own_contact_only(client, musashino):
    service = salon(musashino)
    _link, secret = issued_link(service)
    page = client.get(organiser_url(secret)).content.decode()
    assert "境南いきいきサロン" in page
    assert "このままで正しい" in page and "変更を知らせる" in page
    assert "山田花子" in page  # the organiser's own contact, though not public
    assert INTERNAL not in page
    assert PRIVATE_MAIL not in page


def test_confirm_is_a_dated_organiser_verification_and_is_logged(client, musashino):
    service = salon(musashino, confirmed_at=dt.date(2020, 1, 1))
    link, secret = issued_link(service)
    response = client.post(organiser_url(secret), {"action": "confirm"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.confirmed_at == timezone.localdate()
    assert service.confirmed_via == "organiser"
    kinds = list(PublicUse.objects.filter(link=link).values_list("kind", flat=True))
    assert "link_confirm" in kinds
    assert AuditEvent.objects.filter(summary__contains="主催者の確認").exists()


def test_change_files_only_what_differs(client, musashino):
    service = salon(musashino)
    link, secret = issued_link(service)
    url = reverse("directory_public:organiser_change", args=[secret])
    form = client.get(url).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    data.update(fees_description="1回200円", status="paused", message="8月は休みます")
    response = client.post(url, data)
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.changes == {"fees_description": "1回200円", "status": "paused"}
    assert (proposal.proposer, proposal.kind, proposal.link) == ("organiser", "change", link)
    service.refresh_from_db()
    assert service.fees_description == "1回100円"  # nothing changes before a coordinator


def test_an_empty_change_is_refused_in_japanese(client, musashino):
    service = salon(musashino)
    _link, secret = issued_link(service)
    url = reverse("directory_public:organiser_change", args=[secret])
    form = client.get(url).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "変更する項目か、お知らせの内容を入力してください。" in response.content.decode()


def test_guessed_expired_and_revoked_links_answer_the_same(client, musashino):
    service = salon(musashino)
    link, secret = issued_link(service)
    assert client.get(organiser_url("ol_" + "x" * 43)).status_code == 404
    assert client.get(organiser_url("not-even-a-token")).status_code == 404
    OrganiserLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    expired = client.get(organiser_url(secret))
    assert expired.status_code == 404
    assert "このリンクは使えません" in expired.content.decode()
    _link2, secret2 = issued_link(service)
    assert client.get(organiser_url(secret2)).status_code == 200
    client.force_login(User.objects.get(username="tier2-6"))
    client.post(reverse("directory:link", args=[service.pk]), {"action": "revoke"})
    client.logout()
    assert client.get(organiser_url(secret2)).status_code == 404
    assert client.post(organiser_url(secret2), {"action": "confirm"}).status_code == 404


def test_reissuing_revokes_the_previous_link(musashino):
    service = salon(musashino)
    _first, secret = issued_link(service)
    issued_link(service)
    from sasaeai.directory.services import link_resolve

    assert link_resolve(secret) is None
    assert OrganiserLink.objects.filter(service=service, revoked_at__isnull=True).count() == 1


def test_guessing_is_rate_limited_per_client(client, musashino, monkeypatch):
    monkeypatch.setattr(
        limits, "GUESSES", limits.Limit(("link_invalid",), 3, dt.timedelta(hours=1))
    )
    service = salon(musashino)
    _link, secret = issued_link(service)
    for n in range(3):
        assert client.get(organiser_url(f"ol_guess{n}")).status_code == 404
    # Now even the right secret is refused to this client for a while.
    assert client.get(organiser_url(secret)).status_code == 429
    other = type(client)(REMOTE_ADDR="198.51.100.9")
    assert other.get(organiser_url(secret)).status_code == 200
    assert PublicUse.objects.filter(kind="link_invalid").count() == 3
    assert not PublicUse.objects.filter(client__contains="127.0.0.1").exists()


def test_writes_through_one_link_are_rate_limited(client, musashino, monkeypatch):
    monkeypatch.setattr(
        limits,
        "LINK_WRITES",
        limits.Limit(("link_confirm", "link_change"), 2, dt.timedelta(days=1)),
    )
    service = salon(musashino)
    _link, secret = issued_link(service)
    assert client.post(organiser_url(secret), {"action": "confirm"}).status_code == 302
    assert client.post(organiser_url(secret), {"action": "confirm"}).status_code == 302
    limited = client.post(organiser_url(secret), {"action": "confirm"})
    assert limited.status_code == 429
    assert "しばらくしてから" in limited.content.decode()


def test_staff_page_issues_a_link_with_qr_and_tier2_of_another_area_cannot(client, musashino):
    service = salon(musashino)
    client.force_login(User.objects.get(username="tier2-1"))
    assert (
        client.post(reverse("directory:link", args=[service.pk]), {"days": 30}).status_code == 403
    )
    client.force_login(User.objects.get(username="tier2-6"))
    response = client.post(reverse("directory:link", args=[service.pk]), {"days": 30})
    page = response.content.decode()
    assert response.status_code == 200 and "<svg" in page
    url = response.context["issued"]["url"]
    assert "/u/ol_" in url
    link = OrganiserLink.objects.get(service=service)
    assert link.created_by.username == "tier2-6"
    assert (link.expires_at - timezone.now()).days in (29, 30)
    assert link.digest not in page


def test_a_link_needs_consent(client, musashino):
    service = salon(musashino, is_public=False, publication_consent=False)
    client.force_login(User.objects.get(username="tier1"))
    response = client.post(reverse("directory:link", args=[service.pk]), {"days": 30})
    assert response.status_code == 400
    assert "掲載の同意がない" in response.content.decode()


def test_command_creates_and_revokes(musashino):
    service = salon(musashino)
    out, err = io.StringIO(), io.StringIO()
    call_command("resource-link", "create", str(service.pk), "--days", "10", stdout=out, stderr=err)
    url = out.getvalue().strip()
    assert url.startswith("http://localhost:8000/u/ol_")
    from sasaeai.directory.services import link_resolve

    link = link_resolve(url.rsplit("/", 2)[-2])
    assert link is not None and link.service == service
    out = io.StringIO()
    call_command("resource-link", "revoke", str(service.pk), stdout=out)
    assert "1件" in out.getvalue()
    assert link_resolve(url.rsplit("/", 2)[-2]) is None


def test_a_staff_password_change_leaves_organiser_links(musashino):
    from sasaeai.core.tokens import tokens_revoke_for_user

    service = salon(musashino)
    user = User.objects.get(username="tier1")
    from sasaeai.directory.services import link_create, link_resolve

    _link, secret = link_create(service=service, user=user)
    tokens_revoke_for_user(user)
    assert link_resolve(secret) is not None
