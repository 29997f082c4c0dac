"""schemathesis against the OpenAPI schema (/api/v1/openapi.json), in-process through the WSGI
application: generated requests, valid and invalid (negative mode: wrong types, numbers out of
range, missing fields, random JSON), to every API operation, as a tier-1 coordinator with a
Bearer token and as an anonymous caller. No answer may be a server error (500).

The run is bounded (EXAMPLES generated cases per operation, each sent twice) and prints how
many requests it made. Numbers too large for the database (a page past 2**63, a thirty-digit id)
are refused by the schema with a 422 in Japanese (sasaeai/api/pagination.py, errors.py)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from sasaeai.accounts.models import User
from sasaeai.accounts.services import token_create
from sasaeai.api.pagination import MAX_PAGE

pytestmark = pytest.mark.django_db

EXAMPLES = 8
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
TRIED = {"cases": 0, "requests": 0, "operations": set(), "statuses": {}}


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if TRIED["cases"]:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(TRIED["statuses"].items()))
        print(
            f"\nschemathesis: {TRIED['cases']} generated cases over "
            f"{len(TRIED['operations'])} operations, {TRIED['requests']} requests "
            f"(status codes {statuses})"
        )


@pytest.fixture(scope="module", autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes database connections at the end of each request (as Django's
    test client prevents): inside a test transaction on PostgreSQL that would close it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(musashino):
    _token, plain = token_create(user=User.objects.get(username="tier1"), name="schemathesis")
    return {"Authorization": f"Bearer {plain}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_error(case, bearer):
    TRIED["cases"] += 1
    TRIED["operations"].add(case.operation.label)
    for headers in (bearer, {}):
        response = case.call(headers=headers)
        TRIED["requests"] += 1
        TRIED["statuses"][response.status_code] = TRIED["statuses"].get(response.status_code, 0) + 1
        case.validate_response(response, checks=(not_a_server_error,))


# --- what the fuzzer found, pinned as plain examples ---------------------------------------------


def _tier1(client):
    client.force_login(User.objects.get(username="tier1"))
    return client


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/api/v1/municipalities?page=48417811835124416512", "page", f"{MAX_PAGE}以下"),
        ("/api/v1/areas?page=2&page_size=69017242326", "page_size", "200以下"),
        ("/api/v1/towns?page=0", "page", "1以上"),
        ("/api/v1/visits?page=x", "page", "整数で"),
        ("/api/v1/resources?area=99999999999999999999999", "area.0", "以下で"),
    ],
)
def test_out_of_range_numbers_are_422_in_japanese(client, musashino, path, field, message):
    response = _tier1(client).get(path)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_request"
    assert field in body["errors"], body
    assert message in " ".join(body["errors"][field]), body
    assert "クエリ" in " ".join(body["errors"][field])  # says where


def test_huge_ids_in_a_body_are_422_and_nothing_is_written(client, musashino):
    from sasaeai.councils.models import RegionalIssue

    before = RegionalIssue.objects.count()
    response = _tier1(client).post(
        "/api/v1/regional-issues",
        {
            "title": "買い物の足",
            "description": "",
            "area_ids": [-57740335763562823134740480, 2**70],
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert "area_ids.0" in errors and "area_ids.1" in errors
    assert "本文" in errors["area_ids.1"][0]
    assert RegionalIssue.objects.count() == before


def test_nul_characters_are_422_naming_the_field_and_nothing_is_written(client, musashino):
    """PostgreSQL cannot store U+0000 in text: the API refuses it before any query."""
    from sasaeai.activities.models import Visit

    before = Visit.objects.count()
    api = _tier1(client)
    response = api.post(
        "/api/v1/visits",
        {"date": "2026-11-01", "place_name": "集会所\x00"},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "NUL" in response.json()["errors"]["place_name"][0]
    assert Visit.objects.count() == before
    response = api.get("/api/v1/resources", {"q": "体操\x00"})
    assert response.status_code == 422 and "q" in response.json()["errors"]


def test_a_body_that_is_not_json_is_a_japanese_400(client, musashino):
    response = _tier1(client).post("/api/v1/visits", b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
