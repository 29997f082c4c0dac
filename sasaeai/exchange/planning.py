"""Deciding what an import will do, row by row, before anything is written: each field read and
checked (with the row, the column and a Japanese explanation for every problem), the resource
each row is the same as (by external id, or by name in the same town), likely duplicates to
offer for merging, and, for rows that update, which fields change and which are kept because a
coordinator edited them in the system since the last import.

Everything the rows refer to is loaded once (towns, blocks, categories, existing resources), so
planning costs no query per row; addresses are placed with org.selectors.address_resolve,
called once per distinct town and 丁目."""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.core.text import nfkc, search_key
from sasaeai.org.models import Area, Municipality, Town
from sasaeai.org.selectors import ResolvedAddress, address_resolve
from sasaeai.resources.models import (
    Category,
    Location,
    Organization,
    Schedule,
    Service,
    TargetGroup,
)

from . import values as read
from .fields import FIELDS_BY_KEY
from .records import Record, field_label
from .schedule_text import read_schedule_text, schedule_key

# Service fields written from a text column of the same name.
TEXT_FIELDS = (
    "name",
    "name_kana",
    "alternate_name",
    "description",
    "eligibility_note",
    "fees_description",
    "application_process",
    "contact_name",
    "volunteer_roles",
    "accessibility_note",
    "internal_note",
    "source_note",
    "external_id",
)
MULTILINE_FIELDS = {"description", "internal_note", "volunteer_roles"}
BOOLEAN_FIELDS = (
    "is_private_home",
    "contact_is_public",
    "welcomes_volunteers",
    "step_free",
    "accessible_toilet",
    "has_seating",
    "publication_consent",
    "is_public",
)
# Boolean service fields that cannot be unknown: an empty cell means "not given".
NOT_NULL_BOOLEANS = {"contact_is_public", "welcomes_volunteers", "publication_consent", "is_public"}
LOCATION_KEYS = (
    "location_name",
    "address",
    "address_2",
    "postal_code",
    "town",
    "latitude",
    "longitude",
    "is_private_home",
    "place_type",
)
ORGANIZATION_KEYS = ("organization", "operator_type", "corporate_number")
# Keys whose value is only checked, never stored.
CHECK_ONLY_KEYS = ("area", "municipality_code")
SERVICE_DIRECT = (
    *TEXT_FIELDS,
    "status",
    "contact_phone",
    "contact_email",
    "url",
    "capacity",
    "application_required",
    "confirmed_at",
    "contact_is_public",
    "welcomes_volunteers",
    "step_free",
    "accessible_toilet",
    "has_seating",
    "publication_consent",
    "is_public",
)
SEARCH_FIELDS = ["search_name", "search_text", "search_chars", "search_facts", "name_reading"]
SERVICE_FK_FIELDS = ["municipality", "organization", "location", "town", "area", "confirmed_by"]

# The namespace of the ids this installation gives its resources in exports (HSDS ids are UUIDs).
EXPORT_NAMESPACE = uuid.UUID("6f1d8a52-3a0e-5c8e-9a47-5a5a5e0a1c39")


def export_id(*, municipality_code: str, kind: str, pk: int) -> str:
    """The stable id of a record in exports: a UUID derived from the municipality and the pk."""
    return str(uuid.uuid5(EXPORT_NAMESPACE, f"sasaeai:{municipality_code}:{kind}:{pk}"))


def service_export_id(service: Service, municipality_code: str) -> str:
    return service.external_id or export_id(
        municipality_code=municipality_code, kind="service", pk=service.pk
    )


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def service_hsds_id(service: Service, municipality_code: str) -> str:
    """The service's id in HSDS, which must be a UUID: its export id, or a UUID derived from
    an external id that is not one (the importer knows both)."""
    value = service_export_id(service, municipality_code)
    if is_uuid(value):
        return value
    return export_id(municipality_code=municipality_code, kind="external", pk=value)  # type: ignore[arg-type]


def fold(value: str) -> str:
    """Names and addresses compared: width, kana, case and spaces folded."""
    return _fold(value or "")


@lru_cache(maxsize=65536)
def _fold(value: str) -> str:
    # Pure and called for every name, address and list item of every row and every existing
    # resource: cached (a 10,000-row import folds the same towns and words again and again).
    return re.sub(r"\s+", "", search_key(value))


_GENERIC = re.compile(
    r"サロン|の会|会|教室|クラブ|倶楽部|ひろば|広場|カフェ|食堂|[()（）「」『』・\-ー〜~]"
)


