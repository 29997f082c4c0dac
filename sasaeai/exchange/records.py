"""The rows of an uploaded sheet as records: each field's text with the place it came from
(「C列「住所」」), after the headers are mapped to fields. Open-data columns that together make
one field (利用可能曜日 + 開始時間 + 終了時間 → 開催日時; 所在地_町字 + 所在地_番地以下 → 住所) are
joined here."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator
from dataclasses import dataclass, field

from sasaeai.core.recurrence import read_day_list, read_schedule_text, weekly_text
from sasaeai.core.text import nfkc

from .fields import FIELDS_BY_KEY, OPEN_DATA_KEYS
from .values import is_nothing


@dataclass
class Record:
    index: int
    label: str  # 「12行目」「シート「境南」の12行目」「3件目のサービス」
    values: dict[str, str]
    columns: dict[str, str] = field(default_factory=dict)  # field key → 「C列「住所」」
    structured: dict = field(default_factory=dict)  # values already structured (HSDS)

    def column(self, key: str) -> str:
        if key in self.columns:
            return self.columns[key]
        spec = FIELDS_BY_KEY.get(key)
        return f"「{spec.label}」" if spec else key


def field_label(key: str) -> str:
    spec = FIELDS_BY_KEY.get(key)
    if spec:
        return spec.label
    return OPEN_DATA_KEYS.get(key, key)


def records_from_rows(
    *, headers: list[str], sheets: list[dict], rows: list, mapping: dict[str, str]
) -> list[Record]:
    """`rows` hold [sheet index, row number, cells aligned to `headers`]; `mapping` maps a
    header's index (as text) to a field key ("" = not imported)."""
    return list(iter_records(headers=headers, sheets=sheets, rows=rows, mapping=mapping))


def iter_records(
    *, headers: list[str], sheets: list[dict], rows: list, mapping: dict[str, str]
) -> Iterator[Record]:
    """The records of `records_from_rows` one at a time, made only as the planner asks for them
    (a 50,000-row file never holds all its records at once)."""
    used = {int(i): key for i, key in mapping.items() if key}
    several_sheets = len(sheets) > 1
    # Where each field comes from, made once per sheet and shared by its rows (a row's own
    # additions go into a small overlay): 50,000 rows do not hold 50,000 copies.
    sheet_columns: dict[int, dict[str, str]] = {}
    for index, (sheet_index, number, cells) in enumerate(rows):
        sheet = sheets[sheet_index] if sheet_index < len(sheets) else {"name": "", "columns": {}}
        prefix = f"シート「{sheet['name']}」の" if several_sheets and sheet.get("name") else ""
        base = sheet_columns.get(sheet_index)
        if base is None:
            base = sheet_columns[sheet_index] = {}
            for column_index, key in used.items():
                letter = sheet.get("columns", {}).get(str(column_index), "")
                place = f"{letter}列" if letter and not letter.endswith("列目") else letter
                header = headers[column_index] if column_index < len(headers) else ""
                base[key] = f"{place}「{header}」" if place else f"「{header}」"
        values: dict[str, str] = {}
        columns = ChainMap({}, base)
        for column_index, key in used.items():
            if column_index >= len(cells):
                continue
            value = cells[column_index]
            if key in values and values[key] and value:
                values[key] = values[key] + "\n" + value  # two columns mapped to one text field
            elif value or key not in values:
                values[key] = value
        _join_open_data(values, columns)
        yield Record(index=index, label=f"{prefix}{number}行目", values=values, columns=columns)


