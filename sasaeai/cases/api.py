"""API operations of the cases app (mounted under /api/v1/ by sasaeai.api): matching
(`POST /match`) and cases with their timeline entries and referrals, under the same role and
area rules as the pages (only the case's area coordinators and tier 1; everyone else 403 on
the lists and 404 on a single case)."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.api.pagination import Id, PageNumberPagination, Time
from sasaeai.api.types import Date, WriteSchema
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record
from sasaeai.org.models import Area, Town, TownBlock
from sasaeai.resources.models import Service
from sasaeai.resources.schedules import schedules_text

from . import matching, profiles, selectors, services
from .models import WEEKDAY_CODES, Case, CaseEntry, Referral

router = Router(tags=["個別ケース"])

DayCode = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


# --- matching ------------------------------------------------------------------------------


class MatchIn(Schema):
    town: str | None = Field(None, description="住まいの町名（例: 境南町）または町のID")
    lat: float | None = Field(None, description="緯度（町の代わりに地点で指定する場合）")
    lon: float | None = Field(None, description="経度")
    age: int | None = Field(None, description="年齢")
    sex: str = Field("", description="female / male / other / unknown")
    care_level: str = Field(
        "",
        description="independent（自立）/ program（事業対象者）/ support1, support2 / care1〜care5 / applying（申請中）",
    )
    max_walk_m: int | None = Field(
        None, description="歩ける距離（m）。省略時は1000m。0は外出が難しい（来てくれるものだけ）"
    )
    days: list[str] = Field(default_factory=list, description="空いている曜日: mon〜sun")
    time_from: str | None = Field(None, description="空いている時間の始まり（HH:MM）")
    time_to: str | None = Field(None, description="空いている時間の終わり（HH:MM）")
    interests: str = Field("", description="趣味・関心（自由な日本語。例: 歌うこと、カラオケ）")
    role: str = Field("either", description="participant（参加者）/ helper（担い手）/ either")
    notes: str = Field(
        "", description="本人の言葉・メモ。希望（交流・役割・運動・食事など）を読み取る"
    )
    wishes: list[str] = Field(
        default_factory=list,
        description="希望: company, role, exercise, meals, learning, carer_support, quiet（少人数）",
    )
    is_carer: bool = False
    memory_concern: bool = False
    limit: int = Field(10, ge=1, le=50, description="返す件数（1〜50）")


class MatchServiceOut(Schema):
    id: int
    name: str
    town: str | None
    area: str | None
    latitude: float | None
    longitude: float | None
    schedule: str
    welcomes_volunteers: bool


class MatchItemOut(Schema):
    service: MatchServiceOut
    score: int = Field(description="0〜100")
    parts: dict[str, float] = Field(
        description="点数の内訳: distance, interests, wishes, schedule, target, role"
    )
    reasons: list[str]
    distance_m: int | None
    next_dates: list[dt.date]


class MatchOut(Schema):
    count: int
    candidates: int
    origin: str
    notices: list[str]
    interests_read: list[str]
    items: list[MatchItemOut]


def _parse_time(value: str | None, field: str) -> dt.time | None:
    if value in (None, ""):
        return None
    try:
        parsed = dt.time.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is not None:
        raise ValidationError({field: "時刻は HH:MM の形で指定してください（例: 10:00）。"})
    return parsed


def _match_item(suggestion: matching.Suggestion) -> dict:
    service = suggestion.service
    location = service.location
    lat = lon = None
    if location is not None and location.latitude is not None:
        lat, lon = float(location.latitude), float(location.longitude)
    elif service.town is not None and service.town.latitude is not None:
        lat, lon = float(service.town.latitude), float(service.town.longitude)
    return {
        "service": {
            "id": service.pk,
            "name": service.name,
            "town": service.town.name if service.town else None,
            "area": service.area.name if service.area else None,
            "latitude": lat,
            "longitude": lon,
            "schedule": schedules_text(service.schedules.all()),
            "welcomes_volunteers": service.welcomes_volunteers,
        },
        "score": suggestion.score,
        "parts": suggestion.parts,
        "reasons": suggestion.reasons,
        "distance_m": round(suggestion.distance_m) if suggestion.distance_m is not None else None,
        "next_dates": suggestion.next_dates,
    }


@router.post(
    "/match",
    response=MatchOut,
    summary="ニーズに合う社会資源を探す（マッチング）",
    description="本人のプロフィール（町または緯度経度、年齢、性別、要介護度等、歩ける距離、空いている曜日と時間、"
    "趣味・関心、参加の形、メモ）から、活動中の社会資源を合う順に返します。各候補に点数の内訳（距離・関心・希望・"
    "日程・対象・役割）と日本語の理由（「徒歩約600m（約8分）」「火曜に開催（本人の空き日）」「カラオケ: 一致」"
    "「ボランティア受入あり」）、次の開催日（本人の空き日のうち3回）を付けます。何も保存しません。",
)
def match(request: HttpRequest, payload: MatchIn):
    policy.require(request.user, Capability.VIEW_CASES)
    errors: dict[str, list[str]] = {}
    times = {}
    for name in ("time_from", "time_to"):
        try:
            times[name] = _parse_time(getattr(payload, name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            times[name] = None
    try:
        profile = profiles.profile_from_input(
            municipality=request.user.municipality,
            town=payload.town,
            latitude=payload.lat,
            longitude=payload.lon,
            age=payload.age,
            sex=payload.sex,
            care_level=payload.care_level,
            max_walk_m=payload.max_walk_m,
            days=payload.days,
            time_from=times["time_from"],
            time_to=times["time_to"],
            interests=payload.interests,
            role=payload.role,
            notes=payload.notes,
            wishes={w for w in payload.wishes if w in matching.WISH_LABELS},
            is_carer=payload.is_carer,
            memory_concern=payload.memory_concern,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    result = matching.match(profile, limit=payload.limit)
    return {
        "count": len(result.suggestions),
        "candidates": result.candidates,
        "origin": profile.origin_label,
        "notices": result.notices,
        "interests_read": [term.label for term in result.terms],
        "items": [_match_item(s) for s in result.suggestions],
    }


# --- cases ---------------------------------------------------------------------------------


class TransitionOut(Schema):
    from_status: str
    to_status: str
    date: dt.date
    by: str | None
    note: str

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.username if obj.by_id else None


class ReferralOut(Schema):
    id: int
    service_id: int | None
    agency_name: str
    destination: str
    role: str
    status: str
    status_label: str
    status_on: dt.date
    follow_up_on: dt.date | None
    reason: str
    outcome: str
    outcome_note: str
    interruption_reason: str
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_destination(obj) -> str:
        return obj.destination_label

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_transitions(obj) -> list:
        return list(obj.transitions.all())


class EntryOut(Schema):
    id: int
    kind: str
    date: dt.date
    text: str
    referral_id: int | None
    by: str | None

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.username if obj.by_id else None


class CaseListOut(Schema):
    id: int
    number: str
    status: str
    area_id: int
    area: str
    town_id: int | None
    received_on: dt.date
    age_band: str
    sex: str
    care_level: str
    open_referrals: int = 0

    @staticmethod
    def resolve_area(obj) -> str:
        return obj.area.name


class CaseOut(Schema):
    id: int
    number: str
    status: str
    closed_on: dt.date | None
    area_id: int
    town_id: int | None
    town_block_id: int | None
    coordinator: str | None
    age: int | None
    age_band: str
    sex: str
    care_level: str
    memory_concern: bool
    is_carer: bool
    person_name: str
    person_name_kana: str
    contact_phone: str
    contact_note: str
    consent_to_share: bool
    consent_on: dt.date | None
    brought_by: str
    brought_by_note: str
    received_on: dt.date
    needs_text: str
    wants_company: bool
    wants_role: bool
    wants_exercise: bool
    wants_meals: bool
    wants_learning: bool
    wants_carer_support: bool
    hobbies: str
    max_walk_m: int | None
    free_days: list[str]
    free_time_from: dt.time | None
    free_time_to: dt.time | None
    role_preference: str
    constraints: str
    referrals: list[ReferralOut]
    entries: list[EntryOut]

    @staticmethod
    def resolve_coordinator(obj) -> str | None:
        return obj.coordinator.username if obj.coordinator_id else None

    @staticmethod
    def resolve_free_days(obj) -> list[str]:
        return obj.free_day_codes

    @staticmethod
    def resolve_referrals(obj) -> list:
        return list(
            obj.referrals.select_related("service")
            .prefetch_related("transitions__by")
            .order_by("created_at", "id")
        )

    @staticmethod
    def resolve_entries(obj) -> list:
        return list(obj.entries.select_related("by").order_by("date", "id"))


class CaseFieldsIn(WriteSchema):
    writes = Case

    number: str | None = None
    status: Literal["open", "closed"] | None = None
    closed_on: Date | None = None
    town_id: Id | None = None
    town_block_id: Id | None = None
    age: int | None = None
    age_band: str | None = None
    sex: str | None = None
    care_level: str | None = None
    memory_concern: bool | None = None
    is_carer: bool | None = None
    person_name: str | None = None
    person_name_kana: str | None = None
    contact_phone: str | None = None
    contact_note: str | None = None
    consent_to_share: bool | None = None
    consent_on: Date | None = None
    brought_by: str | None = None
    brought_by_note: str | None = None
    received_on: Date | None = None
    needs_text: str | None = None
    wants_company: bool | None = None
    wants_role: bool | None = None
    wants_exercise: bool | None = None
    wants_meals: bool | None = None
    wants_learning: bool | None = None
    wants_carer_support: bool | None = None
    hobbies: str | None = None
    max_walk_m: int | None = None
    free_days: list[str] | None = None
    free_time_from: Time | None = None
    free_time_to: Time | None = None
    role_preference: str | None = None
    constraints: str | None = None


class CaseIn(CaseFieldsIn):
    area_id: Id


class CasePatch(CaseFieldsIn):
    area_id: Id | None = None


class EntryIn(WriteSchema):
    writes = CaseEntry

    kind: Literal["call", "visit", "accompaniment", "meeting", "note"]
    date: Date
    text: str
    referral_id: Id | None = None


class ReferralIn(WriteSchema):
    writes = Referral

    service_id: Id | None = None
    agency_name: str = ""
    role: Literal["participant", "helper", "either"] = "participant"
    reason: str = ""
    follow_up_on: Date | None = None
    date: Date | None = None


class TransitionIn(WriteSchema):
    to_status: Literal["proposed", "trial", "started", "settled", "ended", "interrupted"]
    date: Date | None = None
    note: str = ""
    follow_up_on: Date | None = None
    outcome: str = ""
    outcome_note: str = ""
    interruption_reason: str = ""


class ReferralPatch(WriteSchema):
    writes = Referral

    follow_up_on: Date | None = None


def _case_fields(request: HttpRequest, payload: CaseFieldsIn, *, exclude_unset: bool) -> dict:
    """The payload as service arguments, with ids turned into objects of the user's
    municipality (422 in Japanese when they are not)."""
    data = payload.dict(exclude_unset=exclude_unset)
    municipality_id = request.user.municipality_id
    fields: dict = {}
    errors: dict[str, str] = {}
    for name, value in data.items():
        if name == "area_id":
            if value is None:
                continue
            area = Area.objects.filter(pk=value, municipality_id=municipality_id).first()
            if area is None:
                errors["area_id"] = "圏域が見つかりません。"
            else:
                fields["area"] = area
        elif name == "town_id":
            town = None
            if value is not None:
                town = Town.objects.filter(pk=value, municipality_id=municipality_id).first()
                if town is None:
                    errors["town_id"] = "町が見つかりません。"
            fields["town"] = town
        elif name == "town_block_id":
            block = None
            if value is not None:
                block = TownBlock.objects.filter(
                    pk=value, town__municipality_id=municipality_id
                ).first()
                if block is None:
                    errors["town_block_id"] = "丁目が見つかりません。"
            fields["town_block"] = block
        elif name == "free_days":
            codes = [str(code).lower() for code in value or []]
            if any(code not in WEEKDAY_CODES for code in codes):
                errors["free_days"] = (
                    "曜日は mon, tue, wed, thu, fri, sat, sun で指定してください。"
                )
            fields["free_days"] = ",".join(c for c in WEEKDAY_CODES if c in codes)
        elif value is None and name not in (
            "age",
            "closed_on",
            "consent_on",
            "max_walk_m",
            "free_time_from",
            "free_time_to",
        ):
            continue
        else:
            fields[name] = value
    if errors:
        raise ValidationError(errors)
    return fields


def _case_out(case_id: int, request: HttpRequest) -> Case:
    return selectors.case_get_visible(user=request.user, pk=case_id)


@router.get("/cases", response=list[CaseListOut], summary="個別ケースの一覧")
@paginate(PageNumberPagination)
def case_list(
    request: HttpRequest,
    status: str = "",
    area_id: Id | None = None,
    q: str = "",
):
    policy.require(request.user, Capability.VIEW_CASES)
    audit_record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type="cases.case",
        summary="ケース一覧を閲覧（API）",
    )
    return selectors.case_list(
        user=request.user,
        filters=selectors.CaseFilters(
            text=q, status=status if status in Case.Status.values else "", area_id=area_id
        ),
    )


@router.post("/cases", response={201: CaseOut}, summary="個別ケースを登録")
def case_create(request: HttpRequest, payload: CaseIn):
    policy.require(request.user, Capability.EDIT_CASES)
    fields = _case_fields(request, payload, exclude_unset=True)
    area = fields.pop("area")
    case = services.case_create(user=request.user, request=request, area=area, **fields)
    return Status(201, _case_out(case.pk, request))


@router.get("/cases/{case_id}", response=CaseOut, summary="個別ケース（経過とつなぎを含む）")
def case_detail(request: HttpRequest, case_id: int):
    policy.require(request.user, Capability.VIEW_CASES)
    return services.case_open(user=request.user, pk=case_id, request=request)


@router.patch("/cases/{case_id}", response=CaseOut, summary="個別ケースを変更")
def case_update(request: HttpRequest, case_id: int, payload: CasePatch):
    policy.require(request.user, Capability.VIEW_CASES)
    case = _case_out(case_id, request)
    fields = _case_fields(request, payload, exclude_unset=True)
    services.case_update(user=request.user, case=case, request=request, **fields)
    return _case_out(case.pk, request)


@router.get("/cases/{case_id}/match", response=MatchOut, summary="このケースに合う社会資源")
def case_match(request: HttpRequest, case_id: int, limit: int = 10):
    policy.require(request.user, Capability.VIEW_CASES)
    case = services.case_open(user=request.user, pk=case_id, request=request)
    profile = profiles.profile_from_case(case)
    result = matching.match(profile, limit=max(1, min(limit, 50)))
    return {
        "count": len(result.suggestions),
        "candidates": result.candidates,
        "origin": profile.origin_label,
        "notices": result.notices,
        "interests_read": [term.label for term in result.terms],
        "items": [_match_item(s) for s in result.suggestions],
    }


@router.post("/cases/{case_id}/entries", response={201: EntryOut}, summary="経過を記録")
def entry_create(request: HttpRequest, case_id: int, payload: EntryIn):
    policy.require(request.user, Capability.VIEW_CASES)
    case = _case_out(case_id, request)
    referral = None
    if payload.referral_id is not None:
        referral = case.referrals.filter(pk=payload.referral_id).first()
        if referral is None:
            raise ValidationError({"referral_id": "このケースのつなぎ先を指定してください。"})
    entry = services.case_entry_add(
        user=request.user,
        case=case,
        kind=payload.kind,
        date=payload.date,
        text=payload.text,
        referral=referral,
        request=request,
    )
    return Status(201, CaseEntry.objects.select_related("by").get(pk=entry.pk))


@router.post("/cases/{case_id}/referrals", response={201: ReferralOut}, summary="つなぎ先を提案")
def referral_create(request: HttpRequest, case_id: int, payload: ReferralIn):
    policy.require(request.user, Capability.VIEW_CASES)
    case = _case_out(case_id, request)
    service = None
    if payload.service_id is not None:
        service = Service.objects.filter(
            pk=payload.service_id, municipality_id=case.municipality_id
        ).first()
        if service is None:
            raise ValidationError({"service_id": "社会資源が見つかりません。"})
    referral = services.referral_create(
        user=request.user,
        case=case,
        service=service,
        agency_name=payload.agency_name,
        role=payload.role,
        reason=payload.reason,
        follow_up_on=payload.follow_up_on,
        date=payload.date,
        request=request,
    )
    return Status(201, Referral.objects.select_related("service").get(pk=referral.pk))


@router.post(
    "/referrals/{referral_id}/transitions",
    response=ReferralOut,
    summary="つなぎの状態を進める",
    description="提案 → 見学・体験 → 利用開始 → 定着 → 終了（または中断）。終了・中断には outcome、中断には "
    "interruption_reason が必要。提案から先に進めるには、ケースに本人の同意が記録されていること。",
)
def referral_transition(request: HttpRequest, referral_id: int, payload: TransitionIn):
    policy.require(request.user, Capability.VIEW_CASES)
    referral = selectors.referral_get_visible(user=request.user, pk=referral_id)
    services.referral_advance(
        user=request.user, referral=referral, request=request, **payload.dict()
    )
    return Referral.objects.select_related("service").get(pk=referral.pk)


@router.patch("/referrals/{referral_id}", response=ReferralOut, summary="つなぎの確認日を変更")
def referral_update(request: HttpRequest, referral_id: int, payload: ReferralPatch):
    policy.require(request.user, Capability.VIEW_CASES)
    referral = selectors.referral_get_visible(user=request.user, pk=referral_id)
    services.referral_set_follow_up(
        user=request.user, referral=referral, follow_up_on=payload.follow_up_on, request=request
    )
    return Referral.objects.select_related("service").get(pk=referral.pk)
