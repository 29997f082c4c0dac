"""「参加者数を報告」 behind the organiser's private link (the living directory's link, #24): a
month of counts for the link's own place, through the coordinators' write (same checks,
audited, marked as the organiser's), counted in the link's write limit and logged."""

import datetime as dt

import pytest
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.directory import limits
from sasaeai.directory.models import OrganiserLink, PublicUse
from sasaeai.directory.tests.factories import issued_link
from sasaeai.org.models import Town
from sasaeai.participation.models import ParticipationRecord
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(musashino):
    town = Town.objects.get(municipality=musashino, name="境南町")
    service = ServiceFactory(
        municipality=musashino,
        location=LocationFactory(town=town, municipality=musashino),
        name="境南いきいきサロン",
        is_public=True,
        publication_consent=True,
    )
    link, secret = issued_link(service)
    return service, link, secret


def _last_month() -> str:
    first = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


def _counts(**changes) -> dict:
    return {
        "month": _last_month(),
        "sessions": "4",
        "participants": "18",
        "attendances": "61",
        "aged_65_plus": "16",
        "men": "3",
        "support_needed": "2",
        "volunteers": "4",
        **changes,
    }


def test_the_organiser_page_offers_the_report(client, linked):
    _service, _link, secret = linked
    page = client.get(reverse("directory_public:organiser", args=[secret])).content.decode()
    report_url = reverse("participation_public:organiser_report", args=[secret])
    assert f'href="{report_url}"' in page and "参加者数を報告" in page


def test_a_month_reported_by_link_is_the_organisers_record(client, linked):
    service, link, secret = linked
    url = reverse("participation_public:organiser_report", args=[secret])
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "境南いきいきサロン" in html and 'name="service"' not in html
    sent = client.post(url, _counts())
    assert sent.status_code == 302
    assert sent["Location"].endswith("?done=counted")
    record = ParticipationRecord.objects.get(service=service)
    assert (record.participants, record.attendances, record.aged_65_plus) == (18, 61, 16)
    assert record.source == ParticipationRecord.Source.ORGANISER and record.recorded_by is None
    assert PublicUse.objects.filter(link=link, kind=PublicUse.Kind.LINK_COUNTS).count() == 1
    event = AuditEvent.objects.get(
        target_type="participation.participationrecord", target_id=str(record.pk)
    )
    assert event.user is None and "境南いきいきサロン" in event.summary
    thanks = client.get(sent["Location"]).content.decode()
    assert "参加者数の報告を受け付けました" in thanks


def test_impossible_counts_come_back_with_what_was_typed(client, linked):
    service, _link, secret = linked
    url = reverse("participation_public:organiser_report", args=[secret])
    refused = client.post(url, _counts(aged_65_plus="25"))
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'value="61"' in html and 'value="25"' in html
    assert not ParticipationRecord.objects.filter(service=service).exists()


def test_a_revoked_link_reports_nothing(client, linked):
    service, link, secret = linked
    OrganiserLink.objects.filter(pk=link.pk).update(revoked_at=dt.datetime.now(dt.UTC))
    url = reverse("participation_public:organiser_report", args=[secret])
    assert client.get(url).status_code == 404
    assert client.post(url, _counts()).status_code == 404
    assert not ParticipationRecord.objects.filter(service=service).exists()


def test_reports_count_in_the_links_write_limit(client, linked, monkeypatch):
    service, _link, secret = linked
    monkeypatch.setattr(
        limits,
        "LINK_WRITES",
        limits.Limit(limits.LINK_WRITES.kinds, 1, dt.timedelta(days=1)),
    )
    url = reverse("participation_public:organiser_report", args=[secret])
    assert client.post(url, _counts()).status_code == 302
    assert client.post(url, _counts(participants="19")).status_code == 429
    assert ParticipationRecord.objects.get(service=service).participants == 18
