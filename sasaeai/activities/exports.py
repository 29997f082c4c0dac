"""The Excel export of a filtered record list: one sheet per kind, Japanese headers, dates as
dates (formatted yyyy/mm/dd), texts that look like formulas escaped (sasaeai.core.exports),
written in openpyxl's streaming mode."""

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sasaeai.accounts.models import User
from sasaeai.core.exports import sheet_value, text_cell

from . import selectors
from .display import COLUMNS

SHEET_TITLES = {
    "visit": "訪問",
    "consultation": "相談",
    "meeting": "会議",
    "other": "その他の活動",
}


def records_workbook(*, user: User, filters: selectors.ActivityFilters) -> tuple[bytes, int]:
    """The workbook's bytes and how many records it holds."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    total = 0
    for kind in filters.kinds():
        model = selectors.KINDS[kind][0]
        sheet = workbook.create_sheet(SHEET_TITLES[kind])
        columns = COLUMNS[model]
        header = []
        for label, _ in columns:
            cell = text_cell(WriteOnlyCell(sheet, value=sheet_value(label)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for record in selectors.record_list(user=user, model=model, filters=filters).iterator(
            chunk_size=500
        ):
            row = []
            for _, value_of in columns:
                value = value_of(record)
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy/mm/dd"
                    row.append(cell)
                else:
                    row.append(text_cell(WriteOnlyCell(sheet, value=sheet_value(value))))
            sheet.append(row)
            total += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), total
