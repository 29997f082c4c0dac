"""API: participation per place and month (write and read back) and the gap analysis."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.api.pagination import Id, PageNumberPagination
from sasaeai.resources.models import Category

from . import selectors, services
from .forms import parse_month
from .gaps import DEFAULT_WALK_M, MAX_WALK_M, MIN_WALK_M, gap_analysis
from .models import MAX_COUNT, ParticipationRecord

router = Router(tags=["通いの場の参加と空白地域"])

Month = Field(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="月（YYYY-MM）")


class ParticipationIn(Schema):
    service_id: Id
    month: str = Month
    sessions: int | None = Field(None, ge=0, le=62)
    participants: int = Field(..., ge=0, le=MAX_COUNT, description="参加者の実人数")
    attendances: int = Field(..., ge=0, le=MAX_COUNT * 31, description="参加者の延べ人数")
    aged_65_plus: int = Field(..., ge=0, le=MAX_COUNT, description="うち65歳以上（実人数）")
    men: int | None = Field(None, ge=0, le=MAX_COUNT)
    support_needed: int | None = Field(None, ge=0, le=MAX_COUNT)
    volunteers: int | None = Field(None, ge=0, le=MAX_COUNT)


class ParticipationOut(Schema):
    id: int
    service_id: int
    service_name: str
    month: str
    sessions: int | None
    participants: int
    attendances: int
    aged_65_plus: int
    men: int | None
    support_needed: int | None
    volunteers: int | None

    @staticmethod
    def resolve_service_name(obj: ParticipationRecord) -> str:
        return obj.service.name

    @staticmethod
    def resolve_month(obj: ParticipationRecord) -> str:
        return f"{obj.month:%Y-%m}"


class ParticipationFilter(Schema):
    service_id: Id | None = None
    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")


@router.post(
    "/participation", response={201: ParticipationOut}, summary="通いの場の参加実績を記録する"
)
def participation_create(request: HttpRequest, payload: ParticipationIn):
    """One month of a place: created, or corrected when that month is already recorded."""
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    service = policy.get_in_scope(
        selectors.services_recordable_by(user=request.user), payload.service_id
    )
    record = services.record_participation(
        service=service,
        month=parse_month(payload.month),
        sessions=payload.sessions,
        participants=payload.participants,
        attendances=payload.attendances,
        aged_65_plus=payload.aged_65_plus,
        men=payload.men,
        support_needed=payload.support_needed,
        volunteers=payload.volunteers,
        user=request.user,
        source=ParticipationRecord.Source.API,
        request=request,
        via="API",
    )
    return Status(201, record)


@router.get("/participation", response=list[ParticipationOut], summary="通いの場の参加実績の一覧")
@paginate(PageNumberPagination)
def participation_list(request: HttpRequest, filters: Query[ParticipationFilter]):
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    records = selectors.participation_list_visible_to(user=request.user)
    if filters.service_id:
        records = records.filter(service_id=filters.service_id)
    if filters.month:
        records = records.filter(month=parse_month(filters.month))
    return records.order_by("-month", "service_id")


class GapItem(Schema):
    town: str
    town_id: int
    block_id: int | None
    residents_65_plus: int
    residents_75_plus: int
    weekly_places_within: int
    participation_rate: float | None
    gap_score: float
    approximate: bool


class GapList(Schema):
    items: list[GapItem]
    count: int
    walk_m: int
    population_as_of: str | None
    population_is_demo: bool
    formula: str


class GapQuery(Schema):
    walk_m: int = Field(DEFAULT_WALK_M, ge=MIN_WALK_M, le=MAX_WALK_M)
    category: str | None = Field(None, max_length=60, description="活動の種類のコード")
    joinable: list[str] = Field([], description="参加できる人（men, support-needed）")


@router.get("/gaps", response=GapList, summary="通いの場の空白地域（空白度の高い順）")
def gap_list(request: HttpRequest, query: Query[GapQuery]):
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    category = None
    if query.category:
        category = Category.objects.filter(code=query.category, axis=Category.Axis.ACTIVITY).first()
        if category is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"category": [f"活動の種類「{query.category}」はありません。"]})
    analysis = gap_analysis(
        municipality=request.user.municipality,
        walk_m=query.walk_m,
        category=category,
        target_codes=tuple(query.joinable),
    )
    items = [
        {
            "town": row.name,
            "town_id": row.town_id,
            "block_id": row.block_id,
            "residents_65_plus": row.residents_65_plus,
            "residents_75_plus": row.residents_75_plus,
            "weekly_places_within": row.weekly_places_within,
            "participation_rate": (
                round(row.participation_rate, 4) if row.participation_rate is not None else None
            ),
            "gap_score": round(row.gap_score, 2),
            "approximate": row.approximate,
        }
        for row in analysis.rows
    ]
    dataset = analysis.dataset
    return {
        "items": items,
        "count": len(items),
        "walk_m": analysis.walk_m,
        "population_as_of": dataset.as_of.isoformat() if dataset else None,
        "population_is_demo": bool(dataset and dataset.is_demo),
        "formula": analysis.formula,
    }
