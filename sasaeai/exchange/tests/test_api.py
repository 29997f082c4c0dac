"""POST /api/v1/resources/import (preview, commit, refusal, raw HSDS body) and
GET /api/v1/hsds/services (HSDS pages, valid against the HSDS 3.0 schema)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.tests.helpers import csv_bytes, template_row, xlsx_bytes
from sasaeai.exchange.tests.test_round_trip import assert_valid_hsds
from sasaeai.resources import demo as resources_demo
from sasaeai.resources.models import Service

URL = "/api/v1/resources/import"


def _client(username: str) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def api(musashino):
    return _client("tier1")


def _post(client, content: bytes, name: str, **query):
    params = "&".join(f"{k}={str(v).lower()}" for k, v in query.items())
    return client.post(
        f"{URL}?{params}" if params else URL, {"file": SimpleUploadedFile(name, content)}
    )


ROWS = [
    TEMPLATE_HEADERS,
    template_row(名称="ふれあいサロン桜堤", 町="桜堤", 開催日時="毎週火曜10時〜12時"),
    template_row(名称="健康麻雀の会", 町="境南町"),
]


def test_preview_then_commit_then_nothing_changes(api):
    content = xlsx_bytes(ROWS)
    preview = _post(api, content, "a.xlsx")
    assert preview.status_code == 200
    assert preview.json()["counts"]["create"] == 2
    assert preview.json()["committed"] is False
    assert Service.objects.count() == 0
    done = _post(api, content, "a.xlsx", commit=True)
    assert done.status_code == 200
    assert done.json()["result"] == {"created": 2, "updated": 0, "unchanged": 0}
    again = _post(api, content, "a.xlsx", commit=True)
    assert again.json()["result"]["unchanged"] == 2
    assert Service.objects.count() == 2


def test_a_file_with_errors_is_refused_with_its_problems_and_nothing_written(api):
    rows = [*ROWS, template_row(名称="どこかのサロン", 町="存在しない町")]
    response = _post(api, csv_bytes(rows, encoding="cp932"), "a.csv", commit=True)
    assert response.status_code == 409
    body = response.json()
    assert "何も取り込んでいません" in body["detail"]
    problem = next(p for p in body["preview"]["problems"] if p["severity"] == "error")
    assert problem["row"] == "4行目" and "町" in problem["column"]
    assert Service.objects.count() == 0
    only_valid = _post(
        api, csv_bytes(rows, encoding="cp932"), "a.csv", commit=True, only_valid=True
    )
    assert only_valid.json()["result"]["created"] == 2


def test_bad_files_answer_422_in_japanese(api):
    assert "ファイルが空です" in _post(api, b"", "x.csv").json()["detail"]
    not_hsds = api.post(URL, json.dumps({"hello": 1}), content_type="application/json")
    assert not_hsds.status_code == 422
    assert "HSDS" in not_hsds.json()["detail"]
    stray = _post(api, '名称,町\n"サロン,桜堤\n'.encode(), "x.csv")
    assert stray.status_code in (200, 422)
    assert Service.objects.count() == 0


def test_coordinators_of_an_area_and_officials_may_not_import(musashino):
    for username in ("tier2-1", "official"):
        response = _post(_client(username), xlsx_bytes(ROWS), "a.xlsx", commit=True)
        assert response.status_code == 403
    assert Service.objects.count() == 0


def test_hsds_services_are_pages_of_valid_services_and_import_back_as_raw_json(api, musashino):
    resources_demo.load(musashino)
    first = api.get("/api/v1/hsds/services?per_page=20").json()
    assert first["page_number"] == 1 and first["size"] == 20 and not first["last_page"]
    assert (
        first["total_items"]
        == Service.objects.filter(is_public=True, publication_consent=True, status="active").count()
    )
    for service in first["contents"]:
        assert_valid_hsds(service)
    last = api.get(f"/api/v1/hsds/services?per_page=20&page={first['total_pages']}").json()
    assert last["last_page"]
    # The page itself is an HSDS import body: nothing changes.
    again = api.post(f"{URL}?commit=true", json.dumps(first), content_type="application/json")
    assert again.status_code == 200, again.json()
    assert again.json()["result"]["unchanged"] == 20


def test_the_operations_are_described_in_openapi(musashino):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/resources/import"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "/api/v1/hsds/services" in schema["paths"]
