"""API of the activity records (mounted under /api/v1/ by sasaeai.api): visits,
consultations, meetings and other activities — list (with the web list's filters, paginated
`{"items": [...], "count": N}`), create, read and update (PATCH: only the fields sent), under the
same policy as the pages. Bad input answers 422 with Japanese messages per field."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.api.pagination import Id, PageNumberPagination, Time
from sasaeai.api.types import Date, WriteSchema
from sasaeai.org.models import Area

from . import selectors, services
from .models import Consultation, Meeting, OtherActivity, Visit

router = Router(tags=["活動記録"])


# --- schemas ----------------------------------------------------------------------------------


class RecordOut(Schema):
    id: int
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    minutes: int | None
    area_id: int | None
    area_name: str
    coordinator_id: int
    coordinator_name: str
    tier: int
    calendar_entry_id: int | None
    occurrence_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name if obj.area_id else "市全域"

    @staticmethod
    def resolve_coordinator_name(obj) -> str:
        return obj.coordinator.name


class VisitOut(RecordOut):
    service_id: int | None
    service_name: str
    place_name: str
    companions: str
    attendees: int | None
    observations: str
    needs_heard: str

    @staticmethod
    def resolve_service_name(obj) -> str:
        return obj.service.name if obj.service_id else ""


class VisitIn(WriteSchema):
    writes = Visit

    date: Date
    start_time: Time | None = None
    end_time: Time | None = None
    area_id: Id | None = None
    service_id: Id | None = None
    place_name: str = ""
    companions: str = ""
    attendees: int | None = None
    observations: str = ""
    needs_heard: str = ""


class VisitPatch(WriteSchema):
    writes = Visit

    date: Date | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    area_id: Id | None = None
    service_id: Id | None = None
    place_name: str | None = None
    companions: str | None = None
    attendees: int | None = None
    observations: str | None = None
    needs_heard: str | None = None


class TopicOut(Schema):
    id: int
    name: str


class ConsultationOut(RecordOut):
    visit_id: int | None
    consulter_type: str
    consulter_type_label: str
    consulter_body: str
    channel: str
    channel_label: str
    topics: list[TopicOut]
    summary: str
    referral: str
    referral_label: str
    referral_service_id: int | None
    referral_note: str
    followup_needed: bool
    followup_due: dt.date | None
    followup_done_on: dt.date | None
    case_id: int | None

    @staticmethod
    def resolve_consulter_type_label(obj) -> str:
        return obj.get_consulter_type_display()

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return obj.get_channel_display()

    @staticmethod
    def resolve_referral_label(obj) -> str:
        return obj.get_referral_display()

    @staticmethod
    def resolve_topics(obj) -> list[dict]:
        return [{"id": t.pk, "name": t.name} for t in obj.topics.all()]


class ConsultationIn(WriteSchema):
    writes = Consultation

    date: Date | None = None  # defaults to the visit's date when visit_id is given
    start_time: Time | None = None
    end_time: Time | None = None
    area_id: Id | None = None
    visit_id: Id | None = None
    consulter_type: str
    consulter_body: str = ""
    channel: str
    topic_ids: list[Id]
    summary: str = ""
    referral: str = "none"
    referral_service_id: Id | None = None
    referral_note: str = ""
    followup_needed: bool = False
    followup_due: Date | None = None
    followup_done_on: Date | None = None
    case_id: Id | None = None


class ConsultationPatch(WriteSchema):
    writes = Consultation

    date: Date | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    area_id: Id | None = None
    consulter_type: str | None = None
    consulter_body: str | None = None
    channel: str | None = None
    topic_ids: list[Id] | None = None
    summary: str | None = None
    referral: str | None = None
    referral_service_id: Id | None = None
    referral_note: str | None = None
    followup_needed: bool | None = None
    followup_due: Date | None = None
    followup_done_on: Date | None = None
    case_id: Id | None = None


class MeetingOut(RecordOut):
    meeting_type: str
    meeting_type_label: str
    title: str
    council_id: int | None
    organiser: str
    venue: str
    participant_organisations: str
    participant_count: int | None
    agenda: str
    minutes_text: str

    @staticmethod
    def resolve_meeting_type_label(obj) -> str:
        return obj.get_meeting_type_display()


class MeetingIn(WriteSchema):
    writes = Meeting

    date: Date
    start_time: Time | None = None
    end_time: Time | None = None
    area_id: Id | None = None
    meeting_type: str
    title: str
    council_id: Id | None = None
    organiser: str = ""
    venue: str = ""
    participant_organisations: str = ""
    participant_count: int | None = None
    agenda: str = ""
    minutes_text: str = ""


class MeetingPatch(WriteSchema):
    writes = Meeting

    date: Date | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    area_id: Id | None = None
    meeting_type: str | None = None
    title: str | None = None
    council_id: Id | None = None
    organiser: str | None = None
    venue: str | None = None
    participant_organisations: str | None = None
    participant_count: int | None = None
    agenda: str | None = None
    minutes_text: str | None = None


class OtherActivityOut(RecordOut):
    kind: str
    kind_label: str
    title: str
    end_date: dt.date | None
    counterpart: str
    venue: str
    head_count: int | None
    copies: int | None
    distribution: str
    note: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class OtherActivityIn(WriteSchema):
    writes = OtherActivity

    date: Date
    end_date: Date | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    area_id: Id | None = None
    kind: str
    title: str
    counterpart: str = ""
    venue: str = ""
    head_count: int | None = None
    copies: int | None = None
    distribution: str = ""
    note: str = ""


class OtherActivityPatch(WriteSchema):
    writes = OtherActivity

    date: Date | None = None
    end_date: Date | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    area_id: Id | None = None
    kind: str | None = None
    title: str | None = None
    counterpart: str | None = None
    venue: str | None = None
    head_count: int | None = None
    copies: int | None = None
    distribution: str | None = None
    note: str | None = None


# --- helpers ----------------------------------------------------------------------------------


def _filters(
    request: HttpRequest,
    *,
    period: str,
    start: Date | None,
    end: Date | None,
    area_id: int | None,
    service_id: int | None,
    topic_id: int | None,
    coordinator_id: int | None,
    mine: bool,
) -> selectors.ActivityFilters:
    if start and end and end < start:
        raise ValidationError({"end": "終了日が開始日より前です。"})
    return selectors.ActivityFilters(
        period=selectors.period_for(period or "half", start=start, end=end)
        if period != "all"
        else None,
        area_id=area_id,
        service_id=service_id,
        topic_id=topic_id,
        coordinator_id=request.user.pk if mine else coordinator_id,
    )


def _resolve(request: HttpRequest, data: dict) -> dict:
    """Turns *_id fields into objects the user may use; an unknown id is a 422 on that field."""
    user = request.user
    fields = {}
    for name, value in data.items():
        if not name.endswith("_id") or name == "topic_ids":
            fields[name] = value
            continue
        field = name[:-3]
        if value is None:
            fields[field] = None
            continue
        if field == "area":
            queryset = Area.objects.filter(municipality_id=user.municipality_id)
            message = f"圏域（ID {value}）が見つかりません。"
        elif field in ("service", "referral_service"):
            from sasaeai.resources.selectors import service_list_visible_to

            queryset = service_list_visible_to(user=user)
            message = f"社会資源（ID {value}）が見つかりません。"
        elif field == "visit":
            queryset = selectors.records_visible_to(user=user, model=Visit)
            message = f"訪問（ID {value}）が見つかりません。"
        elif field == "case":
            from sasaeai.cases.selectors import case_list_visible_to

            queryset = case_list_visible_to(user=user)
            message = f"個別ケース（ID {value}）が見つかりません。"
        elif field == "council":
            from sasaeai.councils.models import Council

            queryset = Council.objects.filter(municipality_id=user.municipality_id)
            message = f"協議体（ID {value}）が見つかりません。"
        else:
            raise ValidationError({name: "この項目は指定できません。"})
        found = queryset.filter(pk=value).first()
        if found is None:
            raise ValidationError({name: message})
        fields[field] = found
    return fields


def _topics(request: HttpRequest, ids: list[int] | None):
    if ids is None:
        return None
    topics = list(selectors.topic_list_for(user=request.user).filter(pk__in=ids))
    missing = sorted(set(ids) - {t.pk for t in topics})
    if missing:
        raise ValidationError(
            {"topic_ids": f"相談内容（ID {', '.join(map(str, missing))}）は一覧にありません。"}
        )
    return topics


def _list(request: HttpRequest, model, filters: selectors.ActivityFilters) -> QuerySet:
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    return selectors.record_list(user=request.user, model=model, filters=filters)


def _get(request: HttpRequest, model, pk: int):
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    return selectors.record_get_visible(user=request.user, model=model, pk=pk)


def _editable(request: HttpRequest, model, pk: int):
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    return _get(request, model, pk)


ONCE_DOC = (
    "ヘッダー Idempotency-Key（英数字・ハイフン・下線の16〜64文字、UUIDなど）を付けると、"
    "同じ利用者が同じキーで送り直しても記録は1件だけ: 2回目以降は最初の記録を200で返す。"
    "入力に誤りがあって記録されなかった送信はキーを使わないので、直して同じキーで送れる。"
)


def _once(request: HttpRequest, kind: str, create):
    """Creates the record, once per Idempotency-Key when the request carries one."""
    key = request.headers.get(services.SUBMISSION_KEY_FIELD)
    if key is None:
        return create(), True
    return services.record_once(user=request.user, key=key, kind=kind, create=create)


LIST_DOC = (
    "period: month / last_month / half（既定）/ last_half / fy / last_fy / custom（start・end）/ all。"
    "mine=true で自分の記録だけ。"
)


# --- visits -----------------------------------------------------------------------------------


@router.get("/visits", response=list[VisitOut], summary="訪問の一覧", description=LIST_DOC)
@paginate(PageNumberPagination)
def visit_list(
    request: HttpRequest,
    period: str = "half",
    start: Date | None = None,
    end: Date | None = None,
    area_id: Id | None = None,
    service_id: Id | None = None,
    coordinator_id: Id | None = None,
    mine: bool = False,
):
    filters = _filters(
        request,
        period=period,
        start=start,
        end=end,
        area_id=area_id,
        service_id=service_id,
        topic_id=None,
        coordinator_id=coordinator_id,
        mine=mine,
    )
    return _list(request, Visit, filters)


@router.post(
    "/visits",
    response={200: VisitOut, 201: VisitOut},
    summary="訪問を記録",
    description=ONCE_DOC,
)
def visit_create(request: HttpRequest, payload: VisitIn):
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    data = payload.dict(exclude_unset=True)

    def create() -> Visit:
        return services.visit_record(
            user=request.user, fields=_resolve(request, data), request=request
        )

    visit, created = _once(request, "visit", create)
    return Status(
        201 if created else 200,
        selectors.record_get_visible(user=request.user, model=Visit, pk=visit.pk),
    )


@router.get("/visits/{visit_id}", response=VisitOut, summary="訪問")
def visit_detail(request: HttpRequest, visit_id: int):
    return _get(request, Visit, visit_id)


@router.patch("/visits/{visit_id}", response=VisitOut, summary="訪問を変更")
def visit_update(request: HttpRequest, visit_id: int, payload: VisitPatch):
    visit = _editable(request, Visit, visit_id)
    fields = _resolve(request, payload.dict(exclude_unset=True))
    services.visit_update(user=request.user, visit=visit, fields=fields, request=request)
    return _get(request, Visit, visit_id)


# --- consultations ----------------------------------------------------------------------------


@router.get(
    "/consultations",
    response=list[ConsultationOut],
    summary="相談の一覧",
    description=LIST_DOC + " topic_id で相談内容、service_id でつないだ社会資源・訪問先。",
)
@paginate(PageNumberPagination)
def consultation_list(
    request: HttpRequest,
    period: str = "half",
    start: Date | None = None,
    end: Date | None = None,
    area_id: Id | None = None,
    service_id: Id | None = None,
    topic_id: Id | None = None,
    coordinator_id: Id | None = None,
    mine: bool = False,
):
    filters = _filters(
        request,
        period=period,
        start=start,
        end=end,
        area_id=area_id,
        service_id=service_id,
        topic_id=topic_id,
        coordinator_id=coordinator_id,
        mine=mine,
    )
    return _list(request, Consultation, filters)


@router.post(
    "/consultations",
    response={200: ConsultationOut, 201: ConsultationOut},
    summary="相談を記録",
    description=ONCE_DOC,
)
def consultation_create(request: HttpRequest, payload: ConsultationIn):
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    data = payload.dict(exclude_unset=True)

    def create() -> Consultation:
        topics = _topics(request, data.pop("topic_ids", []))
        fields = _resolve(request, data)
        if fields.get("date") is None:
            fields.pop("date", None)
            if fields.get("visit") is None:
                raise ValidationError({"date": "相談日を入力してください。"})
        return services.consultation_record(
            user=request.user, fields=fields, topics=topics, request=request
        )

    consultation, created = _once(request, "consultation", create)
    return Status(201 if created else 200, _get(request, Consultation, consultation.pk))


@router.get("/consultations/{consultation_id}", response=ConsultationOut, summary="相談")
def consultation_detail(request: HttpRequest, consultation_id: int):
    return _get(request, Consultation, consultation_id)


@router.patch("/consultations/{consultation_id}", response=ConsultationOut, summary="相談を変更")
def consultation_update(request: HttpRequest, consultation_id: int, payload: ConsultationPatch):
    consultation = _editable(request, Consultation, consultation_id)
    data = payload.dict(exclude_unset=True)
    topics = _topics(request, data.pop("topic_ids", None))
    services.consultation_update(
        user=request.user,
        consultation=consultation,
        fields=_resolve(request, data),
        topics=topics,
        request=request,
    )
    return _get(request, Consultation, consultation_id)


# --- meetings ---------------------------------------------------------------------------------


@router.get("/meetings", response=list[MeetingOut], summary="会議の一覧", description=LIST_DOC)
@paginate(PageNumberPagination)
def meeting_list(
    request: HttpRequest,
    period: str = "half",
    start: Date | None = None,
    end: Date | None = None,
    area_id: Id | None = None,
    coordinator_id: Id | None = None,
    mine: bool = False,
):
    filters = _filters(
        request,
        period=period,
        start=start,
        end=end,
        area_id=area_id,
        service_id=None,
        topic_id=None,
        coordinator_id=coordinator_id,
        mine=mine,
    )
    return _list(request, Meeting, filters)


@router.post("/meetings", response={201: MeetingOut}, summary="会議を記録")
def meeting_create(request: HttpRequest, payload: MeetingIn):
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    fields = _resolve(request, payload.dict(exclude_unset=True))
    meeting = services.meeting_record(user=request.user, fields=fields, request=request)
    return Status(201, _get(request, Meeting, meeting.pk))


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="会議")
def meeting_detail(request: HttpRequest, meeting_id: int):
    return _get(request, Meeting, meeting_id)


@router.patch("/meetings/{meeting_id}", response=MeetingOut, summary="会議を変更")
def meeting_update(request: HttpRequest, meeting_id: int, payload: MeetingPatch):
    meeting = _editable(request, Meeting, meeting_id)
    fields = _resolve(request, payload.dict(exclude_unset=True))
    services.meeting_update(user=request.user, meeting=meeting, fields=fields, request=request)
    return _get(request, Meeting, meeting_id)


# --- other activities -------------------------------------------------------------------------


@router.get(
    "/activities",
    response=list[OtherActivityOut],
    summary="その他の活動の一覧（研修・講演・視察対応・勉強会・広報誌）",
    description=LIST_DOC,
)
@paginate(PageNumberPagination)
def other_activity_list(
    request: HttpRequest,
    period: str = "half",
    start: Date | None = None,
    end: Date | None = None,
    area_id: Id | None = None,
    coordinator_id: Id | None = None,
    mine: bool = False,
):
    filters = _filters(
        request,
        period=period,
        start=start,
        end=end,
        area_id=area_id,
        service_id=None,
        topic_id=None,
        coordinator_id=coordinator_id,
        mine=mine,
    )
    return _list(request, OtherActivity, filters)


@router.post("/activities", response={201: OtherActivityOut}, summary="その他の活動を記録")
def other_activity_create(request: HttpRequest, payload: OtherActivityIn):
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    fields = _resolve(request, payload.dict(exclude_unset=True))
    activity = services.other_activity_record(user=request.user, fields=fields, request=request)
    return Status(201, _get(request, OtherActivity, activity.pk))


@router.get("/activities/{activity_id}", response=OtherActivityOut, summary="その他の活動")
def other_activity_detail(request: HttpRequest, activity_id: int):
    return _get(request, OtherActivity, activity_id)


@router.patch("/activities/{activity_id}", response=OtherActivityOut, summary="その他の活動を変更")
def other_activity_update(request: HttpRequest, activity_id: int, payload: OtherActivityPatch):
    activity = _editable(request, OtherActivity, activity_id)
    fields = _resolve(request, payload.dict(exclude_unset=True))
    services.other_activity_update(
        user=request.user, activity=activity, fields=fields, request=request
    )
    return _get(request, OtherActivity, activity_id)
