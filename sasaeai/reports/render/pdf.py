"""The report as a PDF: A4 portrait, IPAex Gothic embedded (so that any viewer shows the
Japanese), page numbers, tables that repeat their header across pages, the pie drawn as
vectors with ReportLab's graphics."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from django.utils.html import escape
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie as RLPie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import (
    Table as RLTable,
)

from sasaeai.core.eras import era_date

from ..document import Bars, Document, Items, Para, Photo, Pie, Section, Table
from . import chart

# 行頭禁則: characters a Japanese line never starts with. ReportLab's CJK wrapping
# (wordWrap="CJK") hangs such a character at the end of the line above (ぶら下げ), but its list
# lacks the full-width comma, colon, semicolon, marks and some closing brackets; they are added
# to the module's list here (ReportLab reads it at every wrap).
KINSOKU_NOT_AT_LINE_START = "、。，．・：；？！゛゜ヽヾゝゞ々ー）］｝〕〉》」』】〙〗〟’”％ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"


# ReportLab's two CJK line splitters (textsplit.dumbSplit for a paragraph of one style,
# paragraph.cjkFragSplit for mixed styles) hang one character that may not start a line at
# the end of the line above (ぶら下げ) and then break: a second such character (「）、」)
# started the next line. Each is rebuilt from its own source with 追い出し added: while the
# next line would start with such a character, characters move down from this line.
_SPLITTERS = {
    "dumbSplit": (
        """            if c not in ALL_CANNOT_START and i>lineStartPos+1:
                #otherwise we need to push the character back
                #the i>lineStart+1 condition ensures progress
                i -= 1
                extraSpace += w
""",
        """            while i<len(word) and word[i] in ALL_CANNOT_START and i>lineStartPos+2:
                i -= 1
                extraSpace += widths[i]
""",
    ),
    "cjkFragSplit": (
        """                if u not in ALL_CANNOT_START and i>lineStartPos+1:
                    #otherwise we need to push the character back
                    #the i>lineStart+1 condition ensures progress
                    i -= 1
                    extraSpace += w
""",
        """                while i<nU and U[i] in ALL_CANNOT_START and i>lineStartPos+2:
                    i -= 1
                    if not hasattr(U[i].width,'normalizedValue'):
                        extraSpace += U[i].width
