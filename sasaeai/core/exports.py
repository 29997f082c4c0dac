"""Spreadsheet files going out: the one rule that keeps a text cell from being read as a formula,
the writers every CSV and Excel download uses, and the registry of those downloads.

The rule (OWASP's CSV injection guidance): a text starting with = + - @, a TAB or a CR (or LF),
or with a full-width ＝ ＋ － ＠ (Japanese Excel's input converts those), is written with a
leading apostrophe, so that a spreadsheet shows it as text and never runs it. A text that is
a plain number (-12, +3, -0.5) is left as it is: it is read as that number and nothing else.
Numbers, dates and booleans written as such are never touched. The resource importer drops the
apostrophe again (`formula_unescape`), so an export imports back unchanged.

Every download that writes a CSV or an Excel workbook registers itself with `export_view`,
naming what it is, its formats and who may download it. tests/test_exports.py downloads every
registered export with each formula prefix planted in every text column, and fails on any
view that answers a spreadsheet without being registered.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")

SPREADSHEET_CONTENT_TYPES = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def formula_safe(value: Any) -> Any:
    """A text a spreadsheet would take for a formula gets a leading apostrophe; anything that
    is not a text (a number, a date, None) is returned unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def formula_unescape(value: str) -> str:
    """The inverse for importers: drops the apostrophe `formula_safe` added."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV file: UTF-8 with a byte-order mark (Excel in Japanese opens it without garbling),
    CRLF line ends, every cell through `formula_safe` (the header too)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([formula_safe(v) for v in header])
    writer.writerows([formula_safe(v) for v in row] for row in rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def sheet_value(value: Any) -> Any:
    """A value for an openpyxl cell: texts through `formula_safe`, others unchanged."""
    return formula_safe(value)


def text_cell(cell) -> Any:
    """Marks an openpyxl cell holding a text as a string, so that openpyxl never writes it as
    a formula whatever it holds; returns the cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


# --- the registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A download producing a CSV or an Excel file."""

    name: str  # what it is, in Japanese
    view: Callable  # the view function (as decorated)
    formats: tuple[str, ...]  # "csv", "xlsx"
    allow: Any  # who may download: the access policy's capability the view requires
    # The URL keyword naming the format, for a view serving several formats ("fmt").
    format_kwarg: str | None = None
    # Formats of a multi-format view that are not spreadsheets (pdf, docx, html).
    other_formats: tuple[str, ...] = field(default=())


EXPORTS: list[Export] = []


def export_view(
    *,
    name: str,
    formats: tuple[str, ...],
    allow: Any,
    format_kwarg: str | None = None,
    other_formats: tuple[str, ...] = (),
) -> Callable[[Callable], Callable]:
    """Registers a view that answers a CSV or an Excel file. Put it innermost (right above the
    function), so the URL resolver's view carries the mark through the other decorators."""

    def register(view: Callable) -> Callable:
        export = Export(
            name=name,
            view=view,
            formats=formats,
            allow=allow,
            format_kwarg=format_kwarg,
            other_formats=other_formats,
        )
        EXPORTS.append(export)
        view.export = export  # type: ignore[attr-defined]
        return view

    return register


def export_of(view: Callable) -> Export | None:
    """The registration of a view (through decorators that copy the function's attributes)."""
    found = getattr(view, "export", None)
    return found if isinstance(found, Export) else None
