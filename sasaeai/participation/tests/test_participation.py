"""Participation per place and month: the service's checks (parts within 実人数, 延べ at least
実人数, no future month, one record per month corrected in place), the entry form, the API
(POST and the list), tier 2 limited to its areas, audit, and the demo."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.org.models import Town
from sasaeai.participation import services
from sasaeai.participation.models import ParticipationRecord, PopulationDataset
from sasaeai.participation.tests.factories import service_in

pytestmark = pytest.mark.django_db

APRIL = dt.date(2026, 4, 1)


@pytest.fixture
def salon(musashino):
    """A salon in 境南町 (境南エリア, tier2-6's area)."""
    return service_in(Town.objects.get(municipality=musashino, name="境南町"), name="境南サロン")


def counts(**overrides) -> dict:
    return {"participants": 20, "attendances": 55, "aged_65_plus": 18, **overrides}


def test_record_and_correct_one_month(salon):
    tier1 = User.objects.get(username="tier1")
    first = services.record_participation(service=salon, month=APRIL, user=tier1, **counts())
    again = services.record_participation(
        service=salon,
        month=dt.date(2026, 4, 17),
        user=tier1,
        **counts(participants=22, aged_65_plus=20, attendances=60),
    )
    assert first.pk == again.pk and again.participants == 22
    assert ParticipationRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="update", summary__contains="境南サロン").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"aged_65_plus": 21}, "aged_65_plus", "実人数（20人）を超えています"),
        ({"men": 25}, "men", "実人数（20人）を超えています"),
        ({"attendances": 10}, "attendances", "延べ人数（10人）が実人数（20人）より少なく"),
        ({"sessions": 0}, "sessions", "開催回数は1回以上"),
    ],
)
def test_counts_must_fit_together(salon, overrides, field, words):
    tier1 = User.objects.get(username="tier1")
    with pytest.raises(ValidationError) as caught:
        services.record_participation(service=salon, month=APRIL, user=tier1, **counts(**overrides))
    assert words in " ".join(caught.value.message_dict[field])


def test_no_future_month(salon):
    future = (dt.date.today().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    with pytest.raises(ValidationError) as caught:
        services.record_participation(
            service=salon, month=future, user=User.objects.get(username="tier1"), **counts()
        )
    assert "まだ来ていない月" in caught.value.message_dict["month"][0]


def test_tier2_records_only_in_its_areas(salon):
    with pytest.raises(PermissionDenied):
        services.record_participation(
            service=salon, month=APRIL, user=User.objects.get(username="tier2-1"), **counts()
        )
    record = services.record_participation(
        service=salon, month=APRIL, user=User.objects.get(username="tier2-6"), **counts()
    )
    assert record.area_id == salon.area_id


def test_organisers_link_records_without_a_user(salon):
    record = services.record_participation(service=salon, month=APRIL, user=None, **counts())
    assert record.source == ParticipationRecord.Source.ORGANISER and record.recorded_by is None


def test_entry_form_saves_and_keeps_input_on_error(salon):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    page = client.get("/participation/record/", {"service": salon.pk})
    assert page.status_code == 200 and "境南サロン" in page.content.decode()
    month = page.context["form"].fields["month"].choices[1][0]
    data = {
        "service": salon.pk,
        "month": month,
        "sessions": 4,
        "participants": 12,
        "attendances": 40,
        "aged_65_plus": 15,
        "men": 3,
    }
    bad = client.post("/participation/record/", data)
    html = bad.content.decode()
    assert bad.status_code == 200 and "実人数（12人）を超えています" in html
    assert 'value="40"' in html and "error-summary" in html
    data["aged_65_plus"] = 11
    assert client.post("/participation/record/", data).status_code == 302
    record = ParticipationRecord.objects.get()
    assert (record.participants, record.attendances, record.aged_65_plus, record.men) == (
        12,
        40,
        11,
        3,
    )
    assert record.source == "staff"


def test_api_post_and_list(salon):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    body = {"service_id": salon.pk, "month": "2026-04", **counts(volunteers=4)}
    created = client.post("/api/v1/participation", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["month"] == "2026-04" and created.json()["volunteers"] == 4
    listed = client.get("/api/v1/participation", {"month": "2026-04"}).json()
    assert listed["count"] == 1 and listed["items"][0]["service_name"] == "境南サロン"
    bad = client.post(
        "/api/v1/participation", {**body, "aged_65_plus": 99}, content_type="application/json"
    )
    assert bad.status_code == 422 and "aged_65_plus" in bad.json()["errors"]
    month = client.post(
        "/api/v1/participation", {**body, "month": "2026-13"}, content_type="application/json"
    )
    assert month.status_code == 422
    other = Client()
    other.force_login(User.objects.get(username="tier2-1"))
    refused = other.post("/api/v1/participation", body, content_type="application/json")
    assert refused.status_code == 404


def test_demo_population_is_labelled(musashino, django_assert_max_num_queries):
    from sasaeai.participation import demo

    demo.load(musashino)
    demo.load(musashino)  # idempotent
    dataset = PopulationDataset.objects.get(municipality=musashino)
    assert dataset.is_demo and "デモ用" in dataset.source_name
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    html = client.get("/participation/gaps/").content.decode()
    assert "デモ用の架空の人口です" in html
    assert "吉祥寺東町一丁目" in html
