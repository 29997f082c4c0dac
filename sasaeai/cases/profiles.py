"""Match profiles: what matching needs to know about a person, built from a case (its wishes,
free days, town block and the places the person is connected to or left) or from what was typed
in the quick form or the API (each field checked, with a Japanese message per field).

The scoring and ranking of services for a profile live in `matching.py`.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from sasaeai.org.models import Municipality, Town, TownBlock

from .interests import wishes_in
from .models import (
    LEFT_OUTCOMES,
    WEEKDAY_CODES,
    CareLevel,
    Case,
    ReferralStatus,
    RolePreference,
    Sex,
)

DEFAULT_WALK_M = 1000
MAX_WALK_M = 20_000


@dataclass
class MatchProfile:
    """What matching needs to know about a person. `days` are weekday numbers (0 = Monday)."""

    municipality: Municipality
    latitude: float | None = None
    longitude: float | None = None
    origin_label: str = ""
    age: int | None = None
    sex: str = Sex.UNKNOWN
    care_level: str = ""
    max_walk_m: int | None = None
    days: list[int] = field(default_factory=list)
    time_from: dt.time | None = None
    time_to: dt.time | None = None
    interests: str = ""
    role: str = RolePreference.EITHER
    notes: str = ""
    wishes: set[str] = field(default_factory=set)
    is_carer: bool = False
    memory_concern: bool = False
    constraints: str = ""
    area_id: int | None = None
    excluded_service_ids: set[int] = field(default_factory=set)
    left_service_ids: set[int] = field(default_factory=set)

    @property
    def has_origin(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def walk_m(self) -> int:
        return self.max_walk_m or DEFAULT_WALK_M

    @property
    def cannot_go_out(self) -> bool:
        """A walking distance of 0: only what comes to the home can be suggested."""
        return self.max_walk_m == 0

    @property
    def days_mask(self) -> int:
        mask = 0
        for day in self.days:
            mask |= 1 << day
        return mask


def _point_of(town: Town | None, block: TownBlock | None) -> tuple[float | None, float | None]:
    if block is not None:
        return float(block.latitude), float(block.longitude)
    if town is not None and town.latitude is not None:
        return float(town.latitude), float(town.longitude)
    return None, None


def case_history_service_ids(case: Case) -> tuple[set[int], set[int]]:
    """(services the person is connected to now, services the person left)."""
    connected, left = set(), set()
    for service_id, status, outcome in case.referrals.filter(service__isnull=False).values_list(
        "service_id", "status", "outcome"
    ):
        if status == ReferralStatus.INTERRUPTED or (
            status == ReferralStatus.ENDED and outcome in LEFT_OUTCOMES
        ):
            left.add(service_id)
        elif status != ReferralStatus.ENDED:
            connected.add(service_id)
    return connected, left - connected


def profile_from_case(case: Case) -> MatchProfile:
    latitude, longitude = _point_of(case.town, case.town_block)
    connected, left = case_history_service_ids(case)
    wishes = {
        wish
        for wish, wanted in (
            ("company", case.wants_company),
            ("role", case.wants_role),
            ("exercise", case.wants_exercise),
            ("meals", case.wants_meals),
            ("learning", case.wants_learning),
            ("carer_support", case.wants_carer_support),
        )
        if wanted
    }
    return MatchProfile(
        municipality=case.municipality,
        latitude=latitude,
        longitude=longitude,
        origin_label=str(case.town_block or case.town or ""),
        age=case.age,
        sex=case.sex,
        care_level=case.care_level,
        max_walk_m=case.max_walk_m,
        days=[WEEKDAY_CODES.index(code) for code in case.free_day_codes],
        time_from=case.free_time_from,
        time_to=case.free_time_to,
        interests=case.hobbies,
        role=case.role_preference,
        notes=case.needs_text,
        wishes=wishes | wishes_in(case.needs_text),
        is_carer=case.is_carer or case.wants_carer_support,
        memory_concern=case.memory_concern,
        constraints=case.constraints,
        area_id=case.area_id,
        excluded_service_ids=connected,
        left_service_ids=left,
    )


def profile_from_input(
    *,
    municipality: Municipality,
    town: str | int | Town | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    age: int | None = None,
    sex: str = "",
    care_level: str = "",
    max_walk_m: int | None = None,
    days: list[str] | None = None,
    time_from: dt.time | None = None,
    time_to: dt.time | None = None,
    interests: str = "",
    role: str = RolePreference.EITHER,
    notes: str = "",
    wishes: set[str] | None = None,
    is_carer: bool = False,
    memory_concern: bool = False,
    constraints: str = "",
) -> MatchProfile:
    """A profile typed in (the quick form, the API). Raises ValidationError with a Japanese
    message per field for what cannot be used."""
    errors: dict[str, str] = {}
    town_obj: Town | None = None
    if isinstance(town, Town):
        town_obj = town
    elif town not in (None, ""):
        towns = Town.objects.filter(municipality=municipality)
        if isinstance(town, int) or str(town).isdecimal():
            town_obj = towns.filter(pk=int(town)).first()
        else:
            town_obj = towns.filter(name=str(town).strip()).first()
        if town_obj is None:
            errors["town"] = (
                f"町「{str(town)[:30]}」は{municipality.name}の町として登録されていません。"
            )
    if (latitude is None) != (longitude is None):
        errors["lat"] = "緯度（lat）と経度（lon）は両方とも指定してください。"
    elif latitude is not None and not (20 <= latitude <= 46 and 122 <= longitude <= 154):
        errors["lat"] = "緯度・経度が日本の範囲の外です。入れ替わっていないか確認してください。"
    if town_obj is None and latitude is None and "town" not in errors and "lat" not in errors:
        errors["town"] = "町（town）か緯度・経度（lat/lon）のどちらかを指定してください。"
    if age is not None and not (18 <= age <= 120):
        errors["age"] = "年齢は18〜120の数で指定してください。"
    if sex and sex not in Sex.values:
        errors["sex"] = "性別は female, male, other, unknown のいずれかで指定してください。"
    if care_level and care_level not in CareLevel.values:
        errors["care_level"] = (
            "要介護度等は independent, program, support1, support2, care1〜care5, applying のいずれかで指定してください。"
        )
    if max_walk_m is not None and not (0 <= max_walk_m <= MAX_WALK_M):
        errors["max_walk_m"] = (
            "歩ける距離は0〜20000（m）で指定してください（0は外出が難しい方です）。"
        )
    day_numbers = []
    for code in days or []:
        code = str(code).strip().lower()[:3]
        if code not in WEEKDAY_CODES:
            errors["days"] = "曜日は mon, tue, wed, thu, fri, sat, sun で指定してください。"
            break
        day_numbers.append(WEEKDAY_CODES.index(code))
    if time_from and time_to and time_to <= time_from:
        errors["time_to"] = "空いている時間の終わり（time_to）が始まりより前になっています。"
    if role not in RolePreference.values:
        errors["role"] = (
            "参加の形（role）は participant, helper, either のいずれかで指定してください。"
        )
    if len(interests or "") > 500 or len(notes or "") > 2000:
        errors["interests"] = "関心は500字、メモは2000字までにしてください。"
    if errors:
        raise ValidationError(errors)
    if latitude is not None:
        origin = (float(latitude), float(longitude))
        label = town_obj.name if town_obj else "指定の地点"
    else:
        origin = _point_of(town_obj, None)
        label = town_obj.name if town_obj else ""
    return MatchProfile(
        municipality=municipality,
        latitude=origin[0],
        longitude=origin[1],
        origin_label=label,
        age=age,
        sex=sex or Sex.UNKNOWN,
        care_level=care_level or "",
        max_walk_m=max_walk_m,
        days=sorted(set(day_numbers)),
        time_from=time_from,
        time_to=time_to,
        interests=interests or "",
        role=role,
        notes=notes or "",
        wishes=set(wishes or set()) | wishes_in(notes or ""),
        is_carer=is_carer,
        memory_concern=memory_concern,
        constraints=constraints or "",
        area_id=town_obj.area_id if town_obj else None,
    )
