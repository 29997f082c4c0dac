"""From a visit, consultation or meeting record page to the council attach page
(「地域課題に紐づける」): shown only to those who may attach the record, and followed through to
the evidence of a regional issue."""

import re

import pytest
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.councils import services as council_services

from .factories import ConsultationFactory, MeetingFactory, OtherActivityFactory, VisitFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(
    r'<a [^>]*href="(/councils/attach/\?kind=(\w+)&amp;id=(\d+))"[^>]*>地域課題に紐づける</a>'
)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _links(client: Client, url: str) -> list[tuple[str, str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    return LINK.findall(response.content.decode())


@pytest.fixture
def tier2(musashino):
    return User.objects.get(username="tier2-1")


@pytest.fixture
def issue(musashino, tier2):
    return council_services.issue_create(
        user=tier2,
        title="男性の居場所がない",
        description="定年後の男性が集える場が少ない",
        areas=[tier2.areas.first()],
    )


RECORDS = {
    "visit": (VisitFactory, "/activities/visits/{pk}/"),
    "consultation": (ConsultationFactory, "/activities/consultations/{pk}/"),
    "meeting": (MeetingFactory, "/activities/meetings/{pk}/"),
}


@pytest.mark.parametrize("kind", list(RECORDS))
def test_the_record_page_links_to_the_attach_page_and_the_record_becomes_evidence(
    kind, tier2, issue
):
    factory, url = RECORDS[kind]
    record = factory(coordinator=tier2)
    client = _client("tier2-1")
    links = _links(client, url.format(pk=record.pk))
    assert [(k, int(i)) for _, k, i in links] == [(kind, record.pk)]
    attach_url = links[0][0].replace("&amp;", "&")
    page = client.get(attach_url)
    assert page.status_code == 200 and issue.title in page.content.decode()
    response = client.post(
        "/councils/attach/", {"kind": kind, "record_id": record.pk, "issue": issue.pk}
    )
    assert response.status_code == 302
    assert issue.evidence.filter(**{kind: record}).exists()


@pytest.mark.parametrize("kind", list(RECORDS))
def test_no_link_for_those_who_may_not_attach(kind, tier2):
    factory, url = RECORDS[kind]
    record = factory(coordinator=tier2)
    # The official reads activity records but does not work on regional issues.
    assert _links(_client("official"), url.format(pk=record.pk)) == []
    # Tier 1 attaches records of every area.
    assert len(_links(_client("tier1"), url.format(pk=record.pk))) == 1


def test_no_link_on_another_areas_record(musashino, tier2):
    """A tier-2 coordinator may read another area's visit but not attach it as evidence."""
    other = User.objects.get(username="tier2-6")
    record = VisitFactory(coordinator=other)
    assert record.area_id not in set(tier2.areas.values_list("id", flat=True))
    client = _client("tier2-1")
    response = client.get(f"/activities/visits/{record.pk}/")
    if response.status_code == 200:
        assert not LINK.findall(response.content.decode())
    else:
        assert response.status_code == 404


def test_no_link_on_other_activities(musashino, tier2):
    record = OtherActivityFactory(coordinator=tier2)
    assert _links(_client("tier2-1"), f"/activities/others/{record.pk}/") == []
