"""The year-end closure (年末年始休み) through import and export: a sheet's 「年末年始を除く」 sets the
schedule's closure (not its note), a merge keeps a closure the file is silent about and
changes one the file states, and every export (table, 自治体標準オープンデータ, HSDS) imports back
with the closure kept."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from sasaeai.accounts.models import User
from sasaeai.exchange import services
from sasaeai.exchange.exports import export_csv, export_open_data_csv
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.hsds import services_to_hsds
from sasaeai.exchange.tests.helpers import csv_bytes, template_row, upload, xlsx_bytes
from sasaeai.org.models import Town
from sasaeai.resources.models import Location, Organization, Schedule, Service
from sasaeai.resources.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier1(musashino):
    return User.objects.get(username="tier1")


@pytest.fixture
def window(musashino):
    """境南コミセン 窓口, 月〜金 closed at year end, as a coordinator keeps it."""
    town = Town.objects.get(municipality=musashino, name="境南町")
    service = ServiceFactory(
        location=LocationFactory(town=town, name="境南コミセン", address="境南町2-1-1"),
        name="窓口",
        is_public=True,
        publication_consent=True,
    )
    ScheduleFactory(
        service=service,
        byday="MO,TU,WE,TH,FR",
        opens_at=dt.time(9, 0),
        closes_at=dt.time(17, 0),
        closed_year_end=True,
    )
    return service


def _command(tmp_path, **values) -> None:
    row = {"名称": "窓口", "町": "境南町", "場所の名称": "境南コミセン"} | values
    path = tmp_path / "市の一覧.xlsx"
    path.write_bytes(xlsx_bytes([TEMPLATE_HEADERS, template_row(**row)]))
    call_command(
        "import-resources",
        str(path),
        "--user",
        "tier1",
        "--no-progress",
        "--yes",
        stdout=io.StringIO(),
    )


def test_a_sheet_saying_year_end_excluded_stores_the_closure(musashino, tmp_path):
    _command(tmp_path, 開催日時="月〜金 9:00〜17:00（年末年始を除く）")
    schedule = Schedule.objects.get(service__name="窓口")
    assert (schedule.byday, schedule.closed_year_end, schedule.note) == (
        "MO,TU,WE,TH,FR",
        True,
        "",
    )


def test_an_open_data_note_listing_year_end_stores_the_closure(tier1):
    headers = ["名称", "住所", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項"]
    rows = [["平日の窓口", "武蔵野市境南町3-1", "月火水木金", "8:30", "17:15", "年末年始を除く"]]
    batch = services.batch_create(
        user=tier1, upload=upload(csv_bytes([headers, *rows]), "opendata.csv")
    )
    services.batch_commit(batch=batch, user=tier1, only_valid=True)
    schedule = Schedule.objects.get(service__name="平日の窓口")
    assert (schedule.closed_year_end, schedule.note) == (True, "")


def test_a_merge_keeps_a_closure_the_file_is_silent_about(window, tmp_path):
    _command(tmp_path, 開催日時="月〜金 9:00〜16:00")
    schedule = Schedule.objects.get(service=window)
    assert schedule.closes_at == dt.time(16, 0)
    assert schedule.closed_year_end is True


def test_a_merge_changes_a_closure_the_file_states(window, tmp_path):
    _command(tmp_path, 開催日時="月〜金 9:00〜17:00 年末年始も開館")
    # 「年末年始も開館」 names the year end without closing it: the file states it is open.
    schedule = Schedule.objects.get(service=window)
    assert schedule.closed_year_end is False
    assert "年末年始も開館" in schedule.note


def _empty_installation() -> None:
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()


@pytest.mark.parametrize("kind", ["table", "open_data"])
def test_an_export_imports_back_with_the_closure(window, tier1, kind):
    code = tier1.municipality.code
    found = [window]
    if kind == "table":
        content, name = export_csv(found, municipality_code=code), "export.csv"
    else:
        content = export_open_data_csv(found, municipality=tier1.municipality)
        name = "opendata.csv"
    _empty_installation()
    services.import_upload(user=tier1, upload=upload(content, name), commit=True)
    schedule = Schedule.objects.get(service__name="窓口")
    assert (schedule.byday, schedule.closed_year_end, schedule.note) == (
        "MO,TU,WE,TH,FR",
        True,
        "",
    )


def test_the_hsds_export_imports_back_with_the_closure(window, tier1):
    exported = services_to_hsds([window], municipality=tier1.municipality)
    [schedule] = exported[0]["schedules"]
    assert "年末年始" in schedule["notes"]
    content = json.dumps({"contents": exported}, ensure_ascii=False).encode()
    _empty_installation()
    services.import_upload(user=tier1, upload=upload(content, "hsds.json"), commit=True)
    schedule = Schedule.objects.get(service__name="窓口")
    assert (schedule.closed_year_end, schedule.note) == (True, "")
