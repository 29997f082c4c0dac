"""The organiser-filled Excel sheet of participation: a template staff download with the
places pre-listed (one row per place and month, months as rows, so an organiser fills one line
per month and never has to find a crossing of two headers), and its reading back.

1. The template has one sheet 「参加実績」: instructions in Japanese on top, then the header row
   (ID, 通いの場, 月, then the counts), then a row per place and month. The count cells are
   yellow and carry Excel's data validation (whole numbers from 0); ID, name and month are
   pre-filled and grey. There is no column for names: counts only.
2. Reading finds the header row by its 「ID」 cell, the columns by their headers (their order
   may change), and reads each row whose counts are not all empty. A count must be a whole
   number from 0 (「数字で入力してください」). Every problem names the sheet, the row and the
   column. The counts are then checked by the one write path's own checks
   (`services.participation_check`), not by a second set here."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sasaeai.core.exports import formula_safe
from sasaeai.core.text import nfkc

from .models import MAX_COUNT

SHEET = "参加実績"
ID_HEADER = "ID"
NAME_HEADER = "通いの場"
MONTH_HEADER = "月"
# (field of the record, the column's header, required when the row is filled)
COUNT_COLUMNS = [
    ("sessions", "開催回数", False),
    ("participants", "実人数", True),
    ("attendances", "延べ人数", True),
    ("aged_65_plus", "うち65歳以上", True),
    ("men", "うち男性", False),
    ("support_needed", "うち要支援者・事業対象者", False),
    ("volunteers", "担い手（ボランティア）", False),
]
HEADER_BY_FIELD = {name: header for name, header, _ in COUNT_COLUMNS}
MAX_TEMPLATE_MONTHS = 12
INSTRUCTIONS = [
    "記入のしかた",
    "・黄色の欄に、その月の人数を数字（0以上の整数）で入れてください。参加者のお名前は書かないでください。",
    "・実人数＝その月に1回以上来た人の数（同じ人は何回来ても1人）。延べ人数＝各回の参加者数の合計。",
    "・「うち65歳以上」「うち男性」「うち要支援者・事業対象者」は実人数のうちの人数です。担い手は参加者に含めません。",
    "・開いていない月や、記入しない通いの場の行は、空けたままにしてください（その行は取り込みません）。",
    "・灰色の「ID」「通いの場」「月」は変えないでください。",
]


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month) and len(months) < MAX_TEMPLATE_MONTHS:
        months.append(dt.date(year, month, 1))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def template_workbook(*, municipality_name: str, places, months: list[dt.date]) -> bytes:
    """The template: `places` are (id, name) pairs, each listed for every month."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([formula_safe(f"通いの場の参加実績（{municipality_name}）")])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in INSTRUCTIONS:
        sheet.append([line])
    sheet[f"A{sheet.max_row - len(INSTRUCTIONS) + 1}"].font = Font(bold=True)
    sheet.append([])
    headers = [ID_HEADER, NAME_HEADER, MONTH_HEADER] + [h for _, h, _ in COUNT_COLUMNS]
    sheet.append(headers)
    header_row = sheet.max_row
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="E0E0E0")
    yellow = PatternFill("solid", fgColor="FFF59D")
    for cell in sheet[header_row]:
        cell.font, cell.fill = bold, grey
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for pk, name in places:
        for month in months:
            sheet.append([pk, formula_safe(name), month_label(month)])
    last = max(sheet.max_row, header_row + 1)
    first_count = get_column_letter(4)
    last_count = get_column_letter(3 + len(COUNT_COLUMNS))
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2=str(MAX_COUNT),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="数字で入力してください",
        error="0以上の整数（人数・回数）を入力してください。",
        showInputMessage=True,
        promptTitle="人数",
        prompt="0以上の整数で入力します。分からなければ空けておきます。",
    )
    validation.add(f"{first_count}{header_row + 1}:{last_count}{last}")
    sheet.add_data_validation(validation)
    for row in sheet.iter_rows(min_row=header_row + 1, max_row=last):
        for cell in row[:3]:
            cell.fill = grey
        for cell in row[3 : 3 + len(COUNT_COLUMNS)]:
            cell.fill = yellow
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=4)
    widths = [8, 36, 12] + [12] * len(COUNT_COLUMNS)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[header_row].height = 32
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class SheetProblem:
    sheet: str
    row: int | None
    column: str
    message: str

    def text(self) -> str:
        where = f"シート「{self.sheet}」"
        if self.row is not None:
            where += f"{self.row}行目"
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}"