def core_name(name: str) -> str:
    """The distinctive part of a name (ふれあいサロン桜堤 → フレアイ桜堤) for "similar name"."""
    core = _GENERIC.sub("", fold(name))
    return core or fold(name)


def phone_digits(value: str) -> str:
    return re.sub(r"\D", "", nfkc(value or ""))


def address_fold(value: str, municipality: Municipality) -> str:
    return _address_fold(value or "", municipality.prefecture, municipality.name)


@lru_cache(maxsize=65536)
def _address_fold(value: str, prefecture: str, city: str) -> str:
    text = fold(nfkc(value))
    for prefix in (fold(prefecture), fold(city)):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = re.sub(r"丁目|番地?|号", "-", text)
    return re.sub(r"-+", "-", text).strip("-")


# --- plan objects -----------------------------------------------------------------------------


@dataclass
class Problem:
    label: str
    column: str
    message: str
    severity: str = "error"  # error / warning / review
    index: int = 0

    def as_json(self) -> dict:
        return {
            "row": self.label,
            "column": self.column,
            "message": self.message,
            "severity": self.severity,
            "index": self.index,
        }


@dataclass
class Candidate:
    service_id: int
    name: str
    town: str
    reasons: list[str]

    def as_json(self) -> dict:
        return {
            "service_id": self.service_id,
            "name": self.name,
            "town": self.town,
            "reasons": self.reasons,
        }


@dataclass
class RowPlan:
    index: int
    label: str
    name: str = ""
    action: str = "create"  # create / update / unchanged / skip / error
    target_id: int | None = None
    match: str = ""  # why the row is taken as an existing resource
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    review: str = ""
    typed: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    resolved: ResolvedAddress | None = None
    town: Town | None = None

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def error(self, record: Record, key: str, message: str) -> None:
        self.problems.append(
            Problem(record.label, record.column(key), message, "error", record.index)
        )

    def warn(self, record: Record, key: str, message: str, severity: str = "warning") -> None:
        self.problems.append(
            Problem(record.label, record.column(key), message, severity, record.index)
        )


@dataclass
class Plan:
    rows: list[RowPlan]
    file_problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "skip": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["total"] = len(self.rows)
        counts["review"] = sum(1 for r in self.rows if r.review and r.action != "error")
        counts["duplicates"] = sum(1 for r in self.rows if r.candidates)
        return counts

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.action == "error") + len(
            [p for p in self.file_problems if p.severity == "error"]
        )

    def fingerprint(self) -> list:
        """What the plan would do, for noticing a change between preview and commit."""
        return [[r.index, r.action, r.target_id, sorted(r.changes)] for r in self.rows]


# --- what is loaded once ------------------------------------------------------------------------


class AddressBook:
    """Places addresses with org.selectors.address_resolve, once per distinct town and 丁目."""

    _BLOCK = re.compile(r"^\s*([0-9]+|[一二三四五六七八九十]+)\s*(?:丁目|[-‐－ー−の])?")

    def __init__(self, municipality: Municipality, towns: list[Town]):
        self.municipality = municipality
        self.towns = sorted(towns, key=lambda t: len(t.name), reverse=True)
        self.cache: dict[str, ResolvedAddress | None] = {}

    def _key(self, address: str) -> str | None:
        text = nfkc(address).replace(" ", "")
        for prefix in (self.municipality.prefecture, self.municipality.name):
            if text.startswith(prefix):
                text = text[len(prefix) :]
        for town in self.towns:
            position = text.find(town.name)
            if position == -1 or position > 2:
                continue
            end = position + len(town.name)
            match = self._BLOCK.match(text[end:])
            return text[: end + (match.end() if match else 0)]
        return None

    def resolve(self, address: str) -> ResolvedAddress | None:
        key = self._key(address)
        if key is None:
            return None
        if key not in self.cache:
            self.cache[key] = address_resolve(municipality=self.municipality, address=key)
        return self.cache[key]


