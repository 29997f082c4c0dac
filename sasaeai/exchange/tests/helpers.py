"""Building test files: sheets in the template's shape or with other headers, as .xlsx or CSV."""

import csv
import io

from openpyxl import Workbook

from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.uploads import Upload, sniff


def xlsx_bytes(
    rows: list[list], *, title: str = "社会資源", extra_sheets: dict | None = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, sheet_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def template_row(**values) -> list:
    """One row in the template's column order; keyword arguments by header (名称=...)."""
    return [values.get(header) for header in TEMPLATE_HEADERS]


def upload(content: bytes, name: str) -> Upload:
    return sniff(content, name=name)
