"""Resources out: CSV and Excel of a search result with Japanese headers (the template's
columns, so that an export imports back unchanged), and the Digital Agency's 自治体標準
オープンデータセット 公共施設一覧 of the public resources (new-generation header)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sasaeai.core.eras import era_date
from sasaeai.core.exports import csv_bytes, sheet_value, text_cell
from sasaeai.core.recurrence import schedule_to_text
from sasaeai.core.text import kanji_numeral, nfkc, to_katakana_reading
from sasaeai.org.models import Municipality
from sasaeai.resources.models import Service

from .fields import FIELDS, OPEN_DATA_NEW_HEADERS
from .planning import service_export_id


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "はい" if value else "いいえ"


def _decimal(value) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def service_values(service: Service, *, municipality_code: str) -> dict[str, str]:
    """A resource as the template's cells (field key → text). Expects the relations of
    resources.selectors.with_display_relations."""
    location = service.location
    organization = service.organization
    town = location.town if location else None
    exact = location is not None and not location.is_approximate
    fee = ""
    if service.is_free:
        fee = "無料"
    elif service.fee_amount is not None:
        fee = f"{service.fee_amount}円"
    return {
        "external_id": service_export_id(service, municipality_code),
        "name": service.name,
        "name_kana": service.name_kana,
        "alternate_name": service.alternate_name,
        "categories": "、".join(c.name for c in service.categories.all()),
        "status": service.get_status_display(),
        "direction": service.get_direction_display() if service.direction else "",
        "description": service.description,
        "target_groups": "、".join(t.name for t in service.target_groups.all()),
        "eligibility_note": service.eligibility_note,
        "organization": organization.name if organization else "",
        "operator_type": (
            organization.operator_type.name if organization and organization.operator_type else ""
        ),
        "corporate_number": organization.corporate_number if organization else "",
        "location_name": location.name if location else "",
        "area": service.area.name if service.area else "",
        "town": town.name if town else "",
        "address": location.address if location else "",
        "address_2": location.address_2 if location else "",
        "postal_code": location.postal_code if location else "",
        "latitude": _decimal(location.latitude) if exact else "",
        "longitude": _decimal(location.longitude) if exact else "",
        "is_private_home": _yes_no(location.is_private_home) if location else "",
        "place_type": location.place_type.name if location and location.place_type else "",
        "schedule": "\n".join(schedule_to_text(s) for s in service.schedules.all()),
        "fee": fee,
        "fees_description": service.fees_description,
        "capacity": "" if service.capacity is None else str(service.capacity),
        "application_required": {True: "要", False: "不要", None: ""}[service.application_required],
        "application_process": service.application_process,
        "contact_name": service.contact_name,
        "contact_phone": service.contact_phone,
        "fax": service.fax,
        "contact_email": service.contact_email,
        "contact_is_public": _yes_no(service.contact_is_public),
        "url": service.url,
        "welcomes_volunteers": _yes_no(service.welcomes_volunteers),
        "volunteer_roles": service.volunteer_roles,
        "step_free": _yes_no(service.step_free),
        "accessible_toilet": _yes_no(service.accessible_toilet),
        "has_seating": _yes_no(service.has_seating),
        "accessibility_note": service.accessibility_note,
        "publication_consent": _yes_no(service.publication_consent),
        "is_public": _yes_no(service.is_public),
        "confirmed_at": era_date(service.confirmed_at, weekday=False)
        if service.confirmed_at
        else "",
        "internal_note": service.internal_note,
        "source_note": service.source_note,
    }


def export_table(services, *, municipality_code: str) -> tuple[list[str], list[list[str]]]:
    headers = [f.label for f in FIELDS]
    rows = []
    for service in services:
        values = service_values(service, municipality_code=municipality_code)
        rows.append([values[f.key] for f in FIELDS])
    return headers, rows


def export_csv(services, *, municipality_code: str) -> bytes:
    headers, rows = export_table(services, municipality_code=municipality_code)
    return csv_bytes(headers, rows)


def export_xlsx(services, *, municipality_code: str, title: str = "社会資源") -> bytes:
    headers, rows = export_table(services, municipality_code=municipality_code)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "B2"
    for index, spec in enumerate(FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = spec.width
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0031D8")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cells.append(text_cell(WriteOnlyCell(sheet, value=sheet_value(value))))
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- 公共施設一覧 (自治体標準オープンデータセット) -------------------------------------------------

_WEEKDAYS = {"MO": "月", "TU": "火", "WE": "水", "TH": "木", "FR": "金", "SA": "土", "SU": "日"}


def _address_parts(location, municipality: Municipality) -> tuple[str, str]:
    """(町字, 番地以下) of a location's address: 「桜堤二丁目」, 「8-1」."""
    town = location.town
    if town is None:
        return "", nfkc(location.address)
    machiaza = town.name
    if location.town_block is not None:
        machiaza += f"{kanji_numeral(location.town_block.number)}丁目"
    text = nfkc(location.address).replace(" ", "")
    for prefix in (municipality.prefecture, municipality.name):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    rest = text[text.find(town.name) + len(town.name) :] if town.name in text else ""
    if location.town_block is not None:
        rest = re.sub(r"^([0-9]+|[一二三四五六七八九十]+)\s*(丁目|[-‐－ー−の])?", "", rest)
    return machiaza, rest.strip("-")