class ImportContext:
    """The municipality's towns, areas, managed lists and existing resources, loaded once."""

    def __init__(self, *, user: User, municipality: Municipality, source_name: str = ""):
        self.user = user
        self.municipality = municipality
        self.source_name = source_name
        self.towns = list(Town.objects.filter(municipality=municipality).select_related("area"))
        self.towns_by_id = {t.pk: t for t in self.towns}
        self.town_by_name = {fold(t.name): t for t in self.towns}
        self.areas = {a.pk: a for a in Area.objects.filter(municipality=municipality)}
        self.area_by_name = {fold(a.name): a for a in self.areas.values()}
        self.addresses = AddressBook(municipality, self.towns)
        shared = Q(municipality__isnull=True) | Q(municipality=municipality)
        categories = list(Category.objects.filter(shared, is_active=True).select_related("parent"))
        self.categories = {c.pk: c for c in categories}
        self.category_lookup: dict[str, dict[str, Category]] = defaultdict(dict)
        for c in categories:
            lookup = self.category_lookup[c.axis]
            for word in (c.name, c.code, c.survey_label, c.name_kana):
                if word:
                    lookup.setdefault(fold(word), c)
        targets = list(TargetGroup.objects.filter(is_active=True))
        self.target_groups = {t.pk: t for t in targets}
        self.target_lookup: dict[str, TargetGroup] = {}
        for t in targets:
            for word in (t.name, t.public_label, t.code):
                if word:
                    self.target_lookup.setdefault(fold(word), t)
        self.organizations = {}
        for org in Organization.objects.filter(municipality=municipality).order_by("pk"):
            self.organizations.setdefault(fold(org.name), org)
        self.locations: dict[tuple, Location] = {}
        for loc in (
            Location.objects.filter(municipality=municipality)
            .select_related("town", "area", "town_block")
            .order_by("pk")
        ):
            self.locations.setdefault(self.location_key(loc.name, loc.address, loc.town_id), loc)
        self.loaded: dict[int, Service] = {}
        self.blank_service = Service(municipality=municipality)
        self._index_services()

    def _index_services(self) -> None:
        rows = Service.objects.filter(municipality=self.municipality).values_list(
            "pk", "name", "town_id", "external_id", "contact_phone", "location__address"
        )
        self.service_names: dict[int, tuple[str, int | None]] = {}
        self.by_external_id: dict[str, int] = {}
        self.by_name_town: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        self.by_core_town: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_phone: dict[str, list[int]] = defaultdict(list)
        self.by_address: dict[str, list[int]] = defaultdict(list)
        self.external_ids: dict[int, str] = {}
        code = self.municipality.code
        for pk, name, town_id, external_id, phone, address in rows.order_by("pk"):
            self.service_names[pk] = (name, town_id)
            self.external_ids[pk] = external_id
            self.by_external_id.setdefault(
                external_id or export_id(municipality_code=code, kind="service", pk=pk), pk
            )
            if external_id and not is_uuid(external_id):
                # what the HSDS export calls it
                self.by_external_id.setdefault(
                    export_id(municipality_code=code, kind="external", pk=external_id),  # type: ignore[arg-type]
                    pk,
                )
            self.by_name_town[(fold(name), town_id)].append(pk)
            self.by_core_town[(core_name(name), town_id)].append(pk)
            self.by_name[fold(name)].append(pk)
            if phone_digits(phone):
                self.by_phone[phone_digits(phone)].append(pk)
            if address:
                self.by_address[address_fold(address, self.municipality)].append(pk)

    def location_key(self, name: str, address: str, town_id: int | None) -> tuple:
        """Where a location is the same: its name and address (and its town, when it has
        neither)."""
        name_key, address_key = fold(name), address_fold(address, self.municipality)
        return (name_key, address_key, None if (name_key or address_key) else town_id)

    def load_services(self, ids: set[int]) -> dict[int, Service]:
        """The existing resources rows refer to, with what comparing them needs."""
        from .models import ImportTrace

        if not ids:
            return {}
        services = (
            Service.objects.filter(pk__in=ids)
            .select_related(
                "organization",
                "organization__operator_type",
                "location",
                "location__town",
                "location__area",
                "location__town_block",
                "location__place_type",
                "town",
            )
            .prefetch_related(
                "categories",
                "target_groups",
                Prefetch("schedules", queryset=Schedule.objects.order_by("pk")),
            )
        )
        loaded = {s.pk: s for s in services}
        traces = dict(
            ImportTrace.objects.filter(service_id__in=ids).values_list("service_id", "values")
        )
        for pk, service in loaded.items():
            service.import_values = traces.get(pk)
        self.loaded.update(loaded)
        return loaded

    def town_name(self, town_id: int | None) -> str:
        town = self.towns_by_id.get(town_id) if town_id else None
        return town.name if town else "（町なし）"


# --- reading one record -------------------------------------------------------------------------


