"""A row merged into an existing resource changes only what the file gives: an empty cell or a
schedule text that says nothing about holidays never erases what the resource has; a
confirmed date the file gives is credited to the person importing; the history says who
changed what; and the preview (page and command) shows each change with its old and new value.

The case reported: 境南コミセン 健康体操 lost its 祝日休み rule, and its last-confirmed date was
credited to the coordinator who had confirmed it before."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.models import ImportBatch
from sasaeai.exchange.tests.helpers import template_row, xlsx_bytes
from sasaeai.org.models import Town
from sasaeai.resources.models import Schedule, Service
from sasaeai.resources.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise(musashino):
    """境南コミセン 健康体操 as a coordinator keeps it: every Tuesday, closed on holidays,
    free, step-free, confirmed by the tier-2 coordinator of 境南."""
    town = Town.objects.get(municipality=musashino, name="境南町")
    place = LocationFactory(town=town, name="境南コミセン", address="境南町2-1-1")
    service = ServiceFactory(
        location=place,
        name="健康体操",
        is_free=True,
        step_free=True,
        contact_phone="0422-31-0000",
        confirmed_at=dt.date(2025, 4, 1),
        confirmed_by=User.objects.get(username="tier2-6"),
    )
    ScheduleFactory(
        service=service,
        byday="TU",
        opens_at=dt.time(10, 0),
        closes_at=dt.time(11, 30),
        closed_on_holidays=True,
        note="雨天でも開催",
    )
    return service


def _sheet(**values) -> bytes:
    row = {"名称": "健康体操", "町": "境南町", "場所の名称": "境南コミセン"} | values
    return xlsx_bytes([TEMPLATE_HEADERS, template_row(**row)])


# The city's sheet gives the time (changed), the confirmed date, and leaves 段差・電話 empty.
CITY_ROW = {"開催日時": "毎週火曜 10:00-12:00", "最終確認日": "2026-10-01"}


def _command(tmp_path, content: bytes, *args) -> str:
    path = tmp_path / "市の一覧.xlsx"
    path.write_bytes(content)
    out = io.StringIO()
    call_command(
        "import-resources", str(path), "--user", "tier1", "--no-progress", *args, stdout=out
    )
    return out.getvalue()


def _assert_merged_as_meant(service: Service) -> None:
    service.refresh_from_db()
    schedule = Schedule.objects.get(service=service)
    assert schedule.closes_at == dt.time(12, 0)  # what the file gives changes
    assert schedule.closed_on_holidays is True  # what the file does not say stays
    assert schedule.note == "雨天でも開催"
    assert service.step_free is True
    assert service.is_free is True
    assert service.contact_phone == "0422-31-0000"
    assert service.confirmed_at == dt.date(2026, 10, 1)
    assert service.confirmed_by == User.objects.get(username="tier1")


def test_the_command_merges_only_what_the_file_gives(exercise, tmp_path):
    _command(tmp_path, _sheet(**CITY_ROW), "--yes")
    _assert_merged_as_meant(exercise)


def test_the_history_names_the_importer_and_the_fields_changed(exercise, tmp_path):
    _command(tmp_path, _sheet(**CITY_ROW), "--yes")
    latest = exercise.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == User.objects.get(username="tier1")
    previous = latest.prev_record
    changed = {change.field for change in latest.diff_against(previous).changes}
    assert changed == {"confirmed_at", "confirmed_by", "confirmed_via"}


def test_the_command_preview_lists_each_change_with_old_and_new_value(exercise, tmp_path):
    out = _command(tmp_path, _sheet(**CITY_ROW), "--dry-run")
    assert "「健康体操」" in out
    assert "最終確認日: 2025-04-01 → 2026-10-01" in out
    assert (
        "開催日時: 毎週火曜 10:00〜11:30 祝日休み（雨天でも開催） → 毎週火曜 10:00〜12:00 祝日休み（雨天でも開催）"
        in out
    )


def test_an_empty_cell_never_erases_a_value_an_earlier_import_wrote(musashino, tmp_path):
    _command(tmp_path, _sheet(連絡先電話番号="0422-31-1111", 段差なし="はい"), "--yes")
    _command(tmp_path, _sheet(連絡先電話番号="", 段差なし=""), "--yes")
    service = Service.objects.get(name="健康体操")
    assert service.contact_phone == "0422-31-1111"
    assert service.step_free is True


def test_a_schedule_that_states_the_holiday_rule_changes_it(exercise, tmp_path):
    _command(tmp_path, _sheet(開催日時="毎週火曜 10:00-11:30 祝日も開催"), "--yes")
    assert Schedule.objects.get(service=exercise).closed_on_holidays is False


def test_the_import_page_merges_only_what_the_file_gives_and_previews_each_change(exercise):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    response = client.post(
        "/exchange/import/", {"file": SimpleUploadedFile("市の一覧.xlsx", _sheet(**CITY_ROW))}
    )
    token = re.search(r"/exchange/import/([\w-]+)/", response["Location"]).group(1)
    preview = client.get(f"/exchange/import/{token}/").content.decode()
    assert "変わる項目" in preview
    assert "2025-04-01" in preview and "2026-10-01" in preview
    assert ImportBatch.objects.get(token=token).preview["sample"][0]["diff"]
    client.post(f"/exchange/import/{token}/commit/")
    _assert_merged_as_meant(exercise)


def test_the_preview_shows_what_merging_into_a_likely_duplicate_would_change(exercise):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    sheet = _sheet(名称="健康　体操", **CITY_ROW)
    response = client.post("/exchange/import/", {"file": SimpleUploadedFile("a.xlsx", sheet)})
    token = re.search(r"/exchange/import/([\w-]+)/", response["Location"]).group(1)
    batch = ImportBatch.objects.get(token=token)
    candidates = batch.preview["duplicates"][0]["candidates"]
    assert candidates[0]["service_id"] == exercise.pk
    fields = {change["field"] for change in candidates[0]["diff"]}
    assert "最終確認日" in fields and "名称" in fields
    preview = client.get(f"/exchange/import/{token}/").content.decode()
    assert "統合すると変わる項目" in preview
