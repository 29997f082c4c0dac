"""Open Referral HSDS 3.0: public resources as nested HSDS services (validated against the
specification's compiled service schema in the tests), and HSDS services read back as import
records.

Only what residents may see goes out: public, consented, active resources; the contact person
and phone only when the resource says they are public; a private home only as its town, at its
area's point. Ids are UUIDs: the resource's external id when it is one, else one derived from
the municipality code and the record's number, so that exports of one installation are stable
and a re-import recognises them."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.utils import timezone

from sasaeai.core.json_input import JsonInputError, json_load, json_strings, refused_character
from sasaeai.org.models import Municipality
from sasaeai.resources.models import Schedule, Service
from sasaeai.resources.schedules import schedule_text
from sasaeai.resources.selectors import area_centroids

from .planning import export_id, service_hsds_id
from .readers import ReadError
from .records import Record

HSDS_VERSION = "3.0"
TAXONOMY = "sasaeai-activity"
TARGET_TAXONOMY = "sasaeai-target-group"
# この資源は (Service.direction): HSDS has no field for "a service to users or a call for
# helpers", so it travels as an attribute with a term of this taxonomy (code service /
# recruiting / both), the way HSDS links any classification to a service.
DIRECTION_TAXONOMY = "sasaeai-direction"
IRREGULAR_NOTE = "不定期"


HOLIDAYS_CLOSED = "祝日は休み"
YEAR_END_CLOSED = "年末年始（12月29日〜1月3日）は休み"


def _uuid(code: str, kind: str, key: object) -> str:
    return export_id(municipality_code=code, kind=kind, pk=key)  # type: ignore[arg-type]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def _set(target: dict, key: str, value) -> None:
    """HSDS fields are strings or numbers, never null: leave out what is empty."""
    if value is None or value == "" or value == []:
        return
    target[key] = value


def _time(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def schedule_to_hsds(schedule: Schedule, *, code: str, service_id: str) -> dict:
    data: dict = {"id": _uuid(code, "schedule", schedule.pk), "service_id": service_id}
    if schedule.freq == Schedule.Freq.DAILY:
        data["freq"] = "WEEKLY"
        data["byday"] = "MO,TU,WE,TH,FR,SA,SU"
    elif schedule.freq in (Schedule.Freq.WEEKLY, Schedule.Freq.MONTHLY):
        data["freq"] = schedule.freq
        _set(data, "byday", schedule.byday)
        _set(data, "bymonthday", schedule.bymonthday)
    if schedule.freq != Schedule.Freq.IRREGULAR:
        data["interval"] = schedule.interval or 1
    _set(data, "opens_at", _time(schedule.opens_at))
    _set(data, "closes_at", _time(schedule.closes_at))
    _set(data, "valid_from", schedule.valid_from.isoformat() if schedule.valid_from else "")
    _set(data, "valid_to", schedule.valid_to.isoformat() if schedule.valid_to else "")
    data["description"] = schedule_text(schedule)
    # HSDS has no closure fields: closures lead the notes, in words the import reads back.
    closures = [
        words
        for flag, words in (
            (schedule.closed_on_holidays, HOLIDAYS_CLOSED),
            (schedule.closed_year_end, YEAR_END_CLOSED),
        )
        if flag
    ]
    notes = "。".join([*closures, schedule.note] if schedule.note else closures)
    if schedule.freq == Schedule.Freq.IRREGULAR:
        notes = notes or IRREGULAR_NOTE
        data["attending_type"] = "irregular"
    _set(data, "notes", notes)
    return data


def service_to_hsds(
    service: Service,
    *,
    municipality: Municipality,
    area_points: dict[int, tuple[float, float]] | None = None,
) -> dict:
    """One fully nested HSDS service. Expects the relations of
    resources.selectors.with_display_relations."""
    code = municipality.code
    sid = service_hsds_id(service, code)
    data: dict = {"id": sid, "name": service.name, "status": service.hsds_status}
    _set(data, "alternate_name", service.alternate_name)
    _set(data, "description", service.description)
    _set(data, "url", service.url)
    if service.contact_is_public:
        _set(data, "email", service.contact_email)
    _set(data, "application_process", service.application_process)
    _set(data, "fees_description", service.fees_description)
    eligibility = "、".join(t.public_label or t.name for t in service.target_groups.all())
    if service.eligibility_note:
        eligibility = (
            f"{eligibility}（{service.eligibility_note}）"
            if eligibility
            else service.eligibility_note
        )
    _set(data, "eligibility_description", eligibility)
    _set(data, "assured_date", service.confirmed_at.isoformat() if service.confirmed_at else "")
    data["last_modified"] = timezone.localtime(service.updated_at).isoformat(timespec="seconds")
    organization = service.organization
    if organization is not None:
        oid = _uuid(code, "organization", organization.pk)
        data["organization_id"] = oid
        org: dict = {
            "id": oid,
            "name": organization.name,
            "description": organization.description or organization.name,
        }
        _set(org, "website", organization.url)
        data["organization"] = org
    if service.contact_is_public and (service.contact_phone or service.contact_name):
        phones = []
        if service.contact_phone:
            phones.append(
                {
                    "id": _uuid(code, "service-phone", service.pk),
                    "service_id": sid,
                    "number": service.contact_phone,
                }
            )
            data["phones"] = phones
        contact = {"id": _uuid(code, "service-contact", service.pk), "service_id": sid}
        _set(contact, "name", service.contact_name)
        _set(contact, "email", service.contact_email)
        if phones:
            contact["phones"] = [{**phones[0], "id": _uuid(code, "contact-phone", service.pk)}]
        data["contacts"] = [contact]
    schedules = [schedule_to_hsds(s, code=code, service_id=sid) for s in service.schedules.all()]
    _set(data, "schedules", schedules)
    if service.is_free or service.fee_amount is not None:
        option = {
            "id": _uuid(code, "cost", service.pk),
            "service_id": sid,
            "currency": "JPY",
            "amount": 0 if service.is_free else service.fee_amount,
            "option": "無料" if service.is_free else "1回あたり",
        }
        _set(option, "amount_description", service.fees_description)
        data["cost_options"] = [option]
    location = service.location
    if location is not None:
        data["service_at_locations"] = [
            _location(service, location, code, sid, municipality, area_points)
        ]
    attributes = []
    for category in service.categories.all():
        term_id = _uuid(code, "category", category.code)
        term = {"id": term_id, "code": category.code, "name": category.name, "taxonomy": TAXONOMY}
        term["description"] = category.description or category.survey_label or category.name
        if category.parent_id:
            term["parent_id"] = _uuid(code, "category", category.parent.code)
        attributes.append(
            {
                "id": _uuid(code, "service-category", f"{service.pk}-{category.pk}"),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term_id,
                "value": category.name,
                "taxonomy_term": term,
            }
        )
    for target in service.target_groups.all():
        term_id = _uuid(code, "target", target.code)
        attributes.append(
            {
                "id": _uuid(code, "service-target", f"{service.pk}-{target.pk}"),
                "link_id": sid,
                "link_type": "eligibility",
                "link_entity": "service",
                "taxonomy_term_id": term_id,
                "value": target.name,
                "taxonomy_term": {
                    "id": term_id,
                    "code": target.code,
                    "name": target.name,
                    "description": target.public_label or target.name,
                    "taxonomy": TARGET_TAXONOMY,
                },
            }
        )
    if service.direction:
        term_id = _uuid(code, "direction", service.direction)
        label = service.get_direction_display()
        attributes.append(
            {
                "id": _uuid(code, "service-direction", service.pk),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term_id,
                "value": label,
                "taxonomy_term": {
                    "id": term_id,
                    "code": service.direction,
                    "name": label,
                    "description": f"この資源は: {label}",
                    "taxonomy": DIRECTION_TAXONOMY,
                },
            }
        )
    _set(data, "attributes", attributes)
    return data


def _location(service, location, code, sid, municipality, area_points) -> dict:
    lid = (
        location.external_id
        if _is_uuid(location.external_id)
        else _uuid(code, "location", location.pk)
    )
    town = location.town
    private = location.is_private_home
    block = location.town_block
    postal = (
        location.postal_code
        or (block.postal_code if block and not private else "")
        or (town.postal_code if town else "")
    )
    if postal and "-" not in postal and len(postal) == 7:
        postal = f"{postal[:3]}-{postal[3:]}"
    place: dict = {"id": lid, "location_type": "physical"}
    if not private:
        _set(place, "name", location.name)
    else:
        place["description"] = PRIVATE_HOME_NOTE
    if private:
        point = (area_points or {}).get(location.area_id)
        if point is not None:
            place["latitude"], place["longitude"] = round(point[0], 6), round(point[1], 6)
        address_1 = town.name if town else ""
    else:
        if location.latitude is not None:
            place["latitude"] = float(location.latitude)
            place["longitude"] = float(location.longitude)
        address_1 = location.address or (town.name if town else "")
    address = {
        "id": _uuid(code, "address", location.pk),
        "location_id": lid,
        "address_1": address_1,
        "city": municipality.name,
        "state_province": municipality.prefecture,
        "postal_code": postal,
        "country": "JP",
        "address_type": "physical",
    }
    if town is not None:
        address["region"] = town.name
    if not private:
        _set(address, "address_2", location.address_2)
    place["addresses"] = [address]
    access = [
        label
        for flag, label in (
            (service.step_free, "段差なし"),
            (service.accessible_toilet, "多目的トイレあり"),
            (service.has_seating, "椅子席あり"),
        )
        if flag
    ]
    if access or service.accessibility_note:
        item = {"id": _uuid(code, "accessibility", service.pk), "location_id": lid}
        _set(item, "description", ";".join(access))
        _set(item, "details", service.accessibility_note)
        place["accessibility"] = [item]
    return {
        "id": _uuid(code, "service-at-location", f"{service.pk}-{location.pk}"),
        "service_id": sid,
        "location_id": lid,
        "location": place,
    }


def services_to_hsds(services, *, municipality: Municipality) -> list[dict]:
    points = area_centroids(municipality.pk)
    return [service_to_hsds(s, municipality=municipality, area_points=points) for s in services]


# --- reading HSDS ---------------------------------------------------------------------------------

_STATUS = {
    "active": "活動中",
    "temporarily closed": "休止中",
    "inactive": "休止中",
    "defunct": "終了",
}


def _services_in(data) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("contents", "services", "items", "data"):
            if isinstance(data.get(key), list):
                return data[key]
        if "name" in data and ("id" in data or "status" in data):
            return [data]
    raise ReadError(
        "HSDS（Open Referral）のサービス一覧ではありません。サービスの配列、"
        'または {"contents": [...]} の形のJSONを選んでください。'
    )


def records_from_hsds(content: bytes) -> list[Record]:
    """HSDS services (a list, a page with `contents`, or one service) as import records.
    Raises ReadError for a file that is not JSON or holds no HSDS services."""
    try:
        data = json_load(content.decode("utf-8-sig"))
    except JsonInputError as exc:
        raise ReadError(f"{exc}ファイルの中身を確かめてください。") from exc
    except UnicodeDecodeError as exc:
        raise ReadError("JSONファイルの文字コードはUTF-8にしてください。") from exc
    except json.JSONDecodeError as exc:
        raise ReadError(
            f"JSONとして読めません（{exc.lineno}行目{exc.colno}文字目: {exc.msg}）。"
        ) from exc
    refused = next(
        (
            (path, kind)
            for path, text in json_strings(data)
            if (kind := refused_character(text)) is not None
        ),
        None,
    )
    if refused is not None:
        place = ".".join(str(p) for p in refused[0]) or "（全体）"
        what = (
            "NUL文字（\\0）" if refused[1] == "nul_character" else "対になっていないサロゲート文字"
        )
        raise ReadError(
            f"JSONの「{place}」に{what}があります。この文字を消してから取り込んでください。"
        )
    services = _services_in(data)
    if not services:
        raise ReadError("HSDSのサービスが1件もありません。")
    not_services = [
        i + 1
        for i, s in enumerate(services)
        if not isinstance(s, dict) or not isinstance(s.get("name"), str)
    ]
    if len(not_services) == len(services):
        raise ReadError(
            "HSDS（Open Referral）のサービスではありません。各サービスには name（名称）と status（状態）が必要です。"
        )
    records = []
    for index, service in enumerate(services):
        label = f"{index + 1}件目のサービス"
        if not isinstance(service, dict):
            records.append(Record(index=index, label=label, values={"name": ""}))
            continue
        records.append(_record(index, label, service))
    return records


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _record(index: int, label: str, service: dict) -> Record:
    values: dict[str, str] = {}
    columns: dict[str, str] = {}

    def put(key: str, value, path: str) -> None:
        values[key] = _text(value)
        columns[key] = path

    put("external_id", service.get("id", ""), "id")
    put("name", service.get("name", ""), "name")
    for key, path in (
        ("alternate_name", "alternate_name"),
        ("description", "description"),
        ("url", "url"),
        ("application_process", "application_process"),
        ("fees_description", "fees_description"),
    ):
        if path in service:
            put(key, service.get(path), path)
    if "eligibility_description" in service:
        put("eligibility_note", service.get("eligibility_description"), "eligibility_description")
    status = service.get("status")
    put("status", _STATUS.get(status, status or ""), "status")
    missing = [key for key in ("id", "name", "status") if not service.get(key)]
    if service.get("assured_date"):
        put("confirmed_at", service["assured_date"][:10], "assured_date")
    organization = (
        service.get("organization") if isinstance(service.get("organization"), dict) else None
    )
    if organization:
        put("organization", organization.get("name", ""), "organization.name")
    contacts = [c for c in service.get("contacts") or [] if isinstance(c, dict)]
    phones = [p for p in service.get("phones") or [] if isinstance(p, dict) and p.get("number")]
    if contacts and contacts[0].get("name"):
        put("contact_name", contacts[0]["name"], "contacts[0].name")
    if not phones and contacts:
        phones = [
            p for p in contacts[0].get("phones") or [] if isinstance(p, dict) and p.get("number")
        ]
    if phones:
        put("contact_phone", phones[0]["number"], "phones[0].number")
    email = service.get("email") or (contacts[0].get("email") if contacts else "")
    if email:
        put("contact_email", email, "email")
    if phones or contacts or service.get("email"):
        values["contact_is_public"] = "はい"
    costs = [c for c in service.get("cost_options") or [] if isinstance(c, dict)]
    if costs and costs[0].get("amount") is not None:
        amount = costs[0]["amount"]
        put("fee", "無料" if amount == 0 else f"{_text(amount)}円", "cost_options[0].amount")
    sal = [s for s in service.get("service_at_locations") or [] if isinstance(s, dict)]
    location = sal[0].get("location") if sal and isinstance(sal[0].get("location"), dict) else None
    if location:
        put("location_name", location.get("name", ""), "service_at_locations[0].location.name")
        if location.get("latitude") is not None and location.get("longitude") is not None:
            put("latitude", location["latitude"], "location.latitude")
            put("longitude", location["longitude"], "location.longitude")
        addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
        physical = [
            a for a in addresses if a.get("address_type") in (None, "physical")
        ] or addresses
        if physical:
            address = physical[0]
            line = address.get("address_1", "")
            put("address", line, "location.addresses[0].address_1")
            put("address_2", address.get("address_2", ""), "location.addresses[0].address_2")
            put("postal_code", address.get("postal_code", ""), "location.addresses[0].postal_code")
        access = [a for a in location.get("accessibility") or [] if isinstance(a, dict)]
        if access:
            description = access[0].get("description", "")
            values["step_free"] = "はい" if "段差なし" in description else ""
            values["accessible_toilet"] = "はい" if "多目的トイレ" in description else ""
            values["has_seating"] = "はい" if "椅子席" in description else ""
            put(
                "accessibility_note",
                access[0].get("details", ""),
                "location.accessibility[0].details",
            )
    categories, targets = [], []
    for attribute in service.get("attributes") or []:
        if not isinstance(attribute, dict):
            continue
        term = (
            attribute.get("taxonomy_term")
            if isinstance(attribute.get("taxonomy_term"), dict)
            else {}
        )
        name = term.get("name") or attribute.get("value") or ""
        if term.get("taxonomy") == DIRECTION_TAXONOMY:
            put("direction", term.get("code") or name, "attributes")
        elif term.get("taxonomy") == TARGET_TAXONOMY or attribute.get("link_type") == "eligibility":
            targets.append(term.get("code") or name)
        elif name:
            categories.append(term.get("code") or name)
    if categories:
        put("categories", "、".join(categories), "attributes")
    if targets:
        put("target_groups", "、".join(targets), "attributes")
        # The eligibility text was made from the target groups (and a note in brackets).
        note = values.get("eligibility_note", "")
        if "（" in note and note.endswith("）"):
            values["eligibility_note"] = note[note.index("（") + 1 : -1]
        elif note:
            values["eligibility_note"] = ""
    schedules = [s for s in service.get("schedules") or [] if isinstance(s, dict)]
    if not schedules and sal:
        schedules = [s for s in sal[0].get("schedules") or [] if isinstance(s, dict)]
    structured: dict = {"missing": missing} if missing else {}
    if schedules:
        structured["schedules"] = [_schedule(s) for s in schedules]
        columns["schedule"] = "schedules"
        values["schedule"] = ""
    # A feed of HSDS services is published data: it comes in as public, with consent, except
    # a place in a private home (自宅開放型 and the like), which waits for the organiser's
    # consent in this municipality before it is published.
    if location and _is_private_home(location):
        values["is_private_home"] = "はい"
        values["is_public"] = "いいえ"
        values["publication_consent"] = "いいえ"
    else:
        values["is_public"] = "はい"
        values["publication_consent"] = "はい"
    return Record(index=index, label=label, values=values, columns=columns, structured=structured)


PRIVATE_HOME_NOTE = "個人宅のため、所在地は町まで、位置は圏域の代表点で示しています。"
_PRIVATE_WORDS = ("個人宅", "自宅", "private home", "private residence")


def _is_private_home(location: dict) -> bool:
    """A location our export marks as a private home, or one whose name or description says
    it is one."""
    text = f"{location.get('name') or ''} {location.get('description') or ''}".lower()
    return any(word in text for word in _PRIVATE_WORDS)


def _schedule(data: dict) -> dict:
    notes = str(data.get("notes") or "")
    closed = {}
    for words in (HOLIDAYS_CLOSED, YEAR_END_CLOSED):
        closed[words] = notes.startswith(words)
        if closed[words]:
            notes = notes[len(words) :].lstrip("。")
    holidays = closed[HOLIDAYS_CLOSED]
    freq = data.get("freq")
    byday = str(data.get("byday") or "").upper().replace(" ", "")
    if freq == "WEEKLY" and byday == "MO,TU,WE,TH,FR,SA,SU":
        freq, byday = "DAILY", ""
    if freq not in ("WEEKLY", "MONTHLY", "DAILY"):
        freq = "IRREGULAR"
        if notes == IRREGULAR_NOTE and data.get("attending_type") != "irregular":
            notes = ""
        notes = notes or str(data.get("description") or "") or IRREGULAR_NOTE
    return {
        "freq": freq,
        "interval": int(data.get("interval") or 1),
        "byday": byday if freq != "IRREGULAR" else "",
        "bymonthday": str(data.get("bymonthday") or "") if freq == "MONTHLY" else "",
        "opens_at": str(data.get("opens_at") or "")[:5] or None,
        "closes_at": str(data.get("closes_at") or "")[:5] or None,
        "valid_from": str(data.get("valid_from") or "")[:10] or None,
        "valid_to": str(data.get("valid_to") or "")[:10] or None,
        "closed_on_holidays": holidays,
        "closed_year_end": closed[YEAR_END_CLOSED],
        "note": notes[:300],
    }
