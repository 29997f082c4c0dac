"""Server errors on bad input, as the probe found them, through the paths people take: the
anonymous finder, the staff list, the calendar, the calendar entry form, the API, imports and
oversized bodies. The general tests that generate each class for every operation and form are
tests/test_api_bad_input.py and tests/test_form_fuzz.py."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sasaeai.accounts.models import User

pytestmark = pytest.mark.django_db

BAD_DATES = ("9999-12-31", "0001-01-01")


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def test_a_lone_surrogate_is_a_japanese_422_naming_the_field(musashino):
    from sasaeai.activities.models import Visit

    before = Visit.objects.count()
    response = _client("tier1").post(
        "/api/v1/visits",
        '{"date": "2026-11-01", "place_name": "a\\ud800b"}',
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "サロゲート" in response.json()["errors"]["place_name"][0]
    assert Visit.objects.count() == before


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/visits", "place_name"),
        ("/api/v1/consultations", "summary"),
        ("/api/v1/meetings", "title"),
        ("/api/v1/activities", "title"),
    ],
)
def test_patch_with_null_on_a_text_field_is_422(musashino, path, field):
    from sasaeai.activities.models import ConsultationTopic

    client = _client("tier1")
    created = {
        "/api/v1/visits": {"date": "2026-11-01", "place_name": "集会所"},
        "/api/v1/consultations": {
            "date": "2026-11-01",
            "consulter_type": "family",
            "channel": "on_site",
            "topic_ids": [ConsultationTopic.objects.order_by("order").first().pk],
        },
        "/api/v1/meetings": {"date": "2026-11-01", "title": "連携会議", "meeting_type": "other"},
        "/api/v1/activities": {"date": "2026-11-01", "title": "研修", "kind": "other"},
    }[path]
    response = client.post(path, created, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(f"{path}/{pk}", {field: None}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert "null" in response.json()["errors"][field][0]


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize(
    ("username", "path"),
    [
        (None, "/finder/132039/?open_on={v}"),
        ("tier1", "/resources/?open_on={v}"),
        ("tier1", "/activities/calendar/?date={v}"),
        ("tier1", "/activities/calendar/?date={v}&view=month"),
    ],
)
def test_absurd_dates_in_pages_are_handled(musashino, username, path, value):
    response = _client(username).get(path.format(v=value))
    assert response.status_code == 200, response.status_code
    if "open_on" in path:
        assert "1900年1月1日から2200年12月31日" in response.content.decode()


@pytest.mark.parametrize("value", BAD_DATES)
def test_absurd_dates_in_the_api_are_a_japanese_422(musashino, value):
    response = _client("tier1").get(f"/api/v1/resources?open_on={value}")
    assert response.status_code == 422
    assert "2200年12月31日" in response.json()["errors"]["open_on"][0]


def test_the_calendar_entry_form_refuses_a_date_out_of_range(musashino):
    from sasaeai.activities.models import CalendarEntry

    client = _client("tier1")
    response = client.post(
        "/activities/calendar/entries/new/",
        {"title": "遠い予定", "date": "9999-12-31", "start_time": "10:00", "end_time": "11:00"},
    )
    assert response.status_code == 400  # the form again, with its errors
    assert "1900年1月1日から2200年12月31日" in response.content.decode()
    assert not CalendarEntry.objects.filter(title="遠い予定").exists()


def test_a_body_over_the_limit_is_413_in_japanese(musashino, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    big = json.dumps({"date": "2026-11-01", "place_name": "x" * (2 * 1024 * 1024)})
    response = _client("tier1").post("/api/v1/visits", big, content_type="application/json")
    assert response.status_code == 413
    assert "大きすぎます" in response.json()["detail"]
    response = _client("tier1").post(
        "/activities/visits/new/", {"place_name": "x" * (2 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert "大きすぎます" in response.content.decode()


def _nested_json() -> bytes:
    return ("[" * 100_000 + "]" * 100_000).encode()


def test_a_deeply_nested_import_file_is_a_clear_error(musashino):
    client = _client("admin")
    response = client.post(
        "/api/v1/resources/import", _nested_json(), content_type="application/json"
    )
    assert response.status_code == 422, response.status_code
    assert "入れ子が深すぎます" in response.json()["detail"]
    upload = SimpleUploadedFile("深い.json", _nested_json(), content_type="application/json")
    response = client.post("/api/v1/resources/import", {"file": upload})
    assert response.status_code == 422
    assert "入れ子が深すぎます" in response.json()["detail"]
    upload = SimpleUploadedFile("深い.json", _nested_json(), content_type="application/json")
    response = client.post("/exchange/import/", {"file": upload})
    assert response.status_code == 400  # the form again, with its error
    assert "入れ子が深すぎます" in response.content.decode()


def test_a_3000_character_upload_filename_is_a_clear_error(musashino):
    client = _client("admin")
    upload = SimpleUploadedFile("a" * 3000 + ".csv", "名称\nサロン\n".encode(), "text/csv")
    response = client.post("/api/v1/resources/import?commit=true", {"file": upload})
    assert response.status_code == 422, response.content
    assert "ファイル名が長すぎます" in response.json()["detail"]
    response = client.post(
        "/api/v1/resources/import?commit=true&filename=" + "b" * 3000 + ".csv",
        "名称\nサロン\n".encode(),
        content_type="text/csv",
    )
    assert response.status_code == 422, response.content
