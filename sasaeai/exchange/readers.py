"""Reading a resource sheet into rows of text: CSV in any encoding Japanese offices produce
(UTF-8 with or without BOM, Shift_JIS/CP932, UTF-16), and Excel workbooks with title rows above
the header, two-level merged headers, vertically merged cells, 全角 digits and date cells.

Formula cells are refused (their value depends on Excel recalculating), listed by address."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from sasaeai.core.exports import formula_unescape

from .fields import recognise_header

MAX_ROWS = 50_000
MAX_COLUMNS = 200
HEADER_SCAN_ROWS = 12
SKIPPED_SHEETS = {"説明", "選択肢", "使い方", "記入例", "記入方法", "凡例"}


class ReadError(ValueError):
    """The file cannot be read as a table; the message says why in Japanese."""


@dataclass
class Sheet:
    name: str
    headers: list[str]
    columns: list[str]  # how a person finds the column: "C" (Excel) or "3列目" (CSV)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)
    header_row: int = 1


@dataclass
class Table:
    kind: str  # xlsx / csv
    sheets: list[Sheet]
    encoding: str = ""


# --- text files -------------------------------------------------------------------------------


def _halfwidth_kana_ratio(text: str) -> float:
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return 0.0
    return sum(1 for ch in non_ascii if "\uff61" <= ch <= "\uff9f") / len(non_ascii)


def decode_text(content: bytes) -> tuple[str, str]:
    """(text, the encoding's name for people). Tries the byte-order marks, then UTF-8, then
    CP932; refuses EUC-JP and other encodings with a message saying what to do."""
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), "UTF-8（BOM付き）"
        except UnicodeDecodeError as exc:
            raise _encoding_error() from exc
    if content.startswith(b"\xff\xfe"):
        return _decode_utf16(content[2:], "utf-16-le"), "UTF-16"
    if content.startswith(b"\xfe\xff"):
        return _decode_utf16(content[2:], "utf-16-be"), "UTF-16"
    sample = content[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        odd_nuls = sample[1::2].count(b"\x00")
        even_nuls = sample[0::2].count(b"\x00")
        return _decode_utf16(
            content, "utf-16-le" if odd_nuls >= even_nuls else "utf-16-be"
        ), "UTF-16"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        decoded = content.decode("cp932")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None and _halfwidth_kana_ratio(decoded) < 0.3:
        return decoded, "Shift_JIS（CP932）"
    try:
        content.decode("euc_jp")
    except UnicodeDecodeError:
        pass
    else:
        raise ReadError(
            "文字コードがEUC-JPのようです。この形式は読めません。Excelで開き、"
            "「CSV UTF-8（コンマ区切り）」か「CSV（コンマ区切り）」で保存し直してください。"
        )
    raise _encoding_error()


def _encoding_error() -> ReadError:
    return ReadError(
        "ファイルの文字コードを判別できません（文字化けしています）。"
        "UTF-8 か Shift_JIS（CP932）のCSV、またはExcelファイル（.xlsx）で保存し直してください。"
    )


def _decode_utf16(content: bytes, codec: str) -> str:
    try:
        return content.decode(codec)
    except UnicodeDecodeError as exc:
        raise _encoding_error() from exc


def read_csv(content: bytes) -> Table:
    text, encoding = decode_text(content)
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    raw_rows: list[tuple[int, list[str]]] = []
    start = 1
    shared = _Shared()
    try:
        for cells in reader:
            raw_rows.append((start, [shared(formula_unescape(c.strip())) for c in cells]))
            start = reader.line_num + 1
            if len(raw_rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                raise ReadError(
                    f"行が多すぎます（{MAX_ROWS:,}行まで）。ファイルを分けて取り込んでください。"
                )
    except csv.Error as exc:
        raise ReadError(
            f'CSVの{start}行目から始まる値で、引用符（"）の対応が取れていません。'
            '値の中の「"」は「""」と2つ重ねるか、値全体を「"」で囲んでください。'
            f"（詳細: {exc}）"
        ) from exc
    sheet = _sheet_from_rows("", raw_rows, column_label=lambda i: f"{i + 1}列目", merged=[])
    return Table(kind="csv", sheets=[sheet] if sheet else [], encoding=encoding)


# --- Excel --------------------------------------------------------------------------------------

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """sheet name → (its part path in the archive, its state: visible/hidden/veryHidden)."""
    workbook = etree.fromstring(archive.read("xl/workbook.xml"))
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    parts = {}
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        parts[sheet.get("name")] = (path, sheet.get("state") or "visible")
    return parts


class _Shared:
    """One str object per distinct cell text while a file is read: a column repeating the same
    values (町, 状態, はい/いいえ, 開催日時 …) over 50,000 rows holds each value once, not once a
    row (memory, see docs/exchange.md). Only short texts are shared; the table goes with the
    reading."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if not text or len(text) > 200:
            return text
        return self.seen.setdefault(text, text)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, int):
        return str(value)
    # The apostrophe our exports put before a formula-like text goes (sasaeai.core.exports).
    return formula_unescape(str(value).replace("\r\n", "\n").replace("_x000D_", "").strip())