def open_data_row(
    service: Service, *, municipality: Municipality, area_points: dict
) -> dict[str, str]:
    code = municipality.code
    location = service.location
    organization = service.organization
    row = dict.fromkeys(OPEN_DATA_NEW_HEADERS, "")
    row["全国地方公共団体コード"] = code
    row["ID"] = service_export_id(service, code)
    row["地方公共団体名"] = municipality.prefecture + municipality.name
    row["名称"] = service.name
    kana = service.name_kana or service.name_reading
    row["名称_カナ"] = to_katakana_reading(kana) if kana else ""
    row["名称_通称"] = service.alternate_name
    if location is not None:
        private = location.is_private_home
        machiaza, rest = _address_parts(location, municipality)
        if private:
            machiaza, rest = (location.town.name if location.town else ""), ""
        row["所在地_全国地方公共団体コード"] = code
        row["所在地_都道府県"] = municipality.prefecture
        row["所在地_市区町村"] = municipality.name
        row["所在地_町字"] = machiaza
        row["所在地_番地以下"] = rest
        row["所在地_連結表記"] = municipality.prefecture + municipality.name + machiaza + rest
        if not private:
            row["建物名等(方書)"] = location.address_2
            if location.latitude is not None:
                row["緯度"] = _decimal(location.latitude)
                row["経度"] = _decimal(location.longitude)
            postal = location.postal_code or (
                location.town_block.postal_code if location.town_block else ""
            )
        else:
            point = area_points.get(location.area_id)
            if point is not None:
                row["緯度"], row["経度"] = f"{point[0]:.6f}", f"{point[1]:.6f}"
            postal = ""
        postal = postal or (location.town.postal_code if location.town else "")
        digits = re.sub(r"\D", "", postal)
        row["郵便番号"] = f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else postal
    if service.contact_is_public:
        row["電話番号"] = service.contact_phone
        row["連絡先メールアドレス"] = service.contact_email
    if organization is not None:
        row["法人番号"] = organization.corporate_number
        row["団体名"] = organization.name
    schedules = list(service.schedules.all())
    days: list[str] = []
    for schedule in schedules:
        if schedule.freq == "DAILY":
            days = list(_WEEKDAYS.values())
            break
        for item in (schedule.byday or "").split(","):
            day = _WEEKDAYS.get(item[-2:]) if item else None
            if day and day not in days:
                days.append(day)
    row["利用可能曜日"] = ",".join(sorted(days, key=list(_WEEKDAYS.values()).index))
    timed = [s for s in schedules if s.opens_at]
    if timed:
        row["開始時間"] = timed[0].opens_at.strftime("%H:%M")
        row["終了時間"] = timed[0].closes_at.strftime("%H:%M") if timed[0].closes_at else ""
    row["利用可能時間特記事項"] = "／".join(schedule_to_text(s) for s in schedules)
    row["説明"] = service.description
    access = [
        label
        for flag, label in (
            (service.step_free, "段差なし"),
            (service.accessible_toilet, "多目的トイレあり"),
            (service.has_seating, "椅子席あり"),
        )
        if flag
    ]
    if service.accessibility_note:
        access.append(service.accessibility_note.replace(";", "、"))
    row["バリアフリー情報"] = ";".join(access)
    row["URL"] = service.url
    return row


def export_open_data_csv(services, *, municipality: Municipality) -> bytes:
    from sasaeai.resources.selectors import area_centroids

    points = area_centroids(municipality.pk)
    rows = [
        [
            open_data_row(s, municipality=municipality, area_points=points)[h]
            for h in OPEN_DATA_NEW_HEADERS
        ]
        for s in services
    ]
    return csv_bytes(list(OPEN_DATA_NEW_HEADERS), rows)