def _json(value: Any) -> Any:
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
        return [_json(v) for v in value]
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
            row.error(record, key, str(exc))

    for key in TEXT_FIELDS:
        if key in v:
            typed[key] = read.text(v[key]) if key in MULTILINE_FIELDS else read.line(v[key])
    take("status", read.status)
    take("contact_phone", read.phone)
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
            row.new[key] = sorted(_schedule_json(s) for s in value)
        elif key in ("categories", "target_groups"):
            row.new[key] = sorted(item.pk for item in value)
        elif key == "organization":
            row.new[key] = fold(value)
        elif key == "fee":
            row.new[key] = [value[0], value[1]]
        elif key in ("latitude", "longitude") and value is not None:
            row.new[key] = _json(value)
        else:
            row.new[key] = _json(value)
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
    schedule = Schedule(**{k: values.get(k) for k in _SCHEDULE_KEYS if k in values})
    try:
        schedule.full_clean(exclude=["service"])
    except ValidationError as exc:
        outcome = (None, "、".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        outcome = ({k: getattr(schedule, k) for k in _SCHEDULE_KEYS}, "")
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
                "note": (note or "日程は要確認")[:300],
            }
            row.review = row.review or messages
            row.warn(
                record,
                "schedule",
                f"開催日時を構造化できませんでした（{messages}）。補足として残します。",
                "review",
            )
        valid.append(dict(cleaned))
    return valid


_SCHEDULE_KEYS = (
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "closed_on_holidays",
    "note",
)


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
    address = typed.get("address", "")
    if address:
        resolved = ctx.addresses.resolve(address)
        if resolved is None:
            if town is None:
                row.error(
                    record,
                    "address",
                    f"住所「{address}」から{ctx.municipality.name}の町を特定できません。"
                    "市内の住所か確かめるか、「町」の列に町名を入れてください。",
                )
                return
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
    lat, lon = typed.get("latitude"), typed.get("longitude")
    if lat is not None and lon is not None and town is not None:
        # The town's or 丁目's own point (exports give it for places without an exact one) is
        # not an exact position.
        block = row.resolved.block if row.resolved is not None else None
        points = [(block.latitude, block.longitude)] if block is not None else []
        if town.latitude is not None:
            points.append((town.latitude, town.longitude))
        if any(
            abs(lat - p_lat) < Decimal("0.000002") and abs(lon - p_lon) < Decimal("0.000002")
            for p_lat, p_lon in points
        ):
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


def effective(row: RowPlan, service: Service | None, key: str):
    """The value a field will have after the import (typed if it changes, else current)."""
    if key in row.changes or service is None:
        return row.typed.get(key)
    return current_typed(service, key)


# --- what an existing resource has --------------------------------------------------------------


def current_typed(service: Service, key: str):
    location = service.location
    if key in SERVICE_DIRECT:
        return getattr(service, key)
    if key == "fee":
        return (service.is_free, service.fee_amount)
    if key == "categories":
        return list(service.categories.all())
    if key == "target_groups":
        return list(service.target_groups.all())
    if key == "schedule":
        return [{k: getattr(s, k) for k in _SCHEDULE_KEYS} for s in service.schedules.all()]
    if key == "organization":
        return service.organization.name if service.organization else ""
    if key == "operator_type":
        return service.organization.operator_type if service.organization else None
    if key == "corporate_number":
        return service.organization.corporate_number if service.organization else ""
    if key in LOCATION_KEYS:
        if location is None:
            return (
                None
                if key in ("town", "latitude", "longitude", "is_private_home", "place_type")
                else ""
            )
        if key == "location_name":
            return location.name
        if key in ("latitude", "longitude"):
            return None if location.is_approximate else getattr(location, key)
        if key == "town":
            return location.town
        return getattr(location, key)
    return None


def current_json(service: Service, key: str):
    value = current_typed(service, key)
    if key == "schedule":
        return sorted(list(schedule_key(s)) for s in value)
    if key in ("categories", "target_groups"):
        return sorted(item.pk for item in value)
    if key == "organization":
        return fold(value)
    if key == "fee":
        return [value[0], value[1]]
    return _json(value)


def _derived_postal_codes(service: Service) -> set[str]:
    location = service.location
    if location is None:
        return set()
    codes = set()
    for source in (location.town_block, location.town):
        code = re.sub(r"\D", "", getattr(source, "postal_code", "") or "")
        if len(code) == 7:
            codes |= {code, f"{code[:3]}-{code[3:]}"}
    return codes