@dataclass
class SheetRow:
    row: int
    service_id: int
    month: dt.date
    counts: dict[str, int | None]


@dataclass
class SheetReading:
    sheet: str = SHEET
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)

    def problem(self, row: int | None, column: str, message: str) -> None:
        self.problems.append(SheetProblem(self.sheet, row, column, message))


_MONTH = re.compile(r"^(\d{4})(?:年|[-/.])(\d{1,2})月?$")
_ERA_MONTH = re.compile(r"^(令和|平成|R|H)(元|\d{1,2})年?[.]?(\d{1,2})月?$", re.IGNORECASE)


def parse_month_cell(value) -> dt.date:
    """2026年4月, 2026-04, 2026/4, 令和8年4月 or a date cell. Raises ValueError."""
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = nfkc(str(value or "")).replace(" ", "")
    match = _MONTH.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = _ERA_MONTH.match(text)
        if not match:
            raise ValueError("「2026年4月」のように年と月を入力してください。")
        start = 2019 if match.group(1).upper() in ("令和", "R") else 1989
        year = start + (1 if match.group(2) == "元" else int(match.group(2))) - 1
        month = int(match.group(3))
    if not 1 <= month <= 12:
        raise ValueError("月は1から12で入力してください。")
    return dt.date(year, month, 1)


def _count(value) -> int | None:
    """A whole number from 0, or None when empty. Raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        value = int(value)
    if isinstance(value, str):
        text = nfkc(value).strip().replace(",", "")
        if text.endswith("人") or text.endswith("回"):
            text = text[:-1]
        if not text.isdigit():
            raise ValueError
        value = int(text)
    if not isinstance(value, int) or value < 0:
        raise ValueError
    return value


def read_sheet(content: bytes) -> SheetReading:
    """Reads the filled template (see the module's note)."""
    reading = SheetReading()
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        reading.problem(None, "", "Excelファイル（.xlsx）として読めません。")
        return reading
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    reading.sheet = sheet.title
    rows = sheet.iter_rows(values_only=True)
    columns: dict[str, int] = {}
    header_row = 0
    for number, values in enumerate(rows, start=1):
        cells = [nfkc(str(v)).strip() if v is not None else "" for v in values]
        if ID_HEADER in cells:
            columns = {text: index for index, text in enumerate(cells) if text}
            header_row = number
            break
        if number >= 30:
            break
    if not header_row:
        reading.problem(
            None,
            "",
            f"見出しの行（「{ID_HEADER}」「{MONTH_HEADER}」「実人数」…）が見つかりません。",
        )
        book.close()
        return reading
    wanted = [ID_HEADER, MONTH_HEADER] + [header for _, header, _ in COUNT_COLUMNS]
    missing = [header for header in wanted if nfkc(header) not in columns]
    if missing:
        for header in missing:
            reading.problem(header_row, header, "この列が見つかりません。列を消さないでください。")
        book.close()
        return reading
    for number, values in enumerate(rows, start=header_row + 1):
        values = list(values) + [None] * (len(columns) + 3)
        raw = {name: values[columns[nfkc(header)]] for name, header, _ in COUNT_COLUMNS}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue  # a place or month not filled in: not imported
        counts: dict[str, int | None] = {}
        bad = False
        for name, header, required in COUNT_COLUMNS:
            try:
                counts[name] = _count(raw[name])
            except ValueError:
                reading.problem(number, header, "数字（0以上の整数）で入力してください。")
                bad = True
                continue
            if counts[name] is None and required:
                reading.problem(number, header, "入力してください（いなければ0）。")
                bad = True
            elif counts[name] is not None and counts[name] > MAX_COUNT:
                reading.problem(number, header, f"{MAX_COUNT:,}以下で入力してください。")
                bad = True
        service_value = values[columns[ID_HEADER]]
        try:
            service_id = _count(service_value)
            if service_id is None:
                raise ValueError
        except ValueError:
            reading.problem(
                number, ID_HEADER, "通いの場のIDがありません（行を写したときは元のIDのまま）。"
            )
            bad = True
            service_id = 0
        try:
            month = parse_month_cell(values[columns[MONTH_HEADER]])
        except ValueError as exc:
            reading.problem(number, MONTH_HEADER, str(exc))
            bad = True
            month = None
        if not bad and month is not None:
            reading.rows.append(SheetRow(number, service_id, month, counts))
    book.close()
    return reading
