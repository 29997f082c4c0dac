"""Lists of records (filters by period, kind, area, resource, topic; bounded queries), the
Excel export (audited), record pages with their history, the API under the same rules, and
the home panels."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from sasaeai.accounts.models import User
from sasaeai.activities import services
from sasaeai.activities.models import Consultation, ConsultationTopic, Visit
from sasaeai.activities.tests.factories import (
    ConsultationFactory,
    MeetingFactory,
    OtherActivityFactory,
    VisitFactory,
)
from sasaeai.audit.models import AuditEvent
from sasaeai.resources.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def records(musashino):
    """Records of two tier-2 coordinators and tier 1, this month and last fiscal year."""
    t2a = User.objects.get(username="tier2-1")
    t2b = User.objects.get(username="tier2-2")
    t1 = User.objects.get(username="tier1")
    today = timezone.localdate()
    salon = ServiceFactory(municipality=musashino, location=None, name="みんなでカフェ")
    dementia = ConsultationTopic.objects.get(code="dementia")
    for _ in range(3):
        VisitFactory(coordinator=t2a, date=today, service=salon, place_name="")
    VisitFactory(coordinator=t2a, date=today.replace(year=today.year - 2), place_name="昔の訪問先")
    ConsultationFactory(coordinator=t2a, date=today, topics=[dementia], summary="物忘れの相談")
    ConsultationFactory(coordinator=t2a, date=today)
    MeetingFactory(coordinator=t2a, date=today, title="地域ケア会議（東）")
    OtherActivityFactory(coordinator=t2a, date=today, title="研修")
    VisitFactory(coordinator=t2b, date=today, place_name="北の集会所")
    VisitFactory(coordinator=t1, area=None, date=today, place_name="市役所ロビー")
    return {"t2a": t2a, "t2b": t2b, "t1": t1, "salon": salon, "dementia": dementia}


def test_my_records_with_filters(records):
    client = login("tier2-1")
    html = client.get("/activities/?period=month").content.decode()
    assert "7件" in html  # 3 visits, 2 consultations, 1 meeting, 1 other of this month
    assert "北の集会所" not in html and "昔の訪問先" not in html
    by_kind = client.get("/activities/?period=month&kind=visit").content.decode()
    assert "3件" in by_kind and "みんなでカフェ" in by_kind
    by_topic = client.get(
        f"/activities/?period=month&topic={records['dementia'].pk}"
    ).content.decode()
    assert "1件" in by_topic and "物忘れの相談" in by_topic
    by_service = client.get(
        f"/activities/?period=month&service={records['salon'].pk}"
    ).content.decode()
    assert "3件" in by_service


def test_tier2_sees_only_its_areas_tier1_the_municipality(records):
    other_area = login("tier2-2").get("/activities/?period=month&mine=0").content.decode()
    assert "北の集会所" in other_area and "みんなでカフェ" not in other_area
    everyone = login("tier1").get("/activities/?period=month&mine=0").content.decode()
    assert "北の集会所" in everyone and "みんなでカフェ" in everyone and "市役所ロビー" in everyone
    assert login("official").get("/activities/?period=month").status_code == 200
    assert login("council").get("/activities/").status_code == 403
    visit = Visit.objects.filter(coordinator=records["t2a"]).first()
    assert login("tier2-2").get(f"/activities/visits/{visit.pk}/").status_code == 404


def test_list_page_query_count_is_bounded(records, django_assert_max_num_queries):
    client = login("tier1")
    client.get("/activities/")  # warm the session
    with django_assert_max_num_queries(15) as before:
        client.get("/activities/?period=fy&mine=0")
    for _ in range(40):
        VisitFactory(coordinator=records["t2b"], date=timezone.localdate(), place_name="追加")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/activities/?period=fy&mine=0")


def test_export_is_an_excel_workbook_and_audited(records):
    client = login("tier2-1")
    response = client.get("/activities/export.xlsx?period=month")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["訪問", "相談", "会議", "その他の活動"]
    visits = list(book["訪問"].values)
    assert visits[0][:5] == ("日付", "開始", "終了", "時間（分）", "訪問先")
    assert len(visits) == 4 and visits[1][4] == "みんなでカフェ"
    assert isinstance(visits[1][0], dt.datetime)
    consultations = list(book["相談"].values)
    assert len(consultations) == 3
    event = AuditEvent.objects.get(action="export")
    assert "7件" in event.summary and "物忘れ" not in event.summary


def test_edits_are_kept_with_history(records):
    t2a = records["t2a"]
    visit = services.visit_record(
        user=t2a, fields={"date": timezone.localdate(), "place_name": "公園", "attendees": 10}
    )
    client = login("tier2-1")
    response = client.post(
        f"/activities/visits/{visit.pk}/edit/",
        {
            "date": visit.date.isoformat(),
            "place_name": "中央公園",
            "attendees": "12",
            "area": visit.area_id,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.place_name, visit.attendees) == ("中央公園", 12)
    assert visit.history.count() == 2
    page = client.get(f"/activities/visits/{visit.pk}/").content.decode()
    assert "変更の履歴" in page and "参加者数" in page


def test_api_list_create_read_update(records):
    client = login("tier2-1")
    listed = client.get("/api/v1/visits?period=month&mine=true").json()
    assert listed["count"] == 3 and {i["service_name"] for i in listed["items"]} == {
        "みんなでカフェ"
    }
    created = client.post(
        "/api/v1/visits",
        {
            "date": timezone.localdate().isoformat(),
            "service_id": records["salon"].pk,
            "start_time": "10:00",
            "end_time": "11:30",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["minutes"] == 90 and body["area_id"] == records["t2a"].areas.first().pk
    consultation = client.post(
        "/api/v1/consultations",
        {
            "visit_id": body["id"],
            "consulter_type": "elderly",
            "channel": "on_site",
            "topic_ids": [records["dementia"].pk],
        },
        content_type="application/json",
    )
    assert consultation.status_code == 201, consultation.content
    assert consultation.json()["topics"] == [{"id": records["dementia"].pk, "name": "認知症"}]
    changed = client.patch(
        f"/api/v1/visits/{body['id']}", {"attendees": 15}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["attendees"] == 15
    assert client.get(f"/api/v1/visits/{body['id']}").json()["attendees"] == 15
    meetings = client.get("/api/v1/meetings?period=month").json()
    assert meetings["count"] == 1
    others = client.get("/api/v1/activities?period=month").json()
    assert others["count"] == 1


@pytest.mark.parametrize(
    ("path", "payload", "field", "message"),
    [
        ("/api/v1/visits", {"date": "2100-01-01", "place_name": "x"}, "date", "未来の日付"),
        (
            "/api/v1/visits",
            {"date": "2024-01-01", "place_name": "x", "start_time": "11:00", "end_time": "10:00"},
            "end_time",
            "終了時刻が開始時刻より前",
        ),
        (
            "/api/v1/consultations",
            {"date": "2024-01-01", "consulter_type": "alien", "channel": "phone", "topic_ids": [1]},
            "consulter_type",
            "一覧にありません",
        ),
        (
            "/api/v1/consultations",
            {
                "date": "2024-01-01",
                "consulter_type": "elderly",
                "channel": "phone",
                "topic_ids": [999999],
            },
            "topic_ids",
            "一覧にありません",
        ),
        (
            "/api/v1/meetings",
            {"date": "2024-01-01", "meeting_type": "party", "title": "x"},
            "meeting_type",
            "一覧にありません",
        ),
        (
            "/api/v1/visits",
            {"date": "2024-01-01", "place_name": "x", "attendees": 10**20},
            "attendees",
            "以下",
        ),
        (
            "/api/v1/meetings",
            {
                "date": "2024-01-01",
                "meeting_type": "community_care",
                "title": "x",
                "participant_count": 10**20,
            },
            "participant_count",
            "以下",
        ),
    ],
)
def test_api_bad_input_is_422_in_japanese_and_nothing_saved(records, path, payload, field, message):
    before = (Visit.objects.count(), Consultation.objects.count())
    response = login("tier2-1").post(path, payload, content_type="application/json")
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert message in " ".join(errors[field])
    assert (Visit.objects.count(), Consultation.objects.count()) == before


def test_api_area_rules(records, musashino):
    other_area = records["t2b"].areas.first()
    response = login("tier2-1").post(
        "/api/v1/visits",
        {"date": "2024-01-01", "place_name": "x", "area_id": other_area.pk},
        content_type="application/json",
    )
    assert (
        response.status_code == 422
        and "担当圏域ではありません" in response.json()["errors"]["area"][0]
    )
    visit = Visit.objects.filter(coordinator=records["t2b"]).first()
    assert login("tier2-1").get(f"/api/v1/visits/{visit.pk}").status_code == 404
    assert (
        login("tier2-1")
        .patch(f"/api/v1/visits/{visit.pk}", {"attendees": 1}, content_type="application/json")
        .status_code
        == 404
    )
    official = login("official")
    assert official.get(f"/api/v1/visits/{visit.pk}").status_code == 200
    assert (
        official.post(
            "/api/v1/visits",
            {"date": "2024-01-01", "place_name": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    council = login("council")
    assert council.get("/api/v1/visits").status_code == 403
    assert council.get("/api/v1/consultations").status_code == 403


def test_api_list_query_count_is_bounded(records, django_assert_max_num_queries):
    client = login("tier1")
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/consultations?period=fy").status_code == 200
    for _ in range(20):
        ConsultationFactory(coordinator=records["t2a"], date=timezone.localdate())
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/consultations?period=fy").json()["count"] == 22


def test_home_panels(records):
    html = login("tier2-1").get("/").content.decode()
    assert "訪問を記録" in html and "今日の予定" in html
    assert "の活動（" in html and "前年同期" in html
    council = login("council").get("/").content.decode()
    assert "訪問を記録" not in council


def _compare_texts(html: str) -> list[str]:
    import re

    return [
        re.sub(r"<[^>]+>", "", m) for m in re.findall(r'stat__compare">(.*?)</span></dd>', html)
    ]


def test_home_comparison_without_records_last_year_says_so(records):
    """No record in the same days a year ago: each figure says 「前年同期 記録なし」, never +3
    from zero (the records fixture has one visit two years ago only)."""
    texts = _compare_texts(login("tier2-1").get("/").content.decode())
    assert texts and all(t == "前年同期 記録なし" for t in texts), texts


def test_home_comparison_with_records_last_year_shows_the_change(records):
    today = timezone.localdate()
    try:
        a_year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        a_year_ago = today.replace(year=today.year - 1, day=28)
    VisitFactory(coordinator=records["t2a"], date=a_year_ago, place_name="去年の訪問先")
    texts = _compare_texts(login("tier2-1").get("/").content.decode())
    assert texts[0] == "前年同期 1件（+2）", texts  # 3 visits now, 1 a year ago
    assert "記録なし" not in "".join(texts)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/consultations?service_id=2468221575180651799248896",
        "/api/v1/visits?service_id=2468221575180651799248896",
        "/api/v1/visits?area_id=99999999999999999999",
    ],
)
def test_api_filter_with_an_id_beyond_64_bits_is_a_japanese_422(records, path):
    """Found by the schemathesis fuzz: a thirty-digit id in a filter reached the database
    (OverflowError on SQLite, out of range on PostgreSQL) and answered 500."""
    response = login("tier2-1").get(path)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_request"


@pytest.mark.parametrize("value", ["10:00:00Z", "10:00+09:00"])
def test_api_time_with_a_time_zone_is_a_japanese_422_and_nothing_saved(records, value):
    """Found by the schemathesis fuzz: "00:00:00Z" reached SQLite, which cannot store a time
    with a time zone, and answered 500."""
    before = Visit.objects.count()
    response = login("tier2-1").post(
        "/api/v1/visits",
        {"date": "2024-01-01", "place_name": "x", "start_time": value},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "タイムゾーン" in " ".join(response.json()["errors"]["start_time"])
    assert Visit.objects.count() == before