def _empty(value) -> bool:
    return value in (None, "", [], [None, None])


def compare(row: RowPlan, service: Service) -> None:
    """Which present fields change: a field whose value in the file equals what the last
    import wrote is left as the system has it (a coordinator may have edited it), and an
    empty cell never wipes a value the file did not set before."""
    trace = getattr(service, "import_values", None) or {}
    for key, new in row.new.items():
        if key in CHECK_ONLY_KEYS:
            continue
        current = current_json(service, key)
        if new == current:
            continue
        if key == "postal_code" and _empty(current) and new in _derived_postal_codes(service):
            continue  # what exports give from the 丁目 or town when the place has none
        if key in trace and trace[key] == new:
            row.kept.append(key)
            continue
        if _empty(new) and key not in trace:
            continue
        row.changes.append(key)


# --- duplicates ---------------------------------------------------------------------------------


def _candidates(row: RowPlan, ctx: ImportContext, exclude: set[int]) -> list[Candidate]:
    name = row.typed.get("name", "")
    town_id = row.town.pk if row.town else None
    found: dict[int, list[str]] = defaultdict(list)
    for pk in ctx.by_name_town.get((fold(name), town_id), []):
        found[pk].append("同じ町に同じ名称")
    for pk in ctx.by_core_town.get((core_name(name), town_id), []):
        if pk not in found:
            found[pk].append("同じ町に似た名称")
    for pk in ctx.by_name.get(fold(name), []):
        if pk not in found:
            found[pk].append("同じ名称（別の町）")
    phone = phone_digits(row.typed.get("contact_phone") or "")
    if phone:
        for pk in ctx.by_phone.get(phone, []):
            found[pk].append("電話番号が同じ")
    address = row.typed.get("address")
    if address:
        key = address_fold(address, ctx.municipality)
        core = set(_bigrams(core_name(name)))
        for pk in ctx.by_address.get(key, []):
            other = set(_bigrams(core_name(ctx.service_names[pk][0])))
            if core and other and len(core & other) / len(core | other) >= 0.3:
                found[pk].append("住所が同じで名称が似ている")
    return [
        Candidate(pk, ctx.service_names[pk][0], ctx.town_name(ctx.service_names[pk][1]), reasons)
        for pk, reasons in sorted(found.items())
        if pk not in exclude
    ][:5]


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or [text]


# --- the plan -----------------------------------------------------------------------------------


def plan_import(
    records: list[Record],
    ctx: ImportContext,
    *,
    decisions: dict[int, str] | None = None,
    only_valid: bool = False,
    default_duplicate: str = "new",
) -> Plan:
    """What importing these records would do. `decisions` map a row index to "new", "skip" or
    "merge:<service id>" (the id must be one of the row's own matches or candidates)."""
    decisions = decisions or {}
    rows = [read_record(record, ctx) for record in records]
    by_index = {r.index: r for r in records}
    _check_file_duplicates(rows, by_index)
    taken: dict[int, str] = {}  # existing service id → the row label that updates it
    claimed_by_name: dict[tuple[str, int | None], int] = defaultdict(int)
    for row in rows:
        record = by_index[row.index]
        if row.has_errors:
            continue
        external_id = row.typed.get("external_id") or ""
        target = ctx.by_external_id.get(external_id) if external_id else None
        if target is not None:
            row.match = "外部IDが一致"
            if ctx.external_ids.get(target) != external_id:
                # the id an export derived for it (HSDS needs UUIDs): the stored id stays
                row.typed.pop("external_id", None)
                row.new.pop("external_id", None)
        else:
            key = (fold(row.typed.get("name", "")), row.town.pk if row.town else None)
            same = ctx.by_name_town.get(key, [])
            position = claimed_by_name[key]
            if position < len(same) and not (
                external_id and _has_other_external_id(ctx, same[position])
            ):
                target = same[position]
                claimed_by_name[key] += 1
                row.match = "同じ町に同じ名称の資源"
        exclude = {target} if target else set()
        row.candidates = _candidates(row, ctx, exclude) if target is None else []
        if target is not None and row.match != "外部IDが一致":
            # A name match may be overruled: offer it as a candidate too.
            row.candidates = [
                Candidate(
                    target,
                    ctx.service_names[target][0],
                    ctx.town_name(ctx.service_names[target][1]),
                    [row.match],
                )
            ]
        decision = decisions.get(row.index, "")
        allowed = {c.service_id for c in row.candidates} | exclude
        if decision.startswith("merge:"):
            try:
                chosen = int(decision.split(":", 1)[1])
            except ValueError:
                chosen = None
            if chosen in allowed:
                target = chosen
                row.match = row.match or "統合を選択"
        elif decision == "new":
            if row.match != "外部IDが一致":
                target = None
                row.match = ""
        elif decision == "skip" or (
            row.candidates and target is None and default_duplicate == "skip"
        ):
            row.action = "skip"
            continue
        elif row.candidates and target is None and default_duplicate == "merge":
            target = row.candidates[0].service_id
            row.match = "重複の候補に統合"
        if target is not None:
            if target in taken:
                row.error(
                    record,
                    "name",
                    f"この行と{taken[target]}が同じ既存の資源「{ctx.service_names[target][0]}」に当たります。外部IDを入れて区別してください。",
                )
                continue
            taken[target] = row.label
            row.target_id = target
    existing = ctx.load_services({r.target_id for r in rows if r.target_id})
    for row in rows:
        record = by_index[row.index]
        if row.action == "skip":
            continue
        if row.has_errors:
            row.action = "skip" if only_valid else "error"
            continue
        service = existing.get(row.target_id) if row.target_id else None
        if service is None:
            row.action = "create"
            row.changes = [k for k in row.typed if k not in CHECK_ONLY_KEYS]
        else:
            compare(row, service)
            row.action = "update" if row.changes else "unchanged"
        _check_writable(record, row, ctx, service)
        _check_service(record, row, ctx, service)
        if row.has_errors:
            row.action = "skip" if only_valid else "error"
    return Plan(rows=rows)