""",
    ),
}


def _kinsoku() -> None:
    """Extends ReportLab's list of characters that may not start a line (read at every wrap)
    and adds 追い出し to its splitters; tests/test_typography.py reads every line of a
    rendered PDF to check."""
    import inspect
    import textwrap

    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        missing = "".join(c for c in KINSOKU_NOT_AT_LINE_START if c not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing
    for module, name in ((textsplit, "dumbSplit"), (paragraph, "cjkFragSplit")):
        function = getattr(module, name)
        if getattr(function, "_kinsoku", False):
            continue
        hang, push_out = _SPLITTERS[name]
        source = textwrap.dedent(inspect.getsource(function))
        if hang not in source:
            continue  # another ReportLab: the typography test will say so
        namespace: dict = {}
        code = compile(source.replace(hang, hang + push_out), module.__file__, "exec")
        exec(code, module.__dict__, namespace)  # ReportLab's own source, one loop added
        namespace[name]._kinsoku = True
        setattr(module, name, namespace[name])


_kinsoku()

FONT = "IPAexGothic"
TEXT = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#0017C1")
HEAD_BG = colors.HexColor("#E8F1FE")
GRID = colors.HexColor("#8C8C8C")
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
FRAME_W = PAGE_W - 2 * MARGIN


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(chart.font_path())))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=14, textColor=TEXT, wordWrap="CJK"
    )
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=15, leading=22, alignment=TA_CENTER, spaceAfter=4
        ),
        "line": ParagraphStyle(
            "line", parent=base, fontSize=9, leading=13, alignment=TA_CENTER, textColor=MUTED
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=12,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            textColor=colors.HexColor("#00118F"),
            keepWithNext=1,
            borderPadding=(0, 0, 2, 0),
        ),
        "body": ParagraphStyle("body2", parent=base, spaceAfter=3),
        "figure": ParagraphStyle("figure", parent=base, fontSize=11, leading=17, spaceAfter=3),
        "label": ParagraphStyle("label", parent=base, spaceBefore=4, spaceAfter=1, keepWithNext=1),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8.5, leading=13, textColor=MUTED, spaceAfter=3
        ),
        "alert": ParagraphStyle(
            "alert",
            parent=base,
            fontSize=9,
            leading=13.5,
            textColor=colors.HexColor("#B3261E"),
            borderColor=colors.HexColor("#B3261E"),
            borderWidth=0.6,
            borderPadding=3,
            spaceBefore=4,
            spaceAfter=6,
        ),
        "item": ParagraphStyle(
            "item", parent=base, leftIndent=11, firstLineIndent=-11, spaceAfter=1
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=CELL_SIZE, leading=CELL_LEADING),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontSize=8, leading=11.5),
        "cell_num": ParagraphStyle(
            "cell_num", parent=base, fontSize=8.5, leading=12.5, alignment=2
        ),
        "caption": ParagraphStyle(
            "caption", parent=base, fontSize=8.5, leading=12, textColor=MUTED, spaceBefore=4
        ),
        "photo_caption": ParagraphStyle(
            "photo_caption",
            parent=base,
            fontSize=9,
            leading=13,
            alignment=TA_CENTER,
            spaceBefore=2,
            spaceAfter=6,
        ),
    }


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return era_date(value)
    if isinstance(value, Decimal):
        return f"{value}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # 5,160
    return str(value)


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


AREA_SUFFIX = "エリア"
CELL_SIZE = 8.5
CELL_LEADING = 12.5
CELL_PADDING = 4


def _header_text(value: str) -> str:
    """A column head; an area's name breaks where a reader would (「吉祥寺北・／本町エリア」,
    「中央／エリア」), not wherever the column ends (「吉祥寺北・本／町エリア」)."""
    if value.endswith(AREA_SUFFIX) and len(value) > len(AREA_SUFFIX) + 1:
        if "・" in value:
            first, rest = value.split("・", 1)
            return _text(first + "・") + "<br/>" + _text(rest)
        return _text(value.removesuffix(AREA_SUFFIX)) + "<br/>" + AREA_SUFFIX
    return _text(value)


def _table(block: Table, st: dict[str, ParagraphStyle]) -> list:
    numeric = block.numeric_columns
    weights = block.widths or [1] * len(block.columns)
    total = sum(weights)
    widths = [FRAME_W * w / total for w in weights]
    room = [w - 2 * CELL_PADDING - 1 for w in widths]
    header = [Paragraph(_header_text(c), st["cell_head"]) for c in block.columns]
    rows: list[list] = [header]
    for row in block.rows:
        cells: list = []
        for i, value in enumerate(row):
            text = cell_text(value)
            if "\n" not in text and pdfmetrics.stringWidth(text, FONT, CELL_SIZE) <= room[i]:
                cells.append(text)  # one line: drawn as is (a Paragraph per cell is slow)
            else:
                cells.append(Paragraph(_text(text), st["cell_num"] if i in numeric else st["cell"]))
        rows.append(cells)
    table = RLTable(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 1), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 1), (-1, -1), CELL_LEADING),
        ("TEXTCOLOR", (0, 1), (-1, -1), TEXT),
        *[("ALIGN", (i, 1), (i, -1), "RIGHT") for i in sorted(numeric)],
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if block.total_row:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")))
    table.setStyle(TableStyle(style))
    caption = [Paragraph(_text(block.caption), st["caption"])] if block.caption else []
    long_cells = any(len(cell_text(v)) > 120 for row in block.rows for v in row)
    if len(rows) <= 16 and not long_cells:
        return [KeepTogether([*caption, table]), Spacer(1, 4)]
    # A long table breaks across pages (its header repeats); keep its caption with its start.
    return [CondPageBreak(45 * mm), *caption, table, Spacer(1, 4)]


def pie_drawing(block: Pie, width: float = FRAME_W) -> Drawing:
    parts = chart.slices(block.slices)
    height = max(62 * mm, (len(parts) * 7 + 16) * mm / 1.6)
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, block.title, fontName=FONT, fontSize=10, fillColor=TEXT))
    pie = RLPie()
    size = min(height - 22, 52 * mm)
    pie.x, pie.y = 8, (height - 16 - size) / 2
    pie.width = pie.height = size
    pie.data = [s.value for s in parts]
    pie.startAngle = 90
    pie.direction = "clockwise"
    pie.labels = [f"{s.share}%" if chart.label_fits(s, size / 2, 8.5) else "" for s in parts]
    pie.simpleLabels = 1
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 1.2
    pie.slices.fontName = FONT
    pie.slices.fontSize = 8.5
    pie.slices.labelRadius = chart.LABEL_RADIUS
    for index, s in enumerate(parts):
        pie.slices[index].fillColor = colors.HexColor(s.colour)
        pie.slices[index].fontColor = colors.HexColor(chart.text_colour(s.colour))
    drawing.add(pie)
    legend = Legend()
    legend.x = pie.x + size + 18 * mm
    legend.y = height - 22
    legend.fontName = FONT
    legend.fontSize = 9
    legend.dx = legend.dy = 9
    legend.deltay = 15
    legend.alignment = "right"
    legend.columnMaximum = 12
    legend.strokeColor = colors.HexColor("#333333")
    legend.strokeWidth = 0.5
    legend.colorNamePairs = [
        (colors.HexColor(s.colour), f"{s.label} {s.value}件（{s.share}%）") for s in parts
    ]
    drawing.add(legend)
    return drawing


def bars_drawing(block: Bars, width: float = FRAME_W) -> Drawing:
    """The monthly counts as grouped vector bars, with a value axis and a legend."""
    height = 62 * mm
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, block.title, fontName=FONT, fontSize=10, fillColor=TEXT))
    bars = VerticalBarChart()
    bars.x, bars.y = 30, 18
    bars.width, bars.height = width - 40, height - 52
    bars.data = [values for _, values in block.series]
    bars.categoryAxis.categoryNames = block.categories
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 7.5
    top, step = chart.nice_top(block.largest)
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = top
    bars.valueAxis.valueStep = step
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 7.5
    bars.valueAxis.labelTextFormat = lambda v: f"{int(v):,}"
    bars.valueAxis.visibleGrid = 1
    bars.valueAxis.gridStrokeColor = colors.HexColor("#CCCCCC")
    bars.groupSpacing = 4
    for index in range(len(block.series)):
        bars.bars[index].fillColor = colors.HexColor(chart.colour(index))
        bars.bars[index].strokeColor = None
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y = width * 0.35, height - 6
    legend.fontName = FONT
    legend.fontSize = 8.5
    legend.dx = legend.dy = 8
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor(chart.colour(i)), name) for i, (name, _) in enumerate(block.series)
    ]
    drawing.add(legend)
    return drawing


PHOTO_MAX_W = 120 * mm
PHOTO_MAX_H = 80 * mm


def photo_size(block: Photo, max_w: float, max_h: float) -> tuple[float, float]:
    """The photo scaled to fit the box, keeping its proportions."""
    scale = min(max_w / block.width, max_h / block.height)
    return block.width * scale, block.height * scale


def _photo(block: Photo, st: dict[str, ParagraphStyle]) -> list:
    width, height = photo_size(block, PHOTO_MAX_W, PHOTO_MAX_H)
    image = Image(io.BytesIO(block.data), width=width, height=height)
    image.hAlign = "CENTER"
    return [
        KeepTogether([Spacer(1, 4), image, Paragraph(_text(block.caption), st["photo_caption"])])
    ]


def _section(section: Section, st: dict[str, ParagraphStyle]) -> list:
    heading = f"{section.number} {section.title}" if section.number else section.title
    flow: list = []
    for block in section.blocks:
        if isinstance(block, Para):
            flow.append(Paragraph(_text(block.text), st.get(block.style, st["body"])))
        elif isinstance(block, Items):
            flow.extend(Paragraph(_text(f"・{item}"), st["item"]) for item in block.items)
            flow.append(Spacer(1, 3))
        elif isinstance(block, Table) and not block.detail:
            flow.extend(_table(block, st))
        elif isinstance(block, Pie):
            flow.append(KeepTogether([Spacer(1, 4), pie_drawing(block), Spacer(1, 4)]))
        elif isinstance(block, Bars):
            flow.append(KeepTogether([Spacer(1, 4), bars_drawing(block), Spacer(1, 4)]))
        elif isinstance(block, Photo):
            flow.extend(_photo(block, st))
    head = Paragraph(_text(heading), st["h2"])
    # Keep each heading with what follows it (without nesting KeepTogether, which ReportLab
    # answers with a page break).
    first = flow[:1]
    if first and isinstance(first[0], KeepTogether):
        first = list(first[0]._content)
    return [CondPageBreak(30 * mm), KeepTogether([head, *first]), *flow[1:]]


class _NumberedCanvas(rl_canvas.Canvas):
    """Writes 「n / N ページ」 in the footer once the number of pages is known."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._footer = footer

    def showPage(self):
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        count = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._draw_footer(count)
            super().showPage()
        super().save()

    def _draw_footer(self, count: int) -> None:
        self.saveState()
        self.setFont(FONT, 8.5)
        self.setFillColor(MUTED)
        self.drawCentredString(PAGE_W / 2, 10 * mm, f"- {self._pageNumber} / {count} -")
        if self._footer:
            self.drawString(MARGIN, PAGE_H - 10.5 * mm, self._footer)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.6)
        self.line(MARGIN, PAGE_H - 12 * mm, PAGE_W - MARGIN, PAGE_H - 12 * mm)
        self.restoreState()


