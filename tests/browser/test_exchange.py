"""An administrator's start (issue 11): the municipality's own resource sheet, with a merged
header and a column the importer does not know, imported through the pages — upload, column
mapping, preview with a row error explained, "only the valid rows", summary. Every step is
photographed and checked with axe."""

import io

from openpyxl import Workbook
from playwright.sync_api import expect

from sasaeai.resources.models import Service

from .harness import axe_check, login, menu_link, shot

JOURNEY = "admin-import"


def _sheet(path) -> str:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "資源一覧"
    sheet.append(["サロン名", "所在地", None, "開催日時", "活動のメモ"])
    sheet.append([None, "所在町", "住所", None, None])
    sheet.merge_cells("B1:C1")
    for column in ("A", "D", "E"):
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(
        ["ひまわり体操クラブ", "桜堤", "桜堤１－２－３", "毎週月曜 10:00〜11:00", "椅子体操"]
    )
    sheet.append(["ことぶき囲碁の会", "境南町", "境南町2-3", "第2・4水曜 13:30-15:30", ""])
    sheet.append(["どこかのサロン", "存在しない町", "", "月2回(不定期)", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    target = path / "武蔵野市_社会資源台帳.xlsx"
    target.write_bytes(buffer.getvalue())
    return str(target)


def test_administrator_imports_the_resource_sheet(page, tmp_path):
    before = Service.objects.count()
    login(page, "admin")
    menu_link(page, "データ取込・出力").click()
    page.wait_for_url("**/exchange/import/")
    assert page.get_by_role("heading", name="取り込みの流れ").is_visible()
    assert page.get_by_role(
        "link", name="取り込み用テンプレート（Excel）をダウンロード"
    ).is_visible()
    shot(page, JOURNEY, "1-upload")
    axe_check(page, label="取り込み: ファイルを選ぶ")

    page.get_by_label("取り込むファイル").set_input_files(_sheet(tmp_path))
    with page.expect_navigation():
        page.get_by_role("button", name="読み込んで確認する").click()
    page.wait_for_url("**/mapping/")
    assert page.get_by_role("heading", name="見出しの対応づけ").is_visible()
    shot(page, JOURNEY, "2-mapping")
    axe_check(page, label="取り込み: 見出しの対応づけ")
    page.get_by_label("所在地所在町").select_option(label="町")
    page.get_by_label("所在地住所").select_option(label="住所")
    page.get_by_label("活動のメモ").select_option(label="内容")
    shot(page, JOURNEY, "2-mapping-chosen")
    with page.expect_navigation():
        page.get_by_role("button", name="この対応で確認画面へ進む").click()

    assert page.get_by_role("heading", name="取り込み内容の確認").is_visible()
    counts = page.locator("#import-counts").inner_text()
    assert "新規登録\n2件" in counts or "新規登録2件" in counts.replace("\n", "")
    problems = page.get_by_role("table", name="行・列ごとの問題").inner_text()
    assert "5行目" in problems and "存在しない町" in problems
    assert Service.objects.count() == before, "the preview writes nothing"
    shot(page, JOURNEY, "3-preview")
    axe_check(page, label="取り込み: 内容の確認")

    # Confirming with an error row writes nothing and says why.
    with page.expect_navigation():
        page.get_by_role("button", name="取り込む").click()
    assert "何も取り込んでいません" in page.get_by_role("alert").first.inner_text()
    assert Service.objects.count() == before
    shot(page, JOURNEY, "4-refused")
    axe_check(page, label="取り込み: エラーで取り込まず")

    page.get_by_label("エラーのない行だけ取り込む").check()
    with page.expect_navigation():
        page.get_by_role("button", name="取り込む").click()
    page.wait_for_url("**/done/")
    assert page.get_by_role("heading", name="取り込み結果").is_visible()
    assert "2件" in page.locator("[data-count=created]").inner_text()
    shot(page, JOURNEY, "5-summary")
    axe_check(page, label="取り込み: 結果")
    assert Service.objects.count() == before + 2
    with page.expect_navigation():
        page.get_by_role("link", name="ひまわり体操クラブ").click()
    expect(page.get_by_role("heading", name="ひまわり体操クラブ")).to_be_visible()
    shot(page, JOURNEY, "6-record")
