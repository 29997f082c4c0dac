"""The report as an Excel workbook: one sheet per section, numbers stored as numbers, dates
as dates shown in era form, and the share by consulter type as a native Excel pie chart
drawn from the sheet's own cells (so that it follows any correction made in Excel)."""

from __future__ import annotations

import datetime as dt
import io
import weakref
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import DataPoint
from openpyxl.descriptors import Typed
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sasaeai.core.exports import sheet_value, text_cell

from ..document import Bars, Document, Items, Para, Photo, Pie, Section, Table
from . import chart

FONT_NAME = "游ゴシック"
# The Japanese calendar by the locale id 411: Excel and LibreOffice both show 令和7年4月1日(火)
# (LibreOffice showed the bare serial number for [$-ja-JP-x-gannen], checked with
# `python -m sasaeai.reports.render_check`; the price is 令和1年 rather than 令和元年).
ERA_DATE_FORMAT = '[$-411]ggge"年"m"月"d"日"(aaa)'
SHEET_FORBIDDEN = str.maketrans({c: "・" for c in "[]:*?/\\"})
THIN = Side(style="thin", color="8C8C8C")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E8F1FE")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FONT_BODY = Font(name=FONT_NAME, size=10.5)
FONT_BOLD = Font(name=FONT_NAME, size=10.5, bold=True)
FONT_CAPTION = Font(name=FONT_NAME, size=10, bold=True)
FONT_FIGURE = Font(name=FONT_NAME, size=11, bold=True)
FONT_NOTE = Font(name=FONT_NAME, size=9.5, color="555555")
FONT_ALERT = Font(name=FONT_NAME, size=10.5, bold=True, color="B3261E")
FONT_HEADING = Font(name=FONT_NAME, size=13, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True)
TOP = Alignment(vertical="top", wrap_text=False)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)

# openpyxl finds a style's number in the workbook by hashing the style object on every
# assignment (most of an Excel report's time at a city's volume): the number of each of the
# constant styles above is looked up once per workbook and set directly afterwards.
_STYLE_FIELDS = {
    "font": "fontId",
    "fill": "fillId",
    "border": "borderId",
    "alignment": "alignmentId",
}
_style_ids: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _style(cell, **styles) -> None:
    """Sets constant styles (font=FONT_BODY, border=BORDER, …) on a cell, as `cell.font = …`
    would, without openpyxl's lookup after the first time in the workbook."""
    known = _style_ids.setdefault(cell.parent.parent, {})
    for name, value in styles.items():
        key = (name, id(value))
        number = known.get(key)
        if number is None:
            setattr(cell, name, value)
            known[key] = getattr(cell._style, _STYLE_FIELDS[name])
        else:
            if not cell._style:
                cell._style = StyleArray()
            setattr(cell._style, _STYLE_FIELDS[name], number)


def _sheet_name(name: str, used: set[str]) -> str:
    base = name.translate(SHEET_FORBIDDEN)[:31] or "シート"
    candidate, n = base, 2
    while candidate in used:
        suffix = f"_{n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