_DATE_TOKEN = re.compile(
    r"(?:令和|平成|昭和)(?:元|\d+)年(?:度)?(?:\d+月)?(?:\d+日)?(?:\([月火水木金土日]\))?(?:上半期|下半期)?"
)


def unbroken_dates(text: str, size: float, width: float) -> str:
    """The text as Paragraph markup with its own line breaks, so that a date (平成27年4月1日,
    令和元年度上半期) is never split between lines: dates are kept whole, other characters
    fill the line one by one."""
    tokens: list[str] = []
    position = 0
    for match in _DATE_TOKEN.finditer(text):
        tokens.extend(text[position : match.start()])
        tokens.append(match.group(0))
        position = match.end()
    tokens.extend(text[position:])
    lines, line = [], ""
    for token in tokens:
        if line and pdfmetrics.stringWidth(line + token, FONT, size) > width:
            lines.append(line)
            line = token.lstrip()
        else:
            line += token
    lines.append(line)
    return "<br/>".join(_text(part) for part in lines)


def render(document: Document) -> bytes:
    _register_font()
    st = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=document.title,
        author="ささえあい",
        subject=" ".join(document.lines),
        creator="ささえあい（生活支援コーディネーター業務支援システム）",
        lang="ja-JP",
    )
    story: list = [Paragraph(unbroken_dates(document.title, 15, FRAME_W - 2), st["title"])]
    story.extend(
        Paragraph(unbroken_dates(line, 9, FRAME_W - 2), st["line"]) for line in document.lines
    )
    story.append(Spacer(1, 6))
    for section in document.sections:
        story.extend(_section(section, st))
    while story and isinstance(story[-1], Spacer):
        story.pop()  # a spacer that falls past the last page's foot would start an empty page
    footer = document.title

    def make_canvas(*args, **kwargs):
        kwargs["initialFontName"] = FONT
        return _NumberedCanvas(*args, footer=footer, **kwargs)

    doc.build(story, canvasmaker=make_canvas)
    return buffer.getvalue()
