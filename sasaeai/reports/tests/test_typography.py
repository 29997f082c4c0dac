"""Typography and accessibility of the report files (issue 22): no PDF line starts with a
character Japanese never starts a line with (行頭禁則), shares that add up and are the same in
the table and the pie, the PDF's title, language and reading order, Word's column grid."""

import io
import random

from pypdf import PdfReader

from sasaeai.reports.document import Document, Items, Para, Pie, Section, Table
from sasaeai.reports.figures import shares
from sasaeai.reports.render import chart, docx, pdf

WORDS = ["相談", "訪問", "地域包括支援センター", "（ケアマネジャー）", "「つどいの場」", "サロン"]


def _lines(content: bytes) -> list[str]:
    return [
        line
        for page in PdfReader(io.BytesIO(content)).pages
        for line in page.extract_text().split("\n")
        if line
    ]


def test_no_pdf_line_starts_with_a_character_that_may_not_start_a_line():
    chooser = random.Random(22)
    paragraphs = [
        Para(
            "".join(
                chooser.choice(WORDS) + chooser.choice(["、", "。", "", "・", "）、"])
                for _ in range(chooser.randint(20, 60))
            )
        )
        for _ in range(200)
    ]
    cells = [[p.text[:80], 1] for p in paragraphs[:30]]
    document = Document(
        "禁則の確認",
        ["範囲: 市全域"],
        [
            Section(
                "x", "確認", "確認", [*paragraphs, Table(["内容", "件数"], cells, widths=[6, 1])]
            )
        ],
    )
    lines = _lines(pdf.render(document))
    assert len(lines) > 400
    bad = [line[:12] for line in lines if line[0] in pdf.KINSOKU_NOT_AT_LINE_START]
    assert bad == []


def test_shares_add_up_to_100_and_the_pie_prints_the_tables():
    counts = [1, 1, 1]
    assert [str(s) for s in shares(counts)] == ["33.4", "33.3", "33.3"]
    assert sum(shares([13, 50, 11, 15, 6])) == 100
    data = [
        ("高齢者", 13),
        ("地域活動者", 50),
        ("ケアマネジャー", 11),
        ("福祉施設", 9),
        ("その他", 12),
    ]
    assert [s.share for s in chart.slices(data)] == shares([v for _, v in data])


def test_pie_labels_never_overlap():
    """A label is written inside its slice only where the arc holds it; two drawn labels are
    then at least a label's width apart (their centres' distance measured here)."""
    import math

    data = [(f"区分{i}", n) for i, n in enumerate([40, 3, 2, 2, 30, 1, 1, 25, 4, 4])]
    parts = chart.slices(data)
    r = 110
    drawn = [s for s in parts if chart.label_fits(s, r, 14)]
    assert 0 < len(drawn) < len(parts)
    points = [
        (
            r * chart.LABEL_RADIUS * math.sin(math.radians(s.middle)),
            r * chart.LABEL_RADIUS * math.cos(math.radians(s.middle)),
        )
        for s in drawn
    ]
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            distance = math.dist(points[i], points[j])
            assert distance >= len(f"{drawn[i].share}%") * 14 * 0.6, (drawn[i], drawn[j])


def test_the_pdf_has_its_title_and_language_and_reads_in_order():
    document = Document(
        "武蔵野市生活支援コーディネーター平成27年度上半期活動報告",
        ["範囲: 市全域", "期間: 平成27年4月1日〜平成27年9月30日"],
        [
            Section("a", "最初の項目", "a", [Para("一つ目の段落です。"), Items(["箇条書き"])]),
            Section("b", "次の項目", "b", [Table(["項目", "件数"], [["訪問", 55]])]),
        ],
    )
    content = pdf.render(document)
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == document.title
    assert reader.trailer["/Root"]["/Lang"] == "ja-JP"
    text = "".join(line for line in _lines(content))
    order = [document.title, "最初の項目", "一つ目の段落です。", "箇条書き", "次の項目", "訪問55"]
    positions = [text.replace(" ", "").find(part.replace(" ", "")) for part in order]
    assert -1 not in positions and positions == sorted(positions)


def test_the_word_tables_column_grid_matches_its_cells():
    from docx import Document as WordDocument
    from docx.oxml.ns import qn

    document = Document(
        "確認",
        [],
        [
            Section(
                "a",
                "表",
                "a",
                [Table(["名称", "町", "件数"], [["サロン", "桜堤", 3]], widths=[5, 2, 1])],
            )
        ],
    )
    word = WordDocument(io.BytesIO(docx.render(document)))
    table = word.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    cells = [c.width.twips for c in table.rows[0].cells]
    assert grid == cells and grid[0] > grid[1] > grid[2]
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_the_pie_block_is_unchanged_by_the_shares():
    pie = Pie("《相談者別の割合》", [("高齢者", 1), ("地域活動者", 2)])
    assert pie.total == 3


def test_the_title_never_breaks_inside_a_date():
    title = "東京都西多摩郡日の出町生活支援コーディネーター平成27年4月1日〜平成27年6月15日活動報告"
    document = Document(title, ["期間: 平成27年4月1日〜平成27年6月15日"], [])
    lines = _lines(pdf.render(document))
    title_lines = [line for line in lines if "活動報告" in line or "コーディネーター" in line]
    assert len(title_lines) >= 2  # it wraps
    for line in title_lines:
        assert not line.rstrip().endswith(("平成", "平成27年", "4月", "6月"))
    assert any("平成27年4月1日" in line for line in lines)
    assert any("平成27年6月15日" in line for line in lines)
