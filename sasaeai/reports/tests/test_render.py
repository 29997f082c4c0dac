"""Every format renders the one layout of a figures object, and each says the same numbers:
PDF (embedded Japanese font, A4, page numbers, vector pie), Excel (one sheet per section,
numbers as numbers, a native pie chart), Word, CSV, and the web page's SVG."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from sasaeai.reports.document import Table, document_build, topic_text
from sasaeai.reports.render import chart, csvfile, docx, pdf, xlsx
from sasaeai.reports.tests.sample import sample_figures


@pytest.fixture(scope="module")
def figures():
    return sample_figures()


@pytest.fixture(scope="module")
def document(figures):
    return document_build(figures)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


class TestWording:
    def test_topics_with_counts_and_referrals(self, figures):
        rows = {row.code: row for row in figures.consultations.rows}
        assert topic_text(rows["activist"], "在宅介護支援センター等") == (
            "個別ケース(9件)(※うち6件は在宅介護支援センター等につないだ)、活動費(6件)"
        )
        assert topic_text(rows["elderly"], "在宅介護支援センター等").startswith(
            "介護保険・福祉施設(4件)、個別ケース(2件)(※2件とも在宅介護支援センター等につないだ)"
        )
        assert topic_text(rows["elderly"], "x").endswith("内容の記録なし(6件)")
        assert (
            topic_text(rows["other_body"], "x")
            == "大学、市民社協より: 地域活動(7件)、個別ケース(5件)"
        )

    def test_the_seed_forms(self, document):
        texts = [
            block.text
            for section in document.sections
            for block in section.blocks
            if block.kind == "para"
        ]
        assert "延べ9件(実4件)" in texts
        assert (
            "よりあい食堂(桜堤)、まきばサロン(西久保)、コグマサロン(全市)、手芸クラブ & <仲間>(桜堤)"
            in texts
        )
        assert "【参考】平成27年度上半期相談対応件数 合計95件" in texts
        assert "(来所及び電話42件：それ以外53件)" in texts
        assert "※1回500部発行(偶数月20日発行)（期間中3回、計1,500部）" in texts
        items = [
            i for s in document.sections for b in s.blocks if b.kind == "items" for i in b.items
        ]
        assert "平成27年7月30日(木)〜31日(金)生活支援コーディネーター指導者養成中央研修" in items
        assert "平成27年5月25日(月)在宅介護支援センター職員向け勉強会(34名出席)" in items
        assert "平成27年6月9日(火)東京都(2名)" in items
        assert "地域ケア会議(事前打ち合わせ、反省会を含む)への参加 11件" in items

    def test_sheet_names_are_unique_and_short(self, document):
        names = [s.sheet for s in document.sections]
        assert len(names) == len(set(names))
        assert all(len(n) <= 31 for n in names)


@pytest.fixture(scope="module")
def content(document):
    return pdf.render(document)


class TestPdf:
    def test_a4_portrait_with_page_numbers(self, content):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
        assert (round(width), round(height)) == (595, 842)
        pages = len(reader.pages)
        assert pages >= 2
        for number, page in enumerate(reader.pages, start=1):
            assert f"- {number} / {pages} -" in page.extract_text()
        assert reader.metadata.title == "武蔵野市生活支援コーディネーター平成27年度上半期活動報告"

    def test_the_japanese_font_is_embedded(self, content):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        fonts = set()
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    if "/FontFile2" in descriptor:
                        fonts.add(str(font["/BaseFont"]))
        assert any(name.endswith("+IPAexGothic") for name in fonts)

    def test_every_figure_extracts_as_text(self, content):
        text = re.sub(r"\s+", "", pdf_text(content))
        for expected in (
            "延べ9件(実4件)",
            "総時間約14時間(1件あたり平均約94分訪問)",
            "合計95件",
            "(来所及び電話42件：それ以外53件)",
            "個別ケース(9件)(※うち6件は在宅介護支援センター等につないだ)",
            "地域活動者50件（52.6%）",  # the pie's legend, drawn as vector text
            "平成27年4月28日(火)総合事業自治体フォーラム",
            "手芸クラブ&<仲間>(桜堤)",
        ):
            assert expected in text, expected

    def test_the_pie_is_drawn_as_vectors(self, content):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        images = sum(len(page.images) for page in reader.pages)
        assert images == 0  # no picture of a chart: paths and text only


@pytest.fixture(scope="module")
def workbook(document):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(xlsx.render(document)))


class TestExcel:
    def test_one_sheet_per_section(self, workbook, document):
        assert workbook.sheetnames == [s.sheet for s in document.sections]

    def test_numbers_are_numbers(self, workbook, figures):
        sheet = workbook["相談者別割合"]
        found = {}
        for row in sheet.iter_rows(values_only=True):
            if row and row[0] in {r.label for r in figures.consultations.rows} | {"合計"}:
                found[row[0]] = row[1:3]
        assert found["地域活動者"] == (50, 52.6)
        assert isinstance(found["合計"][0], int) and found["合計"][0] == 95
        visits = workbook["(1)訪問"]
        cells = [c for row in visits.iter_rows() for c in row if c.value == 300]
        assert cells and cells[0].data_type == "n"

    def test_dates_are_dates_shown_in_era_form(self, workbook):
        import datetime as dt

        sheet = workbook["(8)研修"]
        dates = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
        assert dates and "ggge" in dates[0].number_format

    def test_a_native_pie_chart_reads_the_table(self, workbook):
        from openpyxl.chart import PieChart

        sheet = workbook["相談者別割合"]
        charts = sheet._charts
        assert len(charts) == 1 and isinstance(charts[0], PieChart)
        reference = charts[0].series[0].val.numRef.f
        # Drawn from the 割合（%） column and labelled with its values: the table's shares.
        assert reference.startswith("'相談者別割合'!$C$")
        assert charts[0].series[0].dLbls.showVal and charts[0].series[0].dLbls.numFmt

    def test_pie_labels_carry_the_percent_sign_in_excel_and_libreoffice(self, document):
        import zipfile
        from xml.etree import ElementTree

        ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
        with zipfile.ZipFile(io.BytesIO(xlsx.render(document))) as archive:
            charts = [
                ElementTree.fromstring(archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/charts/chart")
            ]
        labels = [c.find(".//c:pieChart/c:ser/c:dLbls", ns) for c in charts]
        labels = [found for found in labels if found is not None]
        assert len(labels) == 1
        # The share column's value (the table's share) with 「%」, in a format not linked to
        # the cells' own: LibreOffice takes a format without sourceLinked="0" as the cells'
        # (0.0, no 「%」).
        number_format = labels[0].find("c:numFmt", ns)
        assert number_format.get("formatCode") == '0.0"%"'
        assert number_format.get("sourceLinked") == "0"
        assert labels[0].find("c:showVal", ns).get("val") == "1"
        assert labels[0].find("c:showPercent", ns).get("val") == "0"


class TestWord:
    def test_opens_with_the_text_a_picture_and_page_numbers(self, document):
        from docx import Document

        word = Document(io.BytesIO(docx.render(document)))
        text = "\n".join(p.text for p in word.paragraphs)
        assert "武蔵野市生活支援コーディネーター平成27年度上半期活動報告" in text
        assert "延べ9件(実4件)" in text
        cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
        assert "52.6" in cells and "50" in cells
        section = word.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert len(word.inline_shapes) == 1  # the pie
        footer = section.footer._element.xml
        assert "PAGE" in footer and "NUMPAGES" in footer
        east_asia = word.styles["Normal"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        assert east_asia == "游ゴシック"


class TestCsv:
    def test_every_figure_one_row(self, figures):
        content = csvfile.render(figures)
        assert content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0] == csvfile.HEADER
        index = {(r[2], r[3], r[4]): r[5] for r in rows[1:]}
        assert index[("(1)訪問", "延べ件数", "")] == "9"
        assert index[("相談", "相談者別", "地域活動者")] == "50"
        assert index[("相談", "相談者別の割合", "地域活動者")] == "52.6"
        assert index[("相談", "相談内容（地域活動者）", "個別ケース")] == "9"
        assert index[("(6)広報誌", "発行部数", "武蔵野安心・安全ニュース")] == "1500"
        assert index[("圏域別の比較", "訪問（延べ）", "境・桜堤エリア")] == "6"
        assert all(r[0] == "平成27年度上半期" and r[1] == "武蔵野市全体" for r in rows[1:])


class TestWebPage:
    def test_svg_pie_needs_no_style_or_script(self, figures):
        svg = chart.svg("《相談者別の割合》", [("高齢者", 13), ("地域活動者<b>", 50)])
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "style=" not in svg and "<script" not in svg
        assert "地域活動者&lt;b&gt;" in svg and "<b>" not in svg
        assert svg.count("<path") == 2
        whole = chart.svg("x", [("高齢者", 3), ("なし", 0)])
        assert "<circle" in whole and "100.0%" in whole

    def test_document_template_escapes_and_uses_no_inline_style(self, document):
        html = render_to_string("reports/_document.html", {"document": document})
        assert "style=" not in html and "<script" not in html
        assert "手芸クラブ &amp; &lt;仲間&gt;(桜堤)" in html
        assert '<td class="num">52.6</td>' in html
        assert html.count("<svg") == 1


def test_numeric_columns_include_signed_changes():
    table = Table(["項目", "増減"], [["訪問", "+3"], ["相談", "-2"], ["会議", "±0"]])
    assert table.numeric_columns == {1}
    assert Table(["a"], [[Decimal("1.5")]]).numeric_columns == {0}