def _write_cell(ws: Worksheet, row: int, column: int, value: object):
    cell = ws.cell(row=row, column=column)
    if isinstance(value, bool):
        cell.value = "はい" if value else "いいえ"
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = "#,##0"
    elif isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = "0.0"
    elif isinstance(value, dt.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = ERA_DATE_FORMAT + " hh:mm"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = ERA_DATE_FORMAT
    elif value is None:
        cell.value = None
    else:
        # A text that Excel would read as a formula stays text (sasaeai.core.exports).
        cell.value = sheet_value(str(value))
        text_cell(cell)
    _style(cell, font=FONT_BODY)
    return cell


def _table(ws: Worksheet, row: int, block: Table, widths: dict[int, float]) -> tuple[int, int, int]:
    """Writes the table from `row`; returns (header row, first data row, last data row)."""
    if block.caption:
        _style(_write_cell(ws, row, 1, block.caption), font=FONT_CAPTION)
        row += 1
    header = row
    for index, name in enumerate(block.columns, start=1):
        cell = _write_cell(ws, row, index, name)
        _style(cell, font=FONT_BOLD, fill=HEAD_FILL, border=BORDER, alignment=TOP_WRAP)
    weights = block.widths or [1] * len(block.columns)
    for index, weight in enumerate(weights, start=1):
        widths[index] = max(widths.get(index, 0), min(80, 5.5 * weight))
    for values in block.rows:
        row += 1
        lines = 1
        for index, value in enumerate(values, start=1):
            cell = _write_cell(ws, row, index, value)
            _style(cell, border=BORDER, alignment=TOP_WRAP if isinstance(value, str) else TOP)
            if isinstance(value, str):
                room = max(4, int(widths.get(index, 8.43)) - 1)
                lines = max(lines, -(-int(_display_width(value) * 1.05) // room))
        if lines > 1:
            # LibreOffice keeps the default height of a wrapped cell's row: set it.
            ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
    if block.total_row:
        for index in range(1, len(block.columns) + 1):
            _style(ws.cell(row=row, column=index), fill=TOTAL_FILL, font=FONT_BOLD)
    return header, header + 1, row


PIE_LABEL_FORMAT = '0.0"%"'


class _DataLabels(DataLabelList):
    """Data labels whose number format carries sourceLinked (openpyxl writes the format code
    alone, which LibreOffice reads as linked to the source cells' format)."""

    numFmt = Typed(expected_type=NumFmt, allow_none=True)
    __elements__ = DataLabelList.__elements__
    __attrs__ = DataLabelList.__attrs__
    __nested__ = tuple(name for name in DataLabelList.__nested__ if name != "numFmt")


def _pie(ws: Worksheet, block: Pie, table_rows: tuple[int, int, int], anchor_row: int) -> None:
    header, first, _last = table_rows
    pie = PieChart()
    pie.title = block.title
    labels = Reference(ws, min_col=1, min_row=first, max_row=first + len(block.slices) - 1)
    # Drawn from the share column (割合（%）), labelled with its values: the labels are the
    # table's shares (largest remainder, summing to 100.0), not Excel's own rounding.
    data = Reference(ws, min_col=3, min_row=header, max_row=first + len(block.slices) - 1)
    pie.add_data(data, titles_from_data=True)
    pie.set_categories(labels)
    series = pie.series[0]
    for index in range(len(block.slices)):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = chart.colour(index).lstrip("#")
        point.graphicalProperties.line.solidFill = "FFFFFF"
        series.dPt.append(point)
    series.dLbls = _DataLabels()
    # The label shows the share cell's value with 「%」 after it. sourceLinked="0" makes
    # LibreOffice use this format: without the attribute it keeps the cell's own (52.6).
    series.dLbls.numFmt = NumFmt(formatCode=PIE_LABEL_FORMAT, sourceLinked=False)
    series.dLbls.showPercent = False
    series.dLbls.showVal = True
    series.dLbls.showCatName = False
    series.dLbls.showSerName = False
    series.dLbls.showLeaderLines = True
    pie.height = 9
    pie.width = 15
    ws.add_chart(pie, f"A{anchor_row}")


def _bars(ws: Worksheet, block: Bars, table_rows: tuple[int, int, int], anchor_row: int) -> None:
    """A native clustered column chart over the table above (its total column left out)."""
    header, first, _last = table_rows
    last_col = 1 + len(block.categories)  # the total column after it is left out
    bars = BarChart()
    bars.type = "col"
    bars.grouping = "clustered"
    bars.title = block.title
    data = Reference(
        ws, min_col=1, max_col=last_col, min_row=first, max_row=first + len(block.series) - 1
    )
    bars.add_data(data, from_rows=True, titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=2, max_col=last_col, min_row=header))
    for index, series in enumerate(bars.series):
        series.graphicalProperties.solidFill = chart.colour(index).lstrip("#")
        series.graphicalProperties.line.noFill = True
    bars.y_axis.delete = False
    bars.x_axis.delete = False
    bars.height = 9
    bars.width = 22
    ws.add_chart(bars, f"A{anchor_row}")


PARAGRAPH_MIN_WIDTH = 80  # characters (Excel column width units) a paragraph spans at least
LINE_HEIGHT = 15  # points per wrapped line at 10.5 pt


def _display_width(text: str) -> float:
    """Column-width units a text takes: a full-width character two, others one."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in text)


def _paragraphs_fit(ws: Worksheet, rows: list[int], widths: dict[int, float]) -> None:
    """A paragraph's cell spans the section's table columns (at least PARAGRAPH_MIN_WIDTH),
    wraps, and is as tall as its lines: merged cells are not measured by Excel or
    LibreOffice, so the height is worked out here."""
    last = max(widths) if widths else 1
    span = sum(widths.get(i, 8.43) for i in range(1, last + 1))
    while span < PARAGRAPH_MIN_WIDTH:
        last += 1
        span += widths.get(last, 8.43)
    for row in rows:
        cell = ws.cell(row=row, column=1)
        text = str(cell.value or "")
        if last > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        _style(cell, alignment=TOP_WRAP)
        lines = max(1, -(-int(_display_width(text) * 1.05) // int(span)))
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2


def _photo(ws: Worksheet, block: Photo, row: int) -> int:
    """The photo anchored at the row (at most 12 cm × 8 cm), its caption under it; returns
    the next free row."""
    from openpyxl.drawing.image import Image

    image = Image(io.BytesIO(block.data))
    scale = min(454 / block.width, 302 / block.height)  # pixels at 96 dpi
    image.width, image.height = int(block.width * scale), int(block.height * scale)
    ws.add_image(image, f"A{row}")
    row += -(-image.height // 20) + 1  # rows of the default 15 pt (20 px)
    return row


def _section(ws: Worksheet, section: Section, row: int) -> int:
    heading = f"{section.number} {section.title}" if section.number else section.title
    _style(_write_cell(ws, row, 1, heading), font=FONT_HEADING)
    row += 2
    start = row
    widths: dict[int, float] = {1: 40}
    paragraph_rows: list[int] = []
    last_table: tuple[int, int, int] | None = None
    for block in section.blocks:
        if isinstance(block, Para):
            for line in block.text.split("\n"):
                cell = _write_cell(ws, row, 1, line)
                if block.style in ("figure", "label"):
                    _style(cell, font=FONT_FIGURE)
                elif block.style == "note":
                    _style(cell, font=FONT_NOTE)
                elif block.style == "alert":
                    _style(cell, font=FONT_ALERT)
                paragraph_rows.append(row)
                row += 1
        elif isinstance(block, Items):
            for item in block.items:
                _write_cell(ws, row, 1, f"・{item}")
                paragraph_rows.append(row)
                row += 1
        elif isinstance(block, Photo):
            row = _photo(ws, block, row)
            _write_cell(ws, row, 1, block.caption)
            paragraph_rows.append(row)
            row += 2
        elif isinstance(block, Table):
            row += 0 if row == start else 1  # a blank row before a table
            last_table = _table(ws, row, block, widths)
            row = last_table[2] + 2
        elif isinstance(block, Pie) and last_table is not None:
            _pie(ws, block, last_table, row)
            row += 20  # the chart's height in rows
        elif isinstance(block, Bars) and last_table is not None:
            _bars(ws, block, last_table, row)
            row += 20
    for index, width in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = width
    _paragraphs_fit(ws, paragraph_rows, widths)
    return row


def render(document: Document) -> bytes:
    workbook = Workbook()
    workbook.properties.title = document.title
    workbook.properties.creator = "ささえあい"
    workbook.properties.language = "ja-JP"
    used: set[str] = set()
    for index, section in enumerate(document.sections):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        ws.title = _sheet_name(section.sheet, used)
        row = 1
        if index == 0:
            _style(_write_cell(ws, 1, 1, document.title), font=FONT_TITLE)
            for offset, line in enumerate(document.lines, start=2):
                _write_cell(ws, offset, 1, line)
            row = len(document.lines) + 3
        _section(ws, section, row)
        ws.sheet_view.showGridLines = True
        ws.page_setup.orientation = "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "&P / &N"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