def _join_open_data(values: dict[str, str], columns: dict[str, str]) -> None:
    if any(k in values for k in ("od_days", "od_opens", "od_closes", "od_schedule_note")):
        days = nfkc(values.pop("od_days", ""))
        opens = nfkc(values.pop("od_opens", ""))
        closes = nfkc(values.pop("od_closes", ""))
        note = values.pop("od_schedule_note", "")
        parts = []
        codes = read_day_list(days) if days else []
        if codes:
            parts.append(weekly_text(codes))
        if opens:
            parts.append(f"{opens}〜{closes}" if closes else f"{opens}〜")
        text = " ".join(parts)
        if note:
            # The 特記事項 wins when it gives opening days itself (第2・第4水曜 13:30〜15:30);
            # otherwise it follows the columns as its own sentence: closing days
            # (土日、祝日を除く) close them, other remarks stay in the note.
            text = note if not text or _gives_opening_days(note) else f"{text}。{note}"
        if "schedule" not in values or not values["schedule"]:
            values["schedule"] = text
            columns.setdefault(
                "schedule", columns.get("od_days") or "「利用可能曜日・開始時間・終了時間」"
            )
    if values.get("addr_town"):
        values["od_machiaza"] = values["addr_town"]  # tried when the address names no town
        columns["od_machiaza"] = columns.get("addr_town", "「所在地_町字」")
    if any(k in values for k in ("addr_prefecture", "addr_city", "addr_town", "addr_rest")):
        joined = "".join(
            values.pop(k, "") for k in ("addr_prefecture", "addr_city", "addr_town", "addr_rest")
        )
        if not values.get("address"):
            values["address"] = joined
            columns.setdefault("address", columns.get("addr_town") or "「所在地」")
    # 内線番号 follows the number it belongs to (「0833-45-1234 内線223」).
    extension = nfkc(values.pop("od_extension", "")).strip()
    phone = values.get("contact_phone", "")
    if extension and phone and "内線" not in phone and not is_nothing(extension):
        values["contact_phone"] = f"{phone} 内線{extension.removeprefix('内線')}"
    # 事業所番号 (介護サービス事業所一覧) is the key on re-import; else the file's own ID.
    office = nfkc(values.pop("od_office_number", "")).strip()
    own_id = values.pop("od_id", "").strip()
    if not values.get("external_id") and (office or own_id):
        values["external_id"] = office or own_id
        columns["external_id"] = columns.get("od_office_number" if office else "od_id", "")
    kind = values.pop("od_care_kind", "").strip()
    if kind:
        if not values.get("categories"):
            values["categories"] = care_kind_categories(kind)
            columns.setdefault("categories", columns.get("od_care_kind", "「実施サービス」"))
        # The kind as written stays visible on the resource, whatever category it became.
        line = f"サービスの種類: {kind}"
        description = values.get("description", "")
        if line not in description:
            values["description"] = f"{line}\n{description}" if description else line
            columns.setdefault("description", columns.get("od_care_kind", "「実施サービス」"))


# 介護サービスの種類 (実施サービス / サービスの種類) → the activity list's nearest terms. The kind
# itself is kept in the description; kinds not listed here (通所介護, 施設, 福祉用具 …) become
# 「その他」, never an activity they are not.
CARE_KIND_CATEGORIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("居宅介護支援", "介護予防支援", "地域包括支援", "ケアプラン", "相談"), "相談"),
    (("配食",), "配食"),
    (("見守り", "夜間対応", "定期巡回"), "見守り"),
    (("訪問介護", "生活援助", "家事"), "家事援助"),
    (("短期入所", "ショートステイ", "家族介護", "介護者"), "介護者支援"),
    # Day services, residential care and equipment have no nearer term than その他.
)


def care_kind_categories(kind: str) -> str:
    """The category names (「、」-separated) for a 介護サービスの種類 as written."""
    for words, name in CARE_KIND_CATEGORIES:
        if any(word in kind for word in words):
            return name
    return "その他"


def _gives_opening_days(note: str) -> bool:
    """The note names its own opening days (not only closing days, not a remark)."""
    if not any(
        word in note
        for word in (
            "第",
            "毎月",
            "毎週",
            "隔週",
            "隔月",
            "最終",
            "偶数月",
            "奇数月",
            "毎日",
            "不定期",
        )
    ):
        return False
    if "不定期" in note:
        return True
    reading = read_schedule_text(note)
    return not reading.needs_review and any(
        s["freq"] in ("WEEKLY", "MONTHLY", "DAILY") for s in reading.schedules
    )
