"""Reading one record of an import: every present field read into a typed value and its
comparable form, each problem noted with its row, its column and a Japanese explanation;
schedules checked with the model's own validation, the town placed from the 町 column or the
address, and the model's rules across fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError

from sasaeai.core.recurrence import read_schedule_text, schedule_key
from sasaeai.core.text import nfkc
from sasaeai.org.addresses import ResolvedAddress
from sasaeai.org.models import Town, TownBlock
from sasaeai.resources.models import Category, Location, Organization, Schedule, Service

from .. import values as read
from ..records import Record
from .columns import BOOLEAN_FIELDS, MULTILINE_FIELDS, SCHEDULE_KEYS, TEXT_FIELDS
from .context import ImportContext
from .folding import fold
from .plan import RowPlan

# A point this close to a 丁目's or town's own point is that point (exports give it for places
# without an exact one), not an exact position.
REPRESENTATIVE_TOLERANCE = Decimal("0.000002")


def is_representative(
    latitude: Decimal, longitude: Decimal, block: TownBlock | None, town: Town | None
) -> bool:
    """Whether a point is the 丁目's or the town's own representative point."""
    points = []
    if block is not None and block.latitude is not None:
        points.append((block.latitude, block.longitude))
    if town is not None and town.latitude is not None:
        points.append((town.latitude, town.longitude))
    latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
    return any(
        abs(latitude - Decimal(str(p_lat))) < REPRESENTATIVE_TOLERANCE
        and abs(longitude - Decimal(str(p_lon))) < REPRESENTATIVE_TOLERANCE
        for p_lat, p_lon in points
    )


# Optional columns whose unreadable value is left out with a warning instead of refusing the
# row (「なし」 in 電話番号, 法人番号 written by Excel as 4.00E+12, 郵便番号「-」 …): only what
# makes a row meaningless (no name, no place) is an error.
SOFT_FIELDS = {
    "direction",
    "contact_phone",
    "fax",
    "contact_email",
    "url",
    "postal_code",
    "corporate_number",
    "capacity",
    "confirmed_at",
    "application_required",
    "step_free",
    "accessible_toilet",
    "has_seating",
    "welcomes_volunteers",
    "is_private_home",
}


def comparable_json(value: Any) -> Any:
    """The comparable JSON form of a typed value."""
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.000001")))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [comparable_json(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def _lookup_many(
    record: Record, row: RowPlan, key: str, text: str, lookup: dict, what: str
) -> list:
    found = []
    for item in read.split_list(text):
        match = lookup.get(fold(item))
        if match is None:
            row.warn(
                record,
                key,
                f"{what}「{item}」は登録されていません。この{what}は付けずに取り込みます（選択肢は雛形の「選択肢」シートにあります）。",
            )
        elif match not in found:
            found.append(match)
    return found


def read_record(record: Record, ctx: ImportContext) -> RowPlan:
    """Reads every present field of a record into typed values and their comparable form,
    noting each problem with its column."""
    row = RowPlan(index=record.index, label=record.label)
    v = record.values
    typed = row.typed

    def take(key: str, reader):
        if key not in v:
            return
        try:
            typed[key] = reader(v[key])
        except read.CellError as exc:
            if key in SOFT_FIELDS:
                # Junk in an optional column never blocks the row: the rest comes in.
                row.warn(record, key, f"{exc}この値は取り込みません（ほかの項目は取り込みます）。")
            else:
                row.error(record, key, str(exc))

    for key in TEXT_FIELDS:
        if key in v:
            typed[key] = read.text(v[key]) if key in MULTILINE_FIELDS else read.line(v[key])
    take("status", read.status)
    take("direction", read.direction)
    take("contact_phone", read.phone)
    take("fax", read.phone)
    take("contact_email", read.email)
    take("url", read.url)
    take("postal_code", read.postal_code)
    take("corporate_number", read.corporate_number)
    take("capacity", lambda t: read.integer(t, unit="人"))
    take("application_required", read.application)
    take("confirmed_at", read.date)
    for key in BOOLEAN_FIELDS:
        take(key, read.yes_no)
    for key in ("location_name", "address", "address_2", "organization"):
        if key in v:
            typed[key] = read.line(v[key])
    if "fee" in v:
        is_free, amount, description = read.fee(v["fee"])
        typed["fee"] = (is_free, amount)
        if description and "fees_description" not in v:
            typed["fees_description"] = description
    for key in ("latitude", "longitude"):
        take(key, read.decimal)
    if "categories" in v:
        typed["categories"] = _lookup_many(
            record,
            row,
            "categories",
            v["categories"],
            ctx.category_lookup[Category.Axis.ACTIVITY],
            "活動の種類",
        )
    if "target_groups" in v:
        typed["target_groups"] = _lookup_many(
            record, row, "target_groups", v["target_groups"], ctx.target_lookup, "対象者"
        )
    for key, axis, what in (
        ("place_type", Category.Axis.PLACE, "場所の種別"),
        ("operator_type", Category.Axis.OPERATOR, "運営主体の種別"),
    ):
        if key in v:
            # One value, whose name may itself hold 「、」 (住民団体（自治会、NPO法人等）).
            whole = ctx.category_lookup[axis].get(fold(v[key])) if v[key] else None
            if whole is not None:
                typed[key] = whole
                continue
            found = _lookup_many(record, row, key, v[key], ctx.category_lookup[axis], what)
            typed[key] = found[0] if found else None
    _read_schedule(record, row)
    _read_place(record, row, ctx)
    if "municipality_code" in v and v["municipality_code"].strip():
        code = nfkc(v["municipality_code"]).strip()
        if code not in (ctx.municipality.code, ctx.municipality.code[:5]):
            row.error(
                record,
                "municipality_code",
                f"市区町村コード「{code}」は{ctx.municipality.name}（{ctx.municipality.code}）のものではありません。ほかの市区町村のデータは取り込めません。",
            )
    row.name = typed.get("name", "")
    missing = record.structured.get("missing") or []
    for key in missing:
        row.error(record, key, f"HSDSで必須の項目「{key}」がありません。")
    if ("name" not in v or not typed.get("name")) and "name" not in missing:
        row.error(record, "name", "名称がありません。名称は必須です。")
    _check_lengths(record, row)
    _check_rules(record, row)
    # The comparable form of every present field.
    for key, value in typed.items():
        if key == "schedule":
            row.new[key] = _comparable_schedules(value)
        elif key in ("categories", "target_groups"):
            row.new[key] = sorted(item.pk for item in value)
        elif key == "organization":
            row.new[key] = fold(value)
        elif key == "fee":
            row.new[key] = [value[0], value[1]]
        elif key in ("latitude", "longitude") and value is not None:
            row.new[key] = comparable_json(value)
        else:
            row.new[key] = comparable_json(value)
    return row


@lru_cache(maxsize=4096)
def _read_schedule_cached(text: str):
    return read_schedule_text(text)


def _read_schedule(record: Record, row: RowPlan) -> None:
    structured = record.structured.get("schedules")
    if structured is not None:
        row.typed["schedule"] = _valid_schedules(record, row, list(structured))
        return
    if "schedule" not in record.values:
        return
    reading = _read_schedule_cached(record.values["schedule"])
    row.holidays_stated = "祝" in (record.values["schedule"] or "")
    row.year_end_stated = "年末" in (record.values["schedule"] or "") or "年始" in (
        record.values["schedule"] or ""
    )
    if reading.needs_review:
        row.review = reading.reason
        row.warn(
            record,
            "schedule",
            f"{reading.reason}。取り込み後に開催日時を確認してください。",
            severity="review",
        )
    row.typed["schedule"] = _valid_schedules(record, row, list(reading.schedules))


_SCHEDULE_CHECKS: dict[tuple, tuple[dict | None, str]] = {}


_COMPARABLE_SCHEDULES: dict[tuple, list] = {}


def _comparable_schedules(schedules: list[dict]) -> list:
    """The comparable form of a row's schedules, one shared list per distinct set (memory: a
    50,000-row sheet repeats a few patterns)."""
    keys = sorted(schedule_key(s) for s in schedules)
    shared = _COMPARABLE_SCHEDULES.get(tuple(keys))
    if shared is None:
        if len(_COMPARABLE_SCHEDULES) > 10_000:
            _COMPARABLE_SCHEDULES.clear()
        shared = _COMPARABLE_SCHEDULES[tuple(keys)] = [list(k) for k in keys]
    return shared


def _schedule_json(values: dict) -> list:
    return list(schedule_key(values))


def _check_schedule(values: dict) -> tuple[dict | None, str]:
    """(the cleaned values, "") or (None, the model's messages): a schedule checked with the
    model's own validation, once per distinct schedule (a sheet repeats a few patterns)."""
    key = (
        *schedule_key(values),
        str(values.get("valid_from") or ""),
        str(values.get("valid_to") or ""),
    )
    cached = _SCHEDULE_CHECKS.get(key)
    if cached is not None:
        return cached
    schedule = Schedule(**{k: values.get(k) for k in SCHEDULE_KEYS if k in values})
    try:
        schedule.full_clean(exclude=["service"])
    except ValidationError as exc:
        outcome = (None, "、".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        outcome = ({k: getattr(schedule, k) for k in SCHEDULE_KEYS}, "")
    if len(_SCHEDULE_CHECKS) > 10_000:
        _SCHEDULE_CHECKS.clear()
    _SCHEDULE_CHECKS[key] = outcome
    return outcome


def _valid_schedules(record: Record, row: RowPlan, schedules: list[dict]) -> list[dict]:
    """Each schedule checked with the model's own validation; one that fails is kept as a note
    for a person to check."""
    valid = []
    for values in schedules:
        cleaned, messages = _check_schedule(values)
        if cleaned is None:
            note = values.get("note") or record.values.get("schedule", "")
            cleaned = {
                "freq": "IRREGULAR",
                "interval": 1,
                "byday": "",
                "bymonthday": "",
                "opens_at": None,
                "closes_at": None,
                "valid_from": None,
                "valid_to": None,
                "closed_on_holidays": False,
                "closed_year_end": False,
                "note": (note or "日程は要確認")[:300],
            }
            row.review = row.review or messages
            row.warn(
                record,
                "schedule",
                f"開催日時を構造化できませんでした（{messages}）。補足として残します。",
                "review",
            )
        # The checked values are shared by every row with the same schedule (a sheet repeats
        # a few patterns); nobody changes them in place (existing.py copies before it does).
        valid.append(cleaned)
    return valid


def _read_place(record: Record, row: RowPlan, ctx: ImportContext) -> None:
    """The town (from the 町 column, else from the address), the 丁目, and the area check."""
    v = record.values
    typed = row.typed
    town = None
    if "town" in v and v["town"].strip():
        name = v["town"].strip()
        town = ctx.town_by_name.get(fold(name))
        if town is None:
            resolved = ctx.addresses.resolve(name)
            town = resolved.town if resolved else None
        if town is None:
            row.error(
                record,
                "town",
                f"町「{name}」は{ctx.municipality.name}の町にありません。町名を確かめてください（選択肢は雛形の「選択肢」シートにあります）。",
            )
            return
        typed["town"] = town
    elif "town" in v:
        typed["town"] = None
    lat, lon = typed.get("latitude"), typed.get("longitude")
    if (lat is None) != (lon is None) and ("latitude" in typed or "longitude" in typed):
        row.error(
            record,
            "latitude",
            "緯度と経度は両方とも入力してください（片方だけでは位置を決められません）。",
        )
    elif lat is not None and lon is not None:
        if 122 <= lat <= 154 and 20 <= lon <= 46:
            typed["latitude"], typed["longitude"] = lon, lat
            row.warn(
                record, "latitude", "緯度と経度が入れ替わっていたため、入れ替えて取り込みます。"
            )
        elif not (20 <= lat <= 46 and 122 <= lon <= 154):
            row.error(
                record,
                "latitude",
                f"緯度・経度（{lat}, {lon}）が日本の範囲の外です。世界測地系の10進数で入力してください。",
            )
    address = typed.get("address", "")
    machiaza = (v.get("od_machiaza") or "").strip()
    if address or machiaza:
        resolved = ctx.addresses.resolve(address) if address else None
        if resolved is None and machiaza:
            resolved = ctx.addresses.resolve(machiaza)  # 所在地_町字 when the address fails
        if resolved is None:
            if town is None:
                lat, lon = typed.get("latitude"), typed.get("longitude")
                placement = ctx.addresses.place(
                    address=address, town=machiaza, latitude=lat, longitude=lon
                )
                if placement.town is None:
                    written = address or machiaza
                    row.error(
                        record,
                        "address",
                        f"住所「{written}」から{ctx.municipality.name}の町を特定できず、"
                        "緯度・経度もありません。市内の住所か確かめるか、「町」の列に町名か、"
                        "緯度・経度を入れてください。",
                    )
                    return
                # A good point with an unknown town: the point stays, the nearest town is taken.
                for warning in placement.warnings:
                    row.warn(record, "address", warning)
                town = placement.town
                row.resolved = ResolvedAddress(town=town, block=placement.block, rest="")
        elif town is not None and resolved.town.pk != town.pk:
            row.warn(
                record,
                "address",
                f"住所の町（{resolved.town.name}）と「町」の列（{town.name}）が違います。「町」の列を使います。",
            )
        else:
            row.resolved = resolved
            town = resolved.town
    row.town = town
    if "area" in v and v["area"].strip():
        area = ctx.area_by_name.get(fold(v["area"]))
        if area is None:
            row.warn(
                record,
                "area",
                f"圏域「{v['area'].strip()}」は登録されていません。圏域は町から決めます。",
            )
        elif town is not None and town.area_id != area.pk:
            actual = ctx.areas.get(town.area_id)
            row.warn(
                record,
                "area",
                f"圏域「{area.name}」は町「{town.name}」の圏域（{actual.name if actual else 'なし'}）と違います。町の圏域を使います。",
            )
        elif town is None:
            row.warn(
                record,
                "area",
                "圏域だけでは場所を決められません。「町」か「住所」を入れてください。",
            )
    lat, lon = typed.get("latitude"), typed.get("longitude")
    if lat is not None and lon is not None and town is not None:
        # The town's or 丁目's own point (exports give it for places without an exact one) is
        # not an exact position.
        block = row.resolved.block if row.resolved is not None else None
        if is_representative(lat, lon, block, town):
            typed["latitude"] = typed["longitude"] = None


@lru_cache(maxsize=1)
def _length_limits() -> dict[str, int]:
    return {
        **{
            f.name: f.max_length
            for f in Service._meta.concrete_fields
            if getattr(f, "max_length", None)
        },
        "location_name": Location._meta.get_field("name").max_length,
        "address": Location._meta.get_field("address").max_length,
        "address_2": Location._meta.get_field("address_2").max_length,
        "organization": Organization._meta.get_field("name").max_length,
    }


def _check_lengths(record: Record, row: RowPlan) -> None:
    limits = _length_limits()
    for key, value in list(row.typed.items()):
        limit = limits.get(key)
        if limit and isinstance(value, str) and len(value) > limit:
            row.error(record, key, f"{len(value)}文字あります。{limit}文字以内にしてください。")


def _check_rules(record: Record, row: RowPlan) -> None:
    typed = row.typed
    fee = typed.get("fee")
    if fee and fee[0] and fee[1]:
        row.error(record, "fee", "無料の場合、参加費の金額は入れないでください。")
