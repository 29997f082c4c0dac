"""Verification state (issue #24, owned here): how and when a resource was last verified, the
municipality's period and the re-check list, 「確認中」 hiding from the public finder (never
deleting) and the return after a verification."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.org.models import Town
from sasaeai.resources import selectors
from sasaeai.resources.models import Service, VerificationPolicy
from sasaeai.resources.services import service_confirm, service_confirm_by_organiser
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def public_service(municipality, town="境南町", **kwargs) -> Service:
    location = LocationFactory(town=Town.objects.get(municipality=municipality, name=town))
    return ServiceFactory(location=location, is_public=True, publication_consent=True, **kwargs)


def finder_ids(client, municipality) -> set[int]:
    response = client.get(reverse("finder:search", args=[municipality.code]))
    return {item.id for item in response.context["items"]}


def test_a_visit_and_a_staff_check_record_how_and_who(musashino):
    service = public_service(musashino)
    tier2 = User.objects.get(username="tier2-6")
    service_confirm(service=service, user=tier2, when=dt.date(2026, 4, 1))
    service.refresh_from_db()
    assert (service.confirmed_at, service.confirmed_via, service.confirmed_by) == (
        dt.date(2026, 4, 1),
        Service.ConfirmedVia.VISIT,
        tier2,
    )
    service_confirm(
        service=service, user=tier2, when=dt.date(2026, 5, 1), via=Service.ConfirmedVia.STAFF
    )
    service.refresh_from_db()
    assert service.confirmed_via == "staff"
    assert service.history.first().history_change_reason == "現況を確認（職員の確認（電話・審査））"


def test_an_organiser_confirmation_has_no_staff_member(musashino):
    service = public_service(musashino, confirmed_at=dt.date(2020, 1, 1))
    service_confirm_by_organiser(service=service)
    service.refresh_from_db()
    assert service.confirmed_at == timezone.localdate()
    assert service.confirmed_via == "organiser"
    assert service.confirmed_by is None


def test_the_recheck_list_follows_the_municipality_period(client, musashino):
    today = timezone.localdate()
    seven_months = public_service(musashino, confirmed_at=today - dt.timedelta(days=213))
    client.force_login(User.objects.get(username="tier1"))
    ids = {s.pk for s in client.get(reverse("resources:recheck")).context["page"]}
    assert seven_months.pk not in ids  # the default period is 365 days
    VerificationPolicy.objects.create(municipality=musashino, valid_days=183)
    ids = {s.pk for s in client.get(reverse("resources:recheck")).context["page"]}
    assert seven_months.pk in ids


def test_on_hold_leaves_the_finder_and_returns_after_verification(client, musashino):
    today = timezone.localdate()
    stale = public_service(musashino, confirmed_at=today - dt.timedelta(days=400))
    fresh = public_service(musashino, confirmed_at=today - dt.timedelta(days=10))
    assert {stale.pk, fresh.pk} <= finder_ids(client, musashino)  # no hiding by default
    VerificationPolicy.objects.create(municipality=musashino, valid_days=365, hide_after_days=30)
    assert stale.pk not in finder_ids(client, musashino)
    assert fresh.pk in finder_ids(client, musashino)
    detail = reverse("finder:detail", args=[musashino.code, stale.pk])
    assert client.get(detail).status_code == 404
    assert Service.objects.filter(pk=stale.pk).exists()  # never deleted
    # Staff still see it, marked 確認中.
    client.force_login(User.objects.get(username="tier1"))
    page = client.get(reverse("resources:detail", args=[stale.pk]))
    assert "確認中（公開ページに出していません）" in page.content.decode()
    client.logout()
    service_confirm_by_organiser(service=stale)
    assert stale.pk in finder_ids(client, musashino)
    assert client.get(detail).status_code == 200


def test_never_verified_counts_from_registration(musashino):
    service = public_service(musashino, confirmed_at=None)
    VerificationPolicy.objects.create(municipality=musashino, valid_days=30, hide_after_days=1)
    public = selectors.service_public_queryset(municipality=musashino)
    assert public.filter(pk=service.pk).exists()
    Service.objects.filter(pk=service.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    assert not public.all().filter(pk=service.pk).exists()


def test_another_municipality_setting_hides_nothing_here(musashino):
    from sasaeai.org.tests.factories import MunicipalityFactory

    stale = public_service(musashino, confirmed_at=dt.date(2000, 1, 1))
    VerificationPolicy.objects.create(
        municipality=MunicipalityFactory(), valid_days=30, hide_after_days=1
    )
    assert selectors.service_public_queryset(municipality=musashino).filter(pk=stale.pk).exists()
    assert selectors.service_public_queryset().filter(pk=stale.pk).exists()


def test_the_administrator_sets_the_periods_with_japanese_errors(client, musashino):
    client.force_login(User.objects.get(username="admin"))
    url = reverse("directory:settings")
    response = client.post(url, {"valid_days": "5", "link_days": "365"})
    assert response.status_code == 400
    assert "30" in response.content.decode()  # the minimum, said in Japanese
    response = client.post(url, {"valid_days": "183", "hide_after_days": "60", "link_days": "180"})
    assert response.status_code == 302
    row = VerificationPolicy.objects.get(municipality=musashino)
    assert (row.valid_days, row.hide_after_days, row.link_days) == (183, 60, 180)
    client.force_login(User.objects.get(username="tier1"))
    assert client.get(url).status_code == 403