def _has_other_external_id(ctx: ImportContext, pk: int) -> bool:
    """The resource carries an external id of its own (so a row with another id is another
    resource, whatever its name)."""
    return bool(ctx.external_ids.get(pk))


def _check_file_duplicates(rows: list[RowPlan], records: dict[int, Record]) -> None:
    seen_ids: dict[str, str] = {}
    seen_names: dict[tuple[str, int | None], str] = {}
    for row in rows:
        record = records[row.index]
        external_id = row.typed.get("external_id") or ""
        if external_id:
            if external_id in seen_ids:
                row.error(
                    record,
                    "external_id",
                    f"外部ID「{external_id}」が{seen_ids[external_id]}と重複しています。外部IDは資源ごとに違う値にしてください。",
                )
            else:
                seen_ids[external_id] = row.label
        elif row.typed.get("name"):
            key = (fold(row.typed["name"]), row.town.pk if row.town else None)
            if key in seen_names:
                row.warn(
                    record,
                    "name",
                    f"{seen_names[key]}と同じ町に同じ名称があります。同じ資源の重複でないか確かめてください。",
                )
            else:
                seen_names[key] = row.label


def _check_writable(
    record: Record, row: RowPlan, ctx: ImportContext, service: Service | None
) -> None:
    areas = set()
    if row.town is not None:
        areas.add(row.town.area_id)
    if service is not None:
        areas.add(service.area_id)
    for area_id in areas or {None}:
        if not policy.can_write_area(ctx.user, area_id, ctx.municipality.pk):
            row.error(record, "town", "この圏域の社会資源を登録・変更する権限がありません。")
            return


def _check_service(
    record: Record, row: RowPlan, ctx: ImportContext, service: Service | None
) -> None:
    """The model's own rules for the resource as it would be after the import."""
    candidate = copy.copy(service if service is not None else ctx.blank_service)
    for key in row.changes:
        value = row.typed.get(key)
        if key == "fee":
            candidate.is_free, candidate.fee_amount = value
        elif key in SERVICE_DIRECT and key != "confirmed_at":
            if key in NOT_NULL_BOOLEANS and value is None:
                value = False
            if key == "status" and value is None:
                value = Service.Status.ACTIVE
            setattr(candidate, key, value)
        elif key == "confirmed_at":
            candidate.confirmed_at = value
    candidate.location = None
    candidate.organization = None
    try:
        # Field-level checks (lengths, e-mail and URL forms, choices) were made when each cell
        # was read; the model's rules across fields are its clean().
        candidate.clean()
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            key = "fee" if field_name in ("fee_amount", "is_free") else field_name
            column_key = key if key in row.typed or key in FIELDS_BY_KEY else "name"
            for message in messages:
                label = field_label(key)
                row.error(record, column_key, f"{label}: {message}")
