"""Uploaded files are checked for size and for what their bytes really are, through the user
paths that take files (the resource import page and POST /api/v1/resources/import): too large,
an executable or a PDF renamed .xlsx, a zip that is not a workbook, a zip bomb, an old .xls and
an empty file are each refused with a Japanese message, and nothing is stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.exchange.models import ImportBatch
from sasaeai.resources.models import Service

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


BAD_FILES = [
    ("program.xlsx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "Excel"),
    ("scan.xlsx", b"%PDF-1.7\n" + b"0" * 200, "Excel"),
    ("photos.xlsx", _zip({"a.jpg": b"\xff\xd8\xff" + b"0" * 100}), "Excel"),
    (
        "bomb.xlsx",  # unpacks to 2 MB from a few kB; the limit is lowered to 1 MB below
        _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * 2_000_000}),
        "中身が大きすぎる",
    ),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, ".xls"),
    ("empty.csv", b"", "空"),
]


@pytest.fixture(autouse=True)
def _small_unpacked_limit(monkeypatch):
    monkeypatch.setattr("sasaeai.exchange.uploads.MAX_UNPACKED_BYTES", 1_000_000)


@pytest.fixture
def tier1(musashino):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    return client


def _nothing_stored(before):
    assert (Service.objects.count(), ImportBatch.objects.count()) == before


@pytest.mark.parametrize(("name", "content", "hint"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_the_import_page_refuses_what_is_not_a_resource_list(tier1, name, content, hint):
    before = (Service.objects.count(), ImportBatch.objects.count())
    response = tier1.post("/exchange/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "errorlist" in text or 'role="alert"' in text
    assert hint in text
    _nothing_stored(before)


@pytest.mark.parametrize(("name", "content", "hint"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_the_import_api_refuses_what_is_not_a_resource_list(tier1, name, content, hint):
    before = (Service.objects.count(), ImportBatch.objects.count())
    response = tier1.post(
        "/api/v1/resources/import?commit=true",
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 422, response.content
    assert hint in response.json()["detail"]
    _nothing_stored(before)


def test_a_file_over_the_size_limit_is_refused_before_reading(tier1, settings):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 10_000
    before = (Service.objects.count(), ImportBatch.objects.count())
    big = "名称,住所\n" + "よりあい,境南町1-1\n" * 2000
    response = tier1.post(
        "/exchange/import/", {"file": SimpleUploadedFile("big.csv", big.encode("utf-8"))}
    )
    assert response.status_code == 400
    assert "大きすぎます" in response.content.decode()
    response = tier1.post(
        "/api/v1/resources/import", {"file": SimpleUploadedFile("big.csv", big.encode())}
    )
    assert response.status_code == 422 and "大きすぎます" in response.json()["detail"]
    _nothing_stored(before)
