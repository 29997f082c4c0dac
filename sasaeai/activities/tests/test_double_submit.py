"""A form page sent twice (a double tap on a phone, a resend after a slow answer, the back button
and 送信 again) records once: the page carries a key, and the second send is answered with the
record the first one wrote."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.activities.models import Consultation, ConsultationTopic, Visit
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')


@pytest.fixture
def tier2(musashino):
    return User.objects.get(username="tier2-1")


@pytest.fixture
def client_t2(tier2):
    client = Client()
    client.force_login(tier2)
    return client


@pytest.fixture
def salon(musashino, tier2):
    town = tier2.areas.first().towns.first()
    location = LocationFactory(municipality=musashino, town=town)
    return ServiceFactory(municipality=musashino, location=location, name="たんぽぽサロン")


def _key(client: Client, path: str) -> str:
    found = KEY.search(client.get(path).content.decode())
    assert found, "the new-record form carries a submission key"
    return found.group(1)


def _visit(tier2, salon, **extra) -> dict:
    return {
        "date": timezone.localdate().isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "service": salon.pk,
        "area": tier2.areas.first().pk,
        "attendees": "12",
        **extra,
    }


def test_a_visit_sent_twice_is_recorded_once(client_t2, tier2, salon):
    key = _key(client_t2, "/activities/visits/new/")
    first = client_t2.post("/activities/visits/new/", _visit(tier2, salon, submission_key=key))
    visit = Visit.objects.get()
    assert first["Location"] == f"/activities/visits/{visit.pk}/"
    again = client_t2.post("/activities/visits/new/", _visit(tier2, salon, submission_key=key))
    assert Visit.objects.count() == 1
    assert again.status_code == 302 and again["Location"] == f"/activities/visits/{visit.pk}/"
    shown = client_t2.get(again["Location"]).content.decode()
    assert "この訪問は記録済みです。二重に送信された分は記録していません。" in shown


def test_each_page_has_its_own_key(client_t2, tier2, salon):
    first = _key(client_t2, "/activities/visits/new/")
    second = _key(client_t2, "/activities/visits/new/")
    assert first != second
    client_t2.post("/activities/visits/new/", _visit(tier2, salon, submission_key=first))
    client_t2.post("/activities/visits/new/", _visit(tier2, salon, submission_key=second))
    assert Visit.objects.count() == 2


def test_a_refused_send_claims_nothing_and_keeps_its_key(client_t2, tier2, salon):
    key = _key(client_t2, "/activities/visits/new/")
    refused = client_t2.post(
        "/activities/visits/new/", _visit(tier2, salon, submission_key=key, end_time="09:00")
    )
    assert refused.status_code == 400 and not Visit.objects.exists()
    assert f'name="submission_key" value="{key}"' in refused.content.decode()
    client_t2.post("/activities/visits/new/", _visit(tier2, salon, submission_key=key))
    assert Visit.objects.count() == 1


def test_a_page_without_a_key_still_records(client_t2, tier2, salon):
    client_t2.post("/activities/visits/new/", _visit(tier2, salon))
    client_t2.post("/activities/visits/new/", _visit(tier2, salon, submission_key="短すぎ"))
    assert Visit.objects.count() == 2


def test_a_consultation_sent_twice_is_recorded_once(client_t2, tier2):
    key = _key(client_t2, "/activities/consultations/new/")
    data = {
        "date": timezone.localdate().isoformat(),
        "consulter_type": "activist",
        "channel": "phone",
        "topics": [ConsultationTopic.objects.get(code="activity-funds").pk],
        "summary": "会場費の助成について",
        "referral": "none",
        "area": tier2.areas.first().pk,
        "submission_key": key,
    }
    client_t2.post("/activities/consultations/new/", data)
    again = client_t2.post("/activities/consultations/new/", data)
    consultation = Consultation.objects.get()
    assert again["Location"] == f"/activities/consultations/{consultation.pk}/"


def test_the_edit_form_has_no_key(client_t2, tier2, salon):
    key = _key(client_t2, "/activities/visits/new/")
    client_t2.post("/activities/visits/new/", _visit(tier2, salon, submission_key=key))
    visit = Visit.objects.get()
    edit = client_t2.get(f"/activities/visits/{visit.pk}/edit/").content.decode()
    assert "submission_key" not in edit
