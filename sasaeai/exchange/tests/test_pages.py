"""The import pages as a coordinator uses them: upload → mapping → preview → confirm →
summary, with a CP932 CSV and an Excel sheet with merged headers; the template and the exports."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.models import ColumnMapping, ImportBatch
from sasaeai.exchange.tests.helpers import csv_bytes, template_row, xlsx_bytes
from sasaeai.resources.models import Service


@pytest.fixture
def client(musashino):
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    return client


def _upload(client, content: bytes, name: str):
    return client.post("/exchange/import/", {"file": SimpleUploadedFile(name, content)})


def _token(response) -> str:
    return re.search(r"/exchange/import/([\w-]+)/", response["Location"]).group(1)


def _text(response) -> str:
    return response.content.decode()


CP932_ROWS = [
    ["サロン名", "所在町", "開催曜日・時間", "参加費"],
    ["ふれあいサロン桜堤", "桜堤", "第2・4水曜 13:30-15:30", "１００円"],
    ["健康麻雀の会", "境南町", "毎週火曜10時〜12時", "無料"],
]


def _map_cp932(client, token):
    return client.post(
        f"/exchange/import/{token}/mapping/",
        {"h0": "name", "h1": "town", "h2": "schedule", "h3": "fee"},
    )


def test_a_cp932_csv_goes_through_mapping_preview_and_commit_and_the_mapping_is_remembered(
    client,
):
    response = _upload(client, csv_bytes(CP932_ROWS, encoding="cp932"), "台帳.csv")
    assert response.status_code == 302 and "/mapping/" in response["Location"]
    token = _token(response)
    page = _text(client.get(f"/exchange/import/{token}/mapping/"))
    assert "所在町" in page and "開催曜日・時間" in page  # the file's headers, decoded from CP932
    assert "ふれあいサロン桜堤" in page  # sample values
    # A mapping without 名称 is refused with a Japanese message, and nothing is remembered.
    refused = client.post(f"/exchange/import/{token}/mapping/", {"h1": "town"})
    assert refused.status_code == 400
    assert "「名称」に対応する見出しがありません" in _text(refused)
    assert not ColumnMapping.objects.exists()

    response = _map_cp932(client, token)
    assert response["Location"] == f"/exchange/import/{token}/"
    preview = _text(client.get(response["Location"]))
    assert re.search(r'data-count="create">2件', preview)
    assert Service.objects.count() == 0  # the preview writes nothing

    done = client.post(f"/exchange/import/{token}/commit/")
    assert done["Location"] == f"/exchange/import/{token}/done/"
    summary = _text(client.get(done["Location"]))
    assert re.search(r'data-count="created">2件', summary)
    salon = Service.objects.get(name="ふれあいサロン桜堤")
    assert salon.town.name == "桜堤" and salon.fee_amount == 100
    assert [s.byday for s in salon.schedules.all()] == ["2WE,4WE"]
    assert AuditEvent.objects.filter(action="import").count() == 1

    # Next year's file with the same headers skips the mapping step, and re-importing the same
    # rows changes nothing.
    again = _upload(client, csv_bytes(CP932_ROWS, encoding="cp932"), "台帳2.csv")
    assert "/mapping/" not in again["Location"]
    preview = _text(client.get(again["Location"]))
    assert re.search(r'data-count="unchanged">2件', preview)
    assert re.search(r'data-count="create">0件', preview)
    client.post(f"/exchange/import/{_token(again)}/commit/")
    assert Service.objects.count() == 2


def _merged_header_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "資源一覧"
    sheet.append(["名称", "所在地", None, "開催日時", "最終確認日"])
    sheet.append([None, "町", "住所", None, None])
    sheet.merge_cells("B1:C1")
    for column in ("A", "D", "E"):
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(
        ["いきいき体操", "桜堤", "桜堤１－２－３", "毎週月曜 10:00〜11:00", "令和7年4月1日"]
    )
    sheet.append(
        ["まきばサロン", "西久保", "西久保２丁目", "第1・第3土曜日 午後1時半〜3時", "R7.4.1"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_sheet_with_merged_headers_is_mapped_and_imported(client):
    response = _upload(client, _merged_header_xlsx(), "資源.xlsx")
    token = _token(response)
    batch = ImportBatch.objects.get(token=token)
    assert batch.headers == ["名称", "所在地町", "所在地住所", "開催日時", "最終確認日"]
    if batch.status == ImportBatch.Status.MAPPING:
        response = client.post(
            f"/exchange/import/{token}/mapping/",
            {"h0": "name", "h1": "town", "h2": "address", "h3": "schedule", "h4": "confirmed_at"},
        )
    assert response["Location"] == f"/exchange/import/{token}/"
    client.post(f"/exchange/import/{token}/commit/")
    makiba = Service.objects.get(name="まきばサロン")
    assert makiba.town.name == "西久保"
    assert str(makiba.confirmed_at) == "2025-04-01"
    assert [s.byday for s in makiba.schedules.all()] == ["1SA,3SA"]


def _template_file(*rows) -> bytes:
    return xlsx_bytes([TEMPLATE_HEADERS, *rows])


def test_errors_are_shown_by_row_and_column_in_japanese_and_nothing_is_written(client):
    content = _template_file(
        template_row(名称="ふれあいサロン", 町="桜堤"),
        template_row(名称="どこかのサロン", 町="存在しない町"),
        template_row(名称="日付の誤り", 町="桜堤", 最終確認日="令和7年13月1日"),
    )
    token = _token(_upload(client, content, "誤りあり.xlsx"))
    preview = _text(client.get(f"/exchange/import/{token}/"))
    # Only a row without a place is an error; a wrong date in an optional column is left out
    # of the row with a warning (the row still comes in).
    assert re.search(r'data-count="error"[^>]*>1件', preview)
    problems = preview[preview.index('id="import-problems"') :]
    assert "3行目" in problems and "町" in problems and "存在しない町" in problems
    assert "4行目" in problems and "最終確認日" in problems

    refused = client.post(f"/exchange/import/{token}/commit/")
    assert refused.status_code == 409
    assert "エラーのある行が1行あるため、何も取り込んでいません" in _text(refused)
    assert Service.objects.count() == 0

    client.post(f"/exchange/import/{token}/commit/", {"only_valid": "1"})
    assert sorted(Service.objects.values_list("name", flat=True)) == [
        "ふれあいサロン",
        "日付の誤り",
    ]
    assert Service.objects.get(name="日付の誤り").confirmed_at is None


def test_a_bad_file_is_refused_on_the_upload_page_with_a_japanese_message(client):
    empty = _upload(client, b"", "empty.csv")
    assert empty.status_code == 400
    assert "ファイルが空です" in _text(empty)
    headers_only = _upload(client, csv_bytes([TEMPLATE_HEADERS]), "headers.csv")
    assert headers_only.status_code == 400
    assert "見出しの行しかありません" in _text(headers_only)
    not_hsds = _upload(client, json.dumps({"hello": "world"}).encode(), "x.json")
    assert "HSDS" in _text(not_hsds)
    assert not ImportBatch.objects.exists()
    assert Service.objects.count() == 0


def test_a_likely_duplicate_is_offered_for_merge_and_merged(client):
    first = _template_file(template_row(名称="ふれあいサロン桜堤", 町="桜堤", 参加費="無料"))
    client.post(f"/exchange/import/{_token(_upload(client, first, 'a.xlsx'))}/commit/")
    existing = Service.objects.get()
    similar = _template_file(
        template_row(名称="ふれあいサロン　桜堤", 町="桜堤", 参加費="100円"),
    )
    token = _token(_upload(client, similar, "b.xlsx"))
    preview = _text(client.get(f"/exchange/import/{token}/"))
    assert "重複していそうな行" in preview
    assert f'value="merge:{existing.pk}"' in preview
    batch = ImportBatch.objects.get(token=token)
    index = batch.preview["duplicates"][0]["index"]
    client.post(f"/exchange/import/{token}/commit/", {f"dup-{index}": f"merge:{existing.pk}"})
    assert Service.objects.count() == 1
    existing.refresh_from_db()
    assert existing.fee_amount == 100


def test_a_batch_is_only_reached_by_its_uploader(client, musashino):
    token = _token(_upload(client, _template_file(template_row(名称="サロン")), "a.xlsx"))
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    assert admin.get(f"/exchange/import/{token}/").status_code == 404
    assert admin.post(f"/exchange/import/{token}/commit/").status_code == 404
    tier2 = Client()
    tier2.force_login(User.objects.get(username="tier2-1"))
    assert tier2.get("/exchange/import/").status_code == 403


def test_the_template_downloads_with_explanation_and_drop_downs_and_imports_back(client):
    response = client.get("/exchange/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"社会資源", "説明"} <= set(workbook.sheetnames)
    sheet = workbook["社会資源"]
    assert [c.value for c in sheet[1]][: len(TEMPLATE_HEADERS)] == TEMPLATE_HEADERS
    assert sheet.data_validations.dataValidation  # drop-down lists
    # Filled in and uploaded, it imports without the mapping step.
    headers = [c.value for c in sheet[1]]
    sheet.append(["" if h != "名称" else "テンプレートのサロン" for h in headers])
    sheet.cell(row=2, column=headers.index("町") + 1, value="桜堤")
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = _upload(client, buffer.getvalue(), "template.xlsx")
    assert "/mapping/" not in upload["Location"]
    client.post(f"/exchange/import/{_token(upload)}/commit/")
    assert Service.objects.filter(name="テンプレートのサロン", town__name="桜堤").exists()


def test_exports_download_with_japanese_headers(client):
    content = _template_file(
        template_row(名称="公開のサロン", 町="桜堤", 公開="はい", 掲載の同意="はい"),
        template_row(名称="内部のサロン", 町="桜堤", 職員メモ="内部のメモ"),
    )
    client.post(f"/exchange/import/{_token(_upload(client, content, 'a.xlsx'))}/commit/")
    page = _text(client.get("/exchange/export/?q=サロン"))
    assert 'id="export-count">2件' in page
    csv_text = client.get("/exchange/export/resources.csv?q=公開").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("外部ID,名称")
    assert "公開のサロン" in csv_text and "内部のサロン" not in csv_text
    xlsx = client.get("/exchange/export/resources.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 3
    open_data = client.get("/exchange/export/public-facilities.csv").content.decode("utf-8-sig")
    assert "全国地方公共団体コード" in open_data.splitlines()[0]
    assert "公開のサロン" in open_data and "内部のサロン" not in open_data
    assert "内部のメモ" not in open_data
    hsds = json.loads(client.get("/exchange/export/hsds-services.json").content)
    assert [s["name"] for s in hsds] == ["公開のサロン"]
    assert AuditEvent.objects.filter(action="export").count() == 4