def read_xlsx(content: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = _sheet_parts(archive)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ReadError(
            "Excelファイルが壊れているか、読めない形式です。Excelで開いて保存し直してください。"
        ) from exc
    sheets: list[Sheet] = []
    formulas: list[str] = []
    shared = _Shared()
    try:
        for worksheet in workbook.worksheets:
            path, state = parts.get(worksheet.title, ("", "visible"))
            if state != "visible" or worksheet.title.strip() in SKIPPED_SHEETS:
                continue
            merged = []
            if path and path in archive.namelist():
                merged = [m.decode() for m in _MERGE.findall(archive.read(path))]
            raw_rows: list[tuple[int, list[str]]] = []
            for row_number, row in enumerate(worksheet.iter_rows(), start=1):
                cells = []
                for cell in row:
                    if cell.data_type == "f":
                        if len(formulas) < 20:
                            formulas.append(f"シート「{worksheet.title}」の{cell.coordinate}")
                        else:
                            formulas.append("")
                        cells.append("")
                        continue
                    cells.append(shared(_cell_text(cell.value)))
                if len(cells) > MAX_COLUMNS:
                    cells = cells[:MAX_COLUMNS]
                raw_rows.append((row_number, cells))
                if row_number > MAX_ROWS + HEADER_SCAN_ROWS:
                    raise ReadError(
                        f"シート「{worksheet.title}」の行が多すぎます（{MAX_ROWS:,}行まで）。ファイルを分けて取り込んでください。"
                    )
            sheet = _sheet_from_rows(
                worksheet.title,
                raw_rows,
                column_label=lambda i: get_column_letter(i + 1),
                merged=merged,
            )
            if sheet is not None:
                sheets.append(sheet)
    finally:
        workbook.close()
    if formulas:
        shown = [f for f in formulas if f]
        more = len(formulas) - len(shown)
        raise ReadError(
            "数式が入ったセルは取り込めません（計算結果がファイルに保存されていないことがあるため）。"
            "該当のセルをコピーし「値として貼り付け」してから、もう一度取り込んでください。"
            f"数式のセル: {'、'.join(shown)}{f' ほか{more}か所' if more > 0 else ''}"
        )
    return Table(kind="xlsx", sheets=_keep_table_sheets(sheets))


def _keep_table_sheets(sheets: list[Sheet]) -> list[Sheet]:
    """With several sheets (one per area is common), keep those that look like resource lists."""
    if len(sheets) <= 1:
        return sheets
    scored = [(sum(1 for h in s.headers if recognise_header(h)), s) for s in sheets]
    kept = [s for score, s in scored if score >= 2]
    return kept or [max(scored, key=lambda pair: pair[0])[1]]


# --- the header -----------------------------------------------------------------------------------


def _header_score(cells: list[str]) -> int:
    return sum(1 for c in cells if c and recognise_header(c) is not None)


def _sheet_from_rows(name, raw_rows, *, column_label, merged) -> Sheet | None:
    """Finds the header row (the row among the first ones with the most known headers, else the
    first row with two or more values), joins a two-level header, fills merged cells, and keeps
    the non-empty rows below it."""
    if not raw_rows:
        return None
    width = max((len(cells) for _, cells in raw_rows), default=0)
    for _, cells in raw_rows:  # padded in place: no second copy of a large sheet
        cells.extend([""] * (width - len(cells)))
    rows = dict(raw_rows)
    _fill_merged(rows, merged, width)
    candidates = [(n, rows[n]) for n, _ in raw_rows[:HEADER_SCAN_ROWS]]
    best = max(candidates, key=lambda pair: (_header_score(pair[1]), -pair[0]))
    if _header_score(best[1]) == 0:
        best = next(((n, c) for n, c in candidates if sum(1 for v in c if v) >= 2), None)
        if best is None:
            nonempty = next(((n, c) for n, c in candidates if any(c)), None)
            if nonempty is None:
                return None
            best = nonempty
    header_row, headers = best[0], list(best[1])
    data_start = header_row + 1
    child = rows.get(header_row + 1)
    if child is not None and _is_sub_header(headers, child, header_row, merged):
        headers = [
            (parent + child[i])
            if child[i] and parent and parent != child[i]
            else (child[i] or parent)
            for i, parent in enumerate(headers)
        ]
        data_start = header_row + 2
    headers = [re.sub(r"\s+", "", h) if h else "" for h in headers]
    headers = _unique(headers)
    # Drop trailing columns with neither a header nor any value.
    used = [i for i, h in enumerate(headers) if h]
    last = max(used) if used else -1
    body = []
    for number, _ in raw_rows:
        if number < data_start:
            continue
        cells = rows[number]
        for i in range(last + 1, width):
            if cells[i]:
                last = max(last, i)
        if any(cells) and not _is_meta_row(cells):
            body.append((number, cells))
    headers = headers[: last + 1]
    for i in range(len(headers)):
        if not headers[i]:
            headers[i] = f"（見出しなし{column_label(i)}）"
    return Sheet(
        name=name,
        headers=headers,
        columns=[column_label(i) for i in range(len(headers))],
        rows=[(number, _cut(cells, last + 1)) for number, cells in body],
        header_row=header_row,
    )


def _cut(cells: list[str], width: int) -> list[str]:
    del cells[width:]  # in place: no copy of each row
    return cells


def _is_meta_row(cells: list[str]) -> bool:
    """A LinkData meta row (#type, #datatype, #label …) or a comment line: its first value
    starts with 「#」."""
    first = next((c for c in cells if c), "")
    return first.startswith("#")


def _is_sub_header(
    headers: list[str], child: list[str], header_row: int, merged: list[str]
) -> bool:
    """A second header row: the header row has a cell merged across columns, and the row below
    has text under it, most of it being header words."""
    spans = []
    for ref in merged:
        min_col, min_row, max_col, _ = range_boundaries(ref)
        if min_row == header_row and max_col > min_col:
            spans.append((min_col - 1, max_col - 1))
    if not spans:
        return False
    under = [child[i] for start, end in spans for i in range(start, end + 1) if i < len(child)]
    return bool(under) and all(under) and _header_score(child) >= _header_score(headers) // 3


def _fill_merged(rows: dict[int, list[str]], merged: list[str], width: int) -> None:
    """A merged range shows its top-left value in every cell it covers (a 圏域 merged down a
    block of rows, a header merged across columns)."""
    for ref in merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except ValueError:
            continue
        if max_row - min_row > MAX_ROWS or max_col > width:
            max_col = min(max_col, width)
        top = rows.get(min_row)
        if top is None or min_col - 1 >= len(top):
            continue
        value = top[min_col - 1]
        for number in range(min_row, max_row + 1):
            cells = rows.get(number)
            if cells is None:
                continue
            for col in range(min_col - 1, max_col):
                if col < len(cells) and not cells[col]:
                    cells[col] = value


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        if header and header in seen:
            seen[header] += 1
            out.append(f"{header}({seen[header]})")
        else:
            seen[header] = 1
            out.append(header)
    return out


def read_table(content: bytes, kind: str) -> Table:
    """Reads an .xlsx or CSV file. Raises ReadError for an empty file or one with only headers."""
    table = read_xlsx(content) if kind == "xlsx" else read_csv(content)
    if not table.sheets:
        raise ReadError(
            "ファイルに表が見つかりません（空のファイルです）。見出しの行と社会資源の行を入力してください。"
        )
    if not any(sheet.rows for sheet in table.sheets):
        raise ReadError(
            "見出しの行しかありません。見出しの下の行に、社会資源を1行に1件ずつ入力してから取り込んでください。"
        )
    return table
