"""Importing a sheet through the service layer: preview, commit, idempotent re-import, and
nothing written when a row has an error."""

import pytest

from sasaeai.accounts.models import User
from sasaeai.exchange import services
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.tests.helpers import template_row, upload, xlsx_bytes
from sasaeai.resources.models import Service


def _rows():
    return [
        TEMPLATE_HEADERS,
        template_row(
            名称="ふれあいサロン桜堤",
            活動の種類="体操・運動、茶話会・サロン",
            町="桜堤",
            住所="桜堤２丁目８－１",
            開催日時="第2・4水曜 13:30-15:30",
            参加費="100円",
            最終確認日="令和7年4月1日",
            運営団体="桜堤ふれあいの会",
            場所の名称="桜堤集会所",
        ),
        template_row(
            名称="健康麻雀の会",
            住所="武蔵野市境南町3-1",
            開催日時="毎週火曜10時〜12時",
            参加費="無料",
        ),
    ]


@pytest.fixture
def tier1(musashino):
    return User.objects.get(username="tier1")


def test_a_sheet_is_previewed_then_written_and_a_reimport_changes_nothing(tier1):
    batch = services.batch_create(user=tier1, upload=upload(xlsx_bytes(_rows()), "sheet.xlsx"))
    assert batch.preview["counts"]["create"] == 2
    assert Service.objects.count() == 0  # the preview writes nothing
    result = services.batch_commit(batch=batch, user=tier1)
    assert len(result.created) == 2
    salon = Service.objects.get(name="ふれあいサロン桜堤")
    assert salon.town.name == "桜堤"
    assert salon.location.is_approximate
    assert [s.byday for s in salon.schedules.all()] == ["2WE,4WE"]
    assert salon.fee_amount == 100
    assert str(salon.confirmed_at) == "2025-04-01"
    again = services.batch_create(user=tier1, upload=upload(xlsx_bytes(_rows()), "sheet.xlsx"))
    assert again.preview["counts"]["unchanged"] == 2
    services.batch_commit(batch=again, user=tier1)
    assert Service.objects.count() == 2


def test_a_row_with_an_unknown_town_writes_nothing(tier1):
    rows = [*_rows(), template_row(名称="どこかのサロン", 町="存在しない町")]
    batch = services.batch_create(user=tier1, upload=upload(xlsx_bytes(rows), "sheet.xlsx"))
    assert batch.preview["counts"]["error"] == 1
    assert any("存在しない町" in p["message"] for p in batch.preview["problems"])
    with pytest.raises(services.ImportRefused):
        services.batch_commit(batch=batch, user=tier1)
    assert Service.objects.count() == 0
    services.batch_commit(batch=batch, user=tier1, only_valid=True)
    assert Service.objects.count() == 2
