"""The parts of a listing an organiser may propose to change, and how each is read from the
current record (the review's "old" side) and written back through the resources' services."""

from dataclasses import dataclass

from sasaeai.resources.models import Service
from sasaeai.resources.schedules import schedules_text

STATUS_WORDS = {
    "active": "活動中",
    "paused": "休止中",
    "closed": "終了（活動をやめた）",
}


@dataclass(frozen=True)
class ChangeField:
    name: str
    label: str
    help: str = ""


CHANGE_FIELDS: tuple[ChangeField, ...] = (
    ChangeField("schedule", "日程", "例: 毎週火曜 10:00〜12:00／第2・第4水曜 13:30〜15:30"),
    ChangeField("place_name", "場所の名前", "例: ○○コミュニティセンター 2階和室"),
    ChangeField("address", "場所の住所"),
    ChangeField("fees_description", "参加費", "例: 1回100円（お茶代）"),
    ChangeField("contact_name", "問い合わせ先（公開する担当者名）"),
    ChangeField("contact_phone", "問い合わせ先（公開する電話番号）"),
    ChangeField("status", "活動の状態", "休止・終了のときに選んでください"),
)
FIELD_BY_NAME = {f.name: f for f in CHANGE_FIELDS}

# What a resident says about a place that is not listed.
NEW_PLACE_FIELDS: tuple[ChangeField, ...] = (
    ChangeField("name", "名前"),
    ChangeField("where", "場所"),
    ChangeField("when", "日時"),
    ChangeField("what", "どんな活動か"),
)


def current_values(service: Service | None) -> dict[str, str]:
    """The record as it stands, in the words the review shows next to a proposal."""
    if service is None:
        return {}
    location = service.location
    return {
        "schedule": schedules_text(service.schedules.all()),
        "place_name": location.name if location else "",
        "address": location.address if location else "",
        "fees_description": service.fees_description,
        "contact_name": service.contact_name,
        "contact_phone": service.contact_phone,
        "status": service.status,
    }


def shown(name: str, value: str) -> str:
    """A value as a person reads it (the status in words)."""
    if name == "status":
        return STATUS_WORDS.get(value, value)
    return value
