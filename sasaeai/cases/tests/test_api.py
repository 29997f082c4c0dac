"""The cases API with real requests: POST /match, /cases with nested referrals and entries,
the same role and area rules as the pages, Japanese errors, the OpenAPI schema."""

import datetime as dt
import json

import pytest

from sasaeai.audit.models import AuditEvent
from sasaeai.cases.models import Case
from sasaeai.cases.tests.factories import CaseFactory

TODAY = dt.date.today()


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_match_answers_a_profile_with_score_parts_and_reasons(client, world):
    client.force_login(world["users"]["tier2-6"])
    response = post(
        client,
        "/api/v1/match",
        {
            "town": "境南町",
            "age": 73,
            "sex": "male",
            "care_level": "support1",
            "max_walk_m": 2000,
            "days": ["thu"],
            "time_from": "09:00",
            "time_to": "17:00",
            "interests": "カラオケ",
            "role": "either",
            "notes": "人の役に立ちたい",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    first = body["items"][0]
    assert first["service"]["name"] == "老人クラブ境南 カラオケの会"
    assert "木曜に開催（本人の空き日）" in first["reasons"]
    assert "カラオケ: 一致" in first["reasons"]
    assert set(first["parts"]) == {"distance", "interests", "wishes", "schedule", "target", "role"}
    assert len(first["next_dates"]) == 3
    # The interests, then the needs said in plain words (「人の役に立ちたい」 in the notes).
    assert body["interests_read"] == ["カラオケ", "役割"]


def test_match_by_point(client, world):
    client.force_login(world["users"]["tier1"])
    kyonan = world["kyonan"]
    response = post(
        client,
        "/api/v1/match",
        {"lat": float(kyonan.latitude), "lon": float(kyonan.longitude), "interests": "合唱"},
    )
    assert response.json()["items"][0]["service"]["name"] == "境南コーラス"


def test_match_errors_are_japanese(client, world):
    client.force_login(world["users"]["tier2-6"])
    response = post(client, "/api/v1/match", {"town": "どこか町", "time_from": "10時", "role": "x"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "どこか町" in errors["town"][0]
    response = post(client, "/api/v1/match", {"town": "境南町", "time_from": "10時"})
    assert "HH:MM" in response.json()["errors"]["time_from"][0]


@pytest.mark.parametrize("username", ["official", "council", "admin"])
def test_match_and_cases_refused_to_roles_without_cases(client, world, username):
    client.force_login(world["users"][username])
    assert post(client, "/api/v1/match", {"town": "境南町"}).status_code == 403
    assert client.get("/api/v1/cases").status_code == 403


def test_cases_api_create_read_update_with_nested_records(client, world):
    client.force_login(world["users"]["tier2-6"])
    response = post(
        client,
        "/api/v1/cases",
        {
            "area_id": world["areas"][5].pk,
            "age": 61,
            "sex": "female",
            "care_level": "support1",
            "town_id": world["kyonan"].pk,
            "needs_text": "自宅近くで人と交流したい",
            "free_days": ["tue"],
            "role_preference": "either",
            "consent_to_share": True,
            "consent_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert response.json()["age_band"] == "60-64"
    service = world["services"]["ten_million"]
    response = post(
        client,
        f"/api/v1/cases/{case_id}/referrals",
        {"service_id": service.pk, "role": "helper", "reason": "近い・火曜"},
    )
    assert response.status_code == 201
    referral_id = response.json()["id"]
    response = post(client, f"/api/v1/referrals/{referral_id}/transitions", {"to_status": "trial"})
    assert response.status_code == 200
    assert [t["to_status"] for t in response.json()["transitions"]] == ["proposed", "trial"]
    response = post(
        client,
        f"/api/v1/cases/{case_id}/entries",
        {
            "kind": "accompaniment",
            "date": TODAY.isoformat(),
            "text": "同行",
            "referral_id": referral_id,
        },
    )
    assert response.status_code == 201
    response = patch(client, f"/api/v1/cases/{case_id}", {"hobbies": "手芸", "max_walk_m": 800})
    assert response.status_code == 200
    body = client.get(f"/api/v1/cases/{case_id}").json()
    assert body["hobbies"] == "手芸"
    assert body["referrals"][0]["status"] == "trial"
    assert body["entries"][0]["kind"] == "accompaniment"
    listing = client.get("/api/v1/cases").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == case_id
    assert AuditEvent.objects.filter(action="view", target_id=str(case_id)).exists()


def test_cases_api_area_rules(client, world):
    case = CaseFactory(area=world["areas"][5])
    client.force_login(world["users"]["tier2-1"])
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert patch(client, f"/api/v1/cases/{case.pk}", {"hobbies": "x"}).status_code == 404
    assert client.get("/api/v1/cases").json()["count"] == 0
    response = post(client, "/api/v1/cases", {"area_id": world["areas"][5].pk})
    assert response.status_code == 403
    assert Case.objects.count() == 1


def test_cases_api_bad_input_is_japanese_and_saves_nothing(client, world):
    client.force_login(world["users"]["tier2-6"])
    response = post(
        client,
        "/api/v1/cases",
        {"area_id": world["areas"][5].pk, "consent_to_share": True, "free_days": ["tuesday"]},
    )
    assert response.status_code == 422
    assert "mon" in response.json()["errors"]["free_days"][0]
    response = post(
        client, "/api/v1/cases", {"area_id": world["areas"][5].pk, "consent_to_share": True}
    )
    assert response.json()["errors"]["consent_on"] == ["同意を得た日を入力してください。"]
    assert not Case.objects.exists()


def test_openapi_documents_match(client, world):
    client.force_login(world["users"]["tier1"])
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/match"]["post"]
    assert "マッチング" in operation["summary"]
    assert "/api/v1/cases/{case_id}" in schema["paths"]
