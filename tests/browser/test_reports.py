"""A tier-1 coordinator's half-year (issue 11's journey, issue 7's report): choose 平成27年度
上半期 for the whole city on the report screen, read the figures and the pie chart, save the
report as PDF, Excel, Word and CSV (each file checked by opening it), and see the page's print
layout. The demo's records are the seed's (sasaeai.reports.seed_demo)."""

import io
import re

from playwright.sync_api import expect

from .harness import (
    assert_no_horizontal_overflow,
    axe_check,
    check_text_200,
    desktop,
    login,
    phone,
    shot,
)

JOURNEY = "tier1-half-year"
TITLE = "武蔵野市生活支援コーディネーター平成27年度上半期活動報告"

# (link text, suggested file suffix, first bytes, smallest sensible size in bytes)
DOWNLOADS = [
    ("PDFで保存", ".pdf", b"%PDF-", 20_000),
    ("Excelで保存", ".xlsx", b"PK", 5_000),
    ("Wordで保存", ".docx", b"PK", 5_000),
    ("CSV（すべての数値）で保存", ".csv", "\ufeff期間".encode(), 2_000),
]


def _download(page, link_text: str):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text).click()
    download = info.value
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def test_tier1_makes_the_half_year_report(page):
    login(page, "tier1")
    desktop(page)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="報告書").click()
    page.wait_for_url("**/reports/")
    assert page.get_by_role("heading", level=1).inner_text() == "活動報告"
    # Inline help: how the figures are counted, open on the choosing screen.
    help_box = page.locator("details.report-help")
    assert help_box.get_attribute("open") is not None
    assert "表示するたびに数え直します" in help_box.inner_text()
    shot(page, JOURNEY, "choose")
    axe_check(page, label="報告書（選ぶ）")

    page.get_by_role("group", name="期間の種類").get_by_label("半期").check()
    page.get_by_label("年度（半期・年度のとき）").select_option("2015")
    page.locator("select[name=half]").select_option("first")
    page.get_by_label("範囲").select_option("municipality")
    with page.expect_navigation():
        page.get_by_role("button", name="報告書を表示").click()
    assert "fiscal_year=2015" in page.url and "half=first" in page.url

    # The figures, counted from the records.
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    report = page.locator("article.report")
    text = report.inner_text()
    for figure in (
        "延べ55件(実29件)",
        "総時間86時間(1件あたり平均約94分訪問)",
        "地域住民および関係団体等との話し合いへの参加 15件",
        "【参考】平成27年度上半期相談対応件数 合計95件",
        "(来所及び電話42件：それ以外53件)",
        "平成27年4月28日(火)総合事業自治体フォーラム",
        "要支援者をボランティア活動につなげた事例",
    ):
        assert figure in text, figure
    # The pie: an SVG image named for what it shows, with its legend.
    pie = report.locator("svg.report-pie[role=img]")
    assert pie.count() == 1 and pie.is_visible()
    legend = pie.inner_html()
    for label, count in (("高齢者", 13), ("地域活動者", 50), ("ケアマネジャー", 11)):
        assert f"{label} {count}件" in legend
    pie.scroll_into_view_if_needed()
    shot(page, JOURNEY, "report")
    axe_check(page, label="活動報告（市全体・平成27年度上半期）")

    # Help on the report screen too, closed until asked for.
    page.get_by_text("報告書の使い方").click()
    expect(page.locator("details.report-help")).to_have_attribute("open", "")
    shot(page, JOURNEY, "report-help", full_page=False)

    # Every download: its name, type, size, and that it opens.
    files = {}
    for link_text, suffix, magic, smallest in DOWNLOADS:
        name, content = _download(page, link_text)
        assert name.endswith(suffix) and "平成27年度上半期" in name, name
        assert content.startswith(magic), (link_text, content[:8])
        assert len(content) >= smallest, (link_text, len(content))
        files[suffix] = content

    from pypdf import PdfReader

    pdf_text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(files[".pdf"])).pages)
    )
    assert "延べ55件(実29件)" in pdf_text and "合計95件" in pdf_text

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(files[".xlsx"]))
    table = {
        row[0]: row[1]
        for row in workbook["相談者別割合"].iter_rows(values_only=True)
        if row and row[0]
    }
    # The workbook's numbers are the page's: the page's table row reads 地域活動者 50 52.6.
    assert table["地域活動者"] == 50 and table["合計"] == 95
    page_row = report.locator("table tr", has_text="地域活動者").first.inner_text()
    assert re.search(r"地域活動者\s+50\s+52\.6", page_row), page_row

    from docx import Document

    word = Document(io.BytesIO(files[".docx"]))
    assert TITLE in "\n".join(p.text for p in word.paragraphs)

    csv_text = files[".csv"].decode("utf-8-sig")
    assert ",相談者別,高齢者,13,件" in csv_text

    # The print layout: the toolbar and buttons step aside, the report stays.
    page.emulate_media(media="print")
    assert not page.locator(".report-toolbar").is_visible()
    assert report.is_visible() and pie.is_visible()
    shot(page, JOURNEY, "print-layout")
    page.emulate_media(media="screen")

    # On a phone the report reads without sideways scrolling (tables scroll in their box).
    phone(page)
    assert_no_horizontal_overflow(page)
    shot(page, JOURNEY, "report-phone", full_page=False)
    check_text_200(page, JOURNEY, "report-phone")
