"""The downloadable Excel template: a sheet to fill in (one resource per row, drop-down lists
for the managed values), an explanation sheet, and the lists themselves."""

from __future__ import annotations

import io

from django.db.models import Q
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from sasaeai.core.exports import sheet_value, text_cell
from sasaeai.org.models import Area, Municipality, Town
from sasaeai.resources.models import Category, Service, TargetGroup

from .fields import FIELDS

DATA_SHEET = "社会資源"
HELP_SHEET = "説明"
LISTS_SHEET = "選択肢"
TEMPLATE_ROWS = 2000

_HEADER_FILL = PatternFill("solid", fgColor="0031D8")
_REQUIRED_FILL = PatternFill("solid", fgColor="C0392B")
_THIN = Side(style="thin", color="999999")


def _choice_lists(municipality: Municipality) -> dict[str, tuple[str, list[str]]]:
    """list key → (its heading, its values)."""
    shared = Q(municipality__isnull=True) | Q(municipality=municipality)
    categories = Category.objects.filter(shared, is_active=True).select_related("parent")

    def names(axis):
        items = [c for c in categories if c.axis == axis]
        items.sort(
            key=lambda c: (c.parent.order if c.parent else c.order, c.parent_id or 0, c.order, c.pk)
        )
        return [c.name for c in items]

    towns = Town.objects.filter(municipality=municipality).select_related("area")
    return {
        "category": ("活動の種類", names(Category.Axis.ACTIVITY)),
        "area": (
            "圏域",
            [
                a.name
                for a in Area.objects.filter(municipality=municipality).order_by("order", "id")
            ],
        ),
        "town": (
            "町",
            [
                t.name
                for t in sorted(towns, key=lambda t: (t.area.order if t.area else 99, t.name_kana))
            ],
        ),
        "status": ("状態", ["活動中", "休止中", "終了"]),
        "direction": ("この資源は", [str(label) for _, label in Service.Direction.choices]),
        "yesno": ("はい・いいえ", ["はい", "いいえ"]),
        "application": ("申込", ["要", "不要"]),
        "target": (
            "対象者",
            [t.name for t in TargetGroup.objects.filter(is_active=True).order_by("order", "id")],
        ),
        "place": ("場所の種別", names(Category.Axis.PLACE)),
        "operator": ("運営主体の種別", names(Category.Axis.OPERATOR)),
    }


def template_workbook(municipality: Municipality) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    guide = workbook.create_sheet(HELP_SHEET, 0)
    choice_lists = _choice_lists(municipality)

    # The lists, one column each, with a workbook-level name for the drop-downs.
    ranges: dict[str, str] = {}
    for column, (key, (heading, values)) in enumerate(choice_lists.items(), start=1):
        letter = get_column_letter(column)
        lists.cell(row=1, column=column, value=heading).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            text_cell(lists.cell(row=row, column=column, value=sheet_value(value)))
        lists.column_dimensions[letter].width = max(
            12, min(40, max((len(v) for v in values), default=4) * 2 + 2)
        )
        last = max(2, len(values) + 1)
        name = f"選択肢_{key}"
        reference = f"'{LISTS_SHEET}'!${letter}$2:${letter}${last}"
        workbook.defined_names[name] = DefinedName(name, attr_text=reference)
        ranges[key] = name
    lists.freeze_panes = "A2"

    # The sheet to fill in.
    for column, spec in enumerate(FIELDS, start=1):
        cell = data.cell(row=1, column=column, value=spec.label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _REQUIRED_FILL if spec.required else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=_THIN)
        cell.comment = Comment(spec.help, "ささえあい", width=300, height=120)
        data.column_dimensions[get_column_letter(column)].width = spec.width
        if spec.choices:
            allow_many = spec.choices in ("category", "target")
            validation = DataValidation(
                type="list",
                formula1=f"={ranges[spec.choices]}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning" if allow_many else "stop",
                errorTitle=f"{spec.label}の値",
                error=(
                    f"「{LISTS_SHEET}」シートの{spec.label}から選んでください。"
                    + (
                        "複数のときは「、」で区切って入力できます（この警告は「はい」で閉じられます）。"
                        if allow_many
                        else ""
                    )
                ),
                showInputMessage=True,
                promptTitle=spec.label,
                prompt=spec.help[:250],
            )
            letter = get_column_letter(column)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            data.add_data_validation(validation)
    data.row_dimensions[1].height = 36
    data.freeze_panes = "C2"
    data.auto_filter.ref = f"A1:{get_column_letter(len(FIELDS))}1"

    # The explanation.
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 8
    guide.column_dimensions["C"].width = 80
    guide.column_dimensions["D"].width = 28
    lines = [
        (f"社会資源の取り込み用の雛形（{municipality.name}）", True),
        (
            f"「{DATA_SHEET}」シートに、1行に1件ずつ社会資源を入力してください。見出しの行は変えないでください。",
            False,
        ),
        ("名称だけが必須です。わからない項目は空欄で構いません。", False),
        (
            f"活動の種類・圏域・町などは、セルを選ぶと出る一覧から選べます（一覧は「{LISTS_SHEET}」シート）。",
            False,
        ),
        (
            "開催日時は「毎週火曜10時〜12時」「第2・4水曜 13:30-15:30」「月2回(不定期)」のように文章で書けます。読み取れない書き方は補足として残し、確認が必要な資源として取り込み後に一覧に出します。",
            False,
        ),
        (
            "日付は「令和7年4月1日」「R7.4.1」「2025/4/1」のどれでも読み取ります。数字は全角でも構いません。",
            False,
        ),
        (
            "数式は使わないでください（数式のセルがあるファイルは取り込めません。値として貼り付けてください）。",
            False,
        ),
        (
            "取り込むと、書き込む前に確認画面が出ます。新規・更新・変更なしの件数、問題のある行と列、重複の可能性を確かめてから取り込めます。",
            False,
        ),
        (
            "外部IDを入れておくと、同じファイルを直して取り込み直したときに同じ資源を更新します（空欄なら名称と町で判断します）。",
            False,
        ),
        ("", False),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = guide.cell(row=row, column=1, value=text)
        cell.font = Font(bold=True, size=14) if bold else Font()
        if not bold and text:
            guide.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            guide.row_dimensions[row].height = 32
    start = len(lines) + 1
    for column, heading in enumerate(("見出し", "必須", "書き方", "例"), start=1):
        cell = guide.cell(row=start, column=column, value=heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
    for offset, spec in enumerate(FIELDS, start=1):
        row = start + offset
        guide.cell(row=row, column=1, value=spec.label).font = Font(bold=True)
        guide.cell(row=row, column=2, value="必須" if spec.required else "")
        help_cell = guide.cell(row=row, column=3, value=spec.help)
        help_cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.cell(row=row, column=4, value=spec.example)
    workbook.active = workbook.index(data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
