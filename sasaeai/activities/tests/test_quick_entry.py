"""Quick entry through the pages: a visit with one consultation in two screens, defaults
(today, my area, the last resource), bad input kept in the form with Japanese messages."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.activities.models import Consultation, ConsultationTopic, Visit
from sasaeai.audit.models import AuditEvent
from sasaeai.org.models import Area
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


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
    area = tier2.areas.first()
    town = area.towns.first()
    location = LocationFactory(municipality=musashino, town=town)
    return ServiceFactory(municipality=musashino, location=location, name="たんぽぽサロン")


def test_visit_then_consultation_in_two_screens(client_t2, tier2, salon):
    # Screen 1: the visit form, defaults filled in.
    page = client_t2.get("/activities/visits/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    topic = ConsultationTopic.objects.get(code="activity-funds")
    today = timezone.localdate()
    response = client_t2.post(
        "/activities/visits/new/",
        {
            "date": today.isoformat(),
            "start_time": "10:00",
            "end_time": "11:34",
            "service": salon.pk,
            "area": tier2.areas.first().pk,
            "attendees": "18",
            "then": "consultation",
        },
    )
    visit = Visit.objects.get()
    assert visit.minutes == 94
    assert visit.coordinator == tier2 and visit.tier == 2
    assert response.status_code == 302
    assert response["Location"] == f"/activities/consultations/new/?visit={visit.pk}"
    salon.refresh_from_db()
    assert salon.confirmed_at == today and salon.confirmed_by == tier2
    # Screen 2: the consultation, linked to the visit, channel defaults to 訪問先・出先.
    page = client_t2.get(response["Location"])
    html = page.content.decode()
    assert "たんぽぽサロン" in html and 'value="on_site"' in html
    response = client_t2.post(
        response["Location"],
        {
            "visit": visit.pk,
            "date": today.isoformat(),
            "consulter_type": "activist",
            "channel": "on_site",
            "topics": [topic.pk],
            "summary": "会場費の助成について",
            "referral": "none",
            "area": visit.area_id,
            "then": "done",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/activities/visits/{visit.pk}/"
    consultation = Consultation.objects.get()
    assert consultation.visit == visit
    assert list(consultation.topics.all()) == [topic]
    assert consultation.history.count() == 1
    assert list(
        consultation.history.first().topics.values_list("consultationtopic_id", flat=True)
    ) == [topic.pk]
    assert AuditEvent.objects.filter(action="create", target_type="activities.visit").exists()
    detail = client_t2.get(response["Location"]).content.decode()
    assert "この訪問で受けた相談（1件）" in detail


def test_visit_form_defaults_to_the_last_resource(client_t2, tier2, salon):
    from sasaeai.activities.tests.factories import VisitFactory

    VisitFactory(coordinator=tier2, service=salon, place_name="")
    html = client_t2.get("/activities/visits/new/").content.decode()
    assert f'name="service" value="{salon.pk}" checked' in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end_time": "09:00"}, "end_time", "終了時刻が開始時刻より前"),
        ({"date": "2100-01-01"}, "date", "未来の日付は記録できません"),
    ],
)
def test_bad_visit_input_is_refused_and_kept(client_t2, tier2, salon, change, field, message):
    data = {
        "date": timezone.localdate().isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "service": salon.pk,
        "area": tier2.areas.first().pk,
        "observations": "体操のあと茶話会",
        **change,
    }
    response = client_t2.post("/activities/visits/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "体操のあと茶話会" in html  # what was typed stays
    assert not Visit.objects.exists()


def test_an_area_the_user_does_not_cover_is_refused(client_t2, tier2, salon, musashino):
    other = Area.objects.filter(municipality=musashino).exclude(pk=tier2.areas.first().pk).first()
    response = client_t2.post(
        "/activities/visits/new/",
        {
            "date": timezone.localdate().isoformat(),
            "service": salon.pk,
            "area": other.pk,
            "needs_heard": "送迎の希望",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"「{other.name}」は担当圏域ではありません" in html
    assert "送迎の希望" in html
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consulter_type": "stranger"}, "相談者の種類「stranger」は一覧にありません"),
        ({"topics": ["999999"]}, "相談内容「999999」は一覧にありません"),
        ({"topics": []}, "相談内容を1つ以上選んでください"),
    ],
)
def test_bad_consultation_input_is_refused_and_kept(client_t2, tier2, change, message):
    topic = ConsultationTopic.objects.get(code="dementia")
    data = {
        "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "consulter_type": "elderly",
        "channel": "phone",
        "topics": [topic.pk],
        "summary": "物忘れが心配とのこと",
        "referral": "home_care_center",
        "area": tier2.areas.first().pk,
        **change,
    }
    response = client_t2.post("/activities/consultations/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "物忘れが心配とのこと" in html
    assert not Consultation.objects.exists()


def test_save_and_another_survives_an_error(client_t2, tier2, salon):
    """「保存してもう1件」 stays on a consultation form of a visit refused once (issue 21), and
    then records the consultation and opens the next one of the same visit."""
    area = tier2.areas.first()
    visit = Visit.objects.create(
        municipality=tier2.municipality,
        coordinator=tier2,
        tier=2,
        area=area,
        date=timezone.localdate(),
        service=salon,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 0),
    )
    page = client_t2.get(f"/activities/consultations/new/?visit={visit.pk}").content.decode()
    assert 'value="another"' in page
    topic = ConsultationTopic.objects.get(code="activity-funds")
    data = {
        "visit": visit.pk,
        "date": visit.date.isoformat(),
        "consulter_type": "activist",
        "channel": "on_site",
        "topics": [topic.pk],
        "summary": "会費の集め方",
        "referral": "none",
        "area": area.pk,
        "start_time": "11:00",
        "end_time": "10:00",  # refused: ends before it starts
        "then": "another",
    }
    refused = client_t2.post("/activities/consultations/new/", data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'name="then" value="another"' in html
    assert "会費の集め方" in html
    data.update(start_time="", end_time="")
    saved = client_t2.post("/activities/consultations/new/", data)
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"/activities/consultations/new/?visit={visit.pk}")
    assert Consultation.objects.filter(visit=visit, summary="会費の集め方").count() == 1
