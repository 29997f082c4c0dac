"""The organiser-filled Excel sheet: the template staff download (places pre-listed, a row per
place and month, instructions in Japanese, whole numbers from 0 validated), filled and uploaded
through the page (preview, then all or nothing) and through the CLI; problems name the sheet,
the row and the column, and use the form's own checks."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from sasaeai.accounts.models import User
from sasaeai.org.models import Town
from sasaeai.participation.models import ParticipationRecord
from sasaeai.participation.tests.factories import service_in

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def places(musashino):
    """Two salons: one in 境南町 (tier2-6's area), one in 吉祥寺東町."""
    kyonan = service_in(Town.objects.get(municipality=musashino, name="境南町"), name="境南サロン")
    kichijoji = service_in(
        Town.objects.get(municipality=musashino, name="吉祥寺東町"), name="東町いきいき体操"
    )
    return kyonan, kichijoji


def _months() -> tuple[dt.date, dt.date]:
    """The two months before this one (the template offers only months already begun)."""
    this = dt.date.today().replace(day=1)
    last = (this - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    return before, last


def _download(client: Client) -> bytes:
    before, last = _months()
    response = client.get(
        "/participation/import/", {"first": f"{before:%Y-%m}", "last": f"{last:%Y-%m}"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def _rows_by_place(sheet):
    """{(name, month label): row number} of the template's data rows."""
    header = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "ID")
    found = {}
    for row in range(header + 1, sheet.max_row + 1):
        found[(sheet.cell(row=row, column=2).value, sheet.cell(row=row, column=3).value)] = row
    return header, found


def _fill(content: bytes, fills: dict[tuple[str, int], list]) -> bytes:
    """Writes counts (開催回数, 実人数, 延べ, 65+, …) into the rows of (place name, month index)."""
    book = load_workbook(io.BytesIO(content))
    sheet = book["参加実績"]
    _, rows = _rows_by_place(sheet)
    months = [f"{m.year}年{m.month}月" for m in _months()]
    for (name, month_index), values in fills.items():
        row = rows[(name, months[month_index])]
        for offset, value in enumerate(values):
            sheet.cell(row=row, column=4 + offset, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client: Client, content: bytes):
    return client.post(
        "/participation/import/",
        {"file": SimpleUploadedFile("kayoinoba.xlsx", content, content_type=XLSX)},
    )


def test_template_lists_the_places_by_month_with_instructions_and_validation(places):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    book = load_workbook(io.BytesIO(_download(client)))
    sheet = book["参加実績"]
    header, rows = _rows_by_place(sheet)
    text = " ".join(str(sheet.cell(row=r, column=1).value or "") for r in range(1, header))
    assert "名前は書かないでください" in text and "実人数" in text
    assert [c.value for c in sheet[header]][:6] == [
        "ID",
        "通いの場",
        "月",
        "開催回数",
        "実人数",
        "延べ人数",
    ]
    before, last = _months()
    kyonan = places[0]
    assert (kyonan.name, f"{before.year}年{before.month}月") in rows
    row = rows[(kyonan.name, f"{last.year}年{last.month}月")]
    assert sheet.cell(row=row, column=1).value == kyonan.pk
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "whole" and validation.formula1 == "0"
    assert f"D{header + 1}" in str(validation.sqref)


def test_filled_sheet_previews_then_imports(places):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    filled = _fill(
        _download(client),
        {("境南サロン", 0): [4, 20, 62, 18, 5], ("東町いきいき体操", 1): [None, 12, 40, 12]},
    )
    upload = _upload(client, filled)
    assert upload.status_code == 302
    preview = client.get(upload["Location"])
    assert "2件の参加実績を取り込みます" in preview.content.decode()
    assert ParticipationRecord.objects.count() == 0  # nothing before the confirmation
    done = client.post(upload["Location"])
    assert done.status_code == 302
    kyonan = ParticipationRecord.objects.get(service=places[0])
    assert (kyonan.month, kyonan.sessions, kyonan.participants, kyonan.men) == (
        _months()[0],
        4,
        20,
        5,
    )
    assert kyonan.source == ParticipationRecord.Source.IMPORT
    assert ParticipationRecord.objects.get(service=places[1]).attendances == 40
    assert client.post(upload["Location"]).status_code == 404  # applied: gone


def test_one_bad_row_writes_nothing_and_names_sheet_row_and_column(places):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    content = _download(client)
    _, rows = _rows_by_place(load_workbook(io.BytesIO(content))["参加実績"])
    last = _months()[1]
    filled = _fill(
        content,
        {
            ("境南サロン", 0): [4, 20, 62, 18],
            ("境南サロン", 1): [4, "二十", 62, 18],  # not a number
            ("東町いきいき体操", 1): [4, 12, 40, 15],  # 65+ more than 実人数: the form's check
        },
    )
    upload = _upload(client, filled)
    page = client.get(upload["Location"]).content.decode()
    text_row = rows[("境南サロン", f"{last.year}年{last.month}月")]
    over_row = rows[("東町いきいき体操", f"{last.year}年{last.month}月")]
    assert (
        f"シート「参加実績」{text_row}行目「実人数」：数字（0以上の整数）で入力してください。"
        in page
    )
    assert f"シート「参加実績」{over_row}行目「うち65歳以上」：" in page
    assert "実人数（12人）を超えています" in page
    assert "2件の問題があるため取り込めません" in page
    assert client.post(upload["Location"]).status_code == 200  # refused, shown again
    assert ParticipationRecord.objects.count() == 0


def test_tier2_cannot_import_a_place_outside_its_areas(places):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    filled = _fill(_download(client), {("東町いきいき体操", 0): [4, 12, 40, 12]})
    tier2 = Client()
    tier2.force_login(User.objects.get(username="tier2-6"))
    upload = _upload(tier2, filled)
    page = tier2.get(upload["Location"]).content.decode()
    assert "権限がありません" in page and "「ID」" in page
    tier2.post(upload["Location"])
    assert ParticipationRecord.objects.count() == 0


def test_cli_imports_all_or_nothing(places, tmp_path):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    content = _download(client)
    good = tmp_path / "good.xlsx"
    good.write_bytes(_fill(content, {("境南サロン", 1): [4, 20, 62, 18]}))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        _fill(
            content, {("境南サロン", 0): [4, 20, 62, 18], ("東町いきいき体操", 0): [4, 12, -3, 5]}
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="何も取り込みませんでした"):
        call_command(
            "import-participation", str(bad), user="tier1", stdout=io.StringIO(), stderr=err
        )
    assert "「延べ人数」：数字（0以上の整数）で入力してください" in err.getvalue()
    assert ParticipationRecord.objects.count() == 0
    with pytest.raises(CommandError, match="市区町村コード"):
        call_command(
            "import-participation",
            str(good),
            user="tier1",
            municipality="999999",
            stdout=io.StringIO(),
        )
    out = io.StringIO()
    code = User.objects.get(username="tier1").municipality.code
    call_command("import-participation", str(good), user="tier1", municipality=code, stdout=out)
    assert "参加実績1件" in out.getvalue()
    assert ParticipationRecord.objects.get().participants == 20
