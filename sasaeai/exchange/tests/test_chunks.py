"""A file larger than one chunk (the import plans and writes 2,000 rows at a time inside one
transaction): all or nothing still holds across chunks, and the rules that compare rows with
each other see rows of earlier chunks. The chunk is made 2 rows here so that a 7-row file
spans four."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.tests.helpers import template_row, xlsx_bytes
from sasaeai.resources.models import Location, Organization, Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr("sasaeai.exchange.planning.planner.CHUNK", 2)


def _rows(last: dict) -> list:
    towns = ["桜堤", "境南町", "関前", "西久保", "緑町", "八幡町"]
    return [
        TEMPLATE_HEADERS,
        *(
            template_row(名称=f"チャンク確認サロン{i}", 町=town, 開催日時="毎週水曜 13:30-15:30")
            for i, town in enumerate(towns, start=1)
        ),
        template_row(**last),
    ]


def _run(tmp_path, rows, *args):
    path = tmp_path / "資源.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    out = io.StringIO()
    call_command(
        "import-resources",
        str(path),
        "--user",
        "tier1",
        "--yes",
        "--no-progress",
        *args,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def _counts():
    return Service.objects.count(), Organization.objects.count(), Location.objects.count()


def test_an_error_in_the_last_chunk_leaves_nothing_of_the_earlier_chunks(musashino, tmp_path):
    before = _counts()
    rows = _rows({"名称": "最後の行のサロン", "町": "存在しない町"})
    with pytest.raises(CommandError, match="エラーのある行が1行あるため"):
        _run(tmp_path, rows)
    assert _counts() == before
    out = _run(tmp_path, rows, "--only-valid")
    assert "新規登録 6件" in out
    assert Service.objects.filter(name__startswith="チャンク確認サロン").count() == 6


def test_a_row_repeating_an_earlier_chunks_row_is_still_seen(musashino, tmp_path, monkeypatch):
    rows = _rows({"名称": "チャンク確認サロン1", "町": "桜堤", "開催日時": "毎週水曜 13:30-15:30"})
    in_chunks = _run(tmp_path, rows, "--dry-run")
    assert "同じ町に同じ名称があります" in in_chunks
    monkeypatch.setattr("sasaeai.exchange.planning.planner.CHUNK", 2000)
    assert _run(tmp_path, rows, "--dry-run") == in_chunks
    assert Service.objects.filter(name__startswith="チャンク確認サロン").count() == 0
