"""API of the resource database (mounted under /api/v1/ by sasaeai.api): the same search as
the staff list, with its filters as query parameters, and one record."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BaseModel

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.api.pagination import Id, PageNumberPagination
from sasaeai.api.types import Date

from . import selectors
from .models import Category
from .schedules import DAY_CODES, schedule_text
from .selectors import TIME_OF_DAY, ServiceFilters

router = Router(tags=["社会資源"])


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    axis: str
    parent_id: int | None
    survey_label: str


class ScheduleOut(Schema):
    text: str
    freq: str
    interval: int
    byday: str
    bymonthday: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    closed_on_holidays: bool
    closed_year_end: bool
    note: str

    @staticmethod
    def resolve_text(obj) -> str:
        return schedule_text(obj)


# One item of the search list. A plain pydantic model, not a ninja Schema: the list's items are
# plain values (selectors.list_items), which pydantic validates in its core, without ninja's
# attribute getter around every field of every item (about a tenth of a search request's time).
# The record's schema reads a Service object (_ServiceFromModel). (A docstring here would
# become the schema's description in the OpenAPI document.)
class ServiceItem(BaseModel):
    id: int
    name: str
    name_kana: str
    status: str
    hsds_status: str
    is_public: bool
    organization: str | None
    area_id: int | None
    area: str | None
    town_id: int | None
    town: str | None
    categories: list[str]
    schedules: list[str]
    latitude: float | None
    longitude: float | None
    is_approximate: bool | None
    welcomes_volunteers: bool
    is_free: bool | None
    confirmed_at: dt.date | None
    needs_recheck: bool
    distance_m: float | None = None


class _ServiceFromModel(Schema, ServiceItem):
    """ServiceItem's fields read from a Service object (the list builds them as plain values,
    selectors.list_items)."""

    @staticmethod
    def resolve_organization(obj) -> str | None:
        return obj.organization.name if obj.organization_id else None

    @staticmethod
    def resolve_area(obj) -> str | None:
        return obj.area.name if obj.area_id else None

    @staticmethod
    def resolve_town(obj) -> str | None:
        return obj.town.name if obj.town_id else None

    @staticmethod
    def resolve_categories(obj) -> list[str]:
        return [c.name for c in obj.categories.all()]

    @staticmethod
    def resolve_schedules(obj) -> list[str]:
        return [schedule_text(s) for s in obj.schedules.all()]

    @staticmethod
    def resolve_latitude(obj) -> float | None:
        location = obj.location
        return float(location.latitude) if location and location.latitude is not None else None

    @staticmethod
    def resolve_longitude(obj) -> float | None:
        location = obj.location
        return float(location.longitude) if location and location.longitude is not None else None

    @staticmethod
    def resolve_is_approximate(obj) -> bool | None:
        return obj.location.is_approximate if obj.location_id else None

    @staticmethod
    def resolve_needs_recheck(obj) -> bool:
        return obj.needs_recheck(timezone.localdate())

    @staticmethod
    def resolve_distance_m(obj, context) -> float | None:
        distances = getattr(context["request"], "resource_distances", {})
        value = distances.get(obj.pk)
        return round(value, 1) if value is not None else None


class ServiceDetail(_ServiceFromModel):
    alternate_name: str
    description: str
    target_groups: list[str]
    eligibility_note: str
    volunteer_roles: str
    fee_amount: int | None
    fees_description: str
    capacity: int | None
    application_required: bool | None
    application_process: str
    step_free: bool | None
    accessible_toilet: bool | None
    has_seating: bool | None
    accessibility_note: str
    contact_name: str
    contact_phone: str
    contact_email: str
    contact_is_public: bool
    url: str
    publication_consent: bool
    source: str
    source_note: str
    external_id: str
    place_name: str | None
    address: str | None
    is_private_home: bool | None
    schedule_details: list[ScheduleOut]
    confirmed_by: str | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_target_groups(obj) -> list[str]:
        return [t.name for t in obj.target_groups.all()]

    @staticmethod
    def resolve_place_name(obj) -> str | None:
        return obj.location.name if obj.location_id else None

    @staticmethod
    def resolve_address(obj) -> str | None:
        return obj.location.address if obj.location_id else None

    @staticmethod
    def resolve_is_private_home(obj) -> bool | None:
        return obj.location.is_private_home if obj.location_id else None

    @staticmethod
    def resolve_schedule_details(obj) -> list:
        return list(obj.schedules.all())

    @staticmethod
    def resolve_confirmed_by(obj) -> str | None:
        return obj.confirmed_by.name if obj.confirmed_by_id else None


class ServiceQuery(Schema):
    q: str = Field("", description="キーワード（名称・ふりがな・内容・団体・分類・町）")
    area: list[Id] = Field(default_factory=list, description="圏域ID（複数可）")
    town: list[Id] = Field(default_factory=list, description="町ID（複数可）")
    category: list[Id] = Field(default_factory=list, description="分類ID（下位分類を含む）")
    target: list[Id] = Field(default_factory=list, description="対象者ID")
    weekday: list[str] = Field(
        default_factory=list, description="曜日: MO TU WE TH FR SA SU または 0（月）〜6（日）"
    )
    time_of_day: str = Field("", description="morning / afternoon / evening（開始時刻で判定）")
    free: bool | None = Field(None, description="true=無料 false=有料")
    volunteers: bool | None = Field(None, description="true=ボランティア募集中")
    near: str = Field("", description="この住所・町名の近く")
    near_town: int | None = Field(None, description="この町（ID）の近く")
    radius: int | None = Field(None, description="距離（メートル、最大20000）")
    open_on: Date | None = Field(None, description="この日に開催")
    status: list[str] = Field(
        default_factory=list, description="active / paused / closed（既定は活動中・休止中）"
    )
    recheck: bool | None = Field(None, description="true=1年以上確認していないもの")


def _filters(query: ServiceQuery) -> ServiceFilters:
    errors: dict[str, list[str]] = {}
    weekdays = []
    for raw in query.weekday:
        for item in raw.split(","):
            item = item.strip().upper()
            if not item:
                continue
            if item in DAY_CODES:
                weekdays.append(DAY_CODES.index(item))
            elif item.isdecimal() and 0 <= int(item) <= 6:
                weekdays.append(int(item))
            else:
                errors.setdefault("weekday", []).append(
                    f"曜日「{item[:20]}」は使えません。MO〜SU か 0〜6 で指定してください。"
                )
    if query.time_of_day and query.time_of_day not in TIME_OF_DAY:
        errors["time_of_day"] = ["時間帯は morning, afternoon, evening のどれかです。"]
    statuses = [s for s in query.status if s]
    unknown = [s for s in statuses if s not in ("active", "paused", "closed")]
    if unknown:
        errors["status"] = [
            f"状態「{unknown[0][:20]}」は使えません。active, paused, closed のどれかです。"
        ]
    if query.radius is not None and not (1 <= query.radius <= selectors.MAX_RADIUS_M):
        errors["radius"] = ["距離は1〜20000メートルで指定してください。"]
    if errors:
        raise ValidationError(errors)
    return ServiceFilters(
        text=query.q,
        area_ids=query.area,
        town_ids=query.town,
        category_ids=query.category,
        target_ids=query.target,
        weekdays=weekdays,
        time_of_day=query.time_of_day,
        is_free=query.free,
        welcomes_volunteers=query.volunteers,
        near_address=query.near,
        near_town_id=query.near_town,
        radius_m=query.radius or (1000 if query.near else None),
        open_on=query.open_on,
        statuses=statuses,
        needs_recheck=query.recheck,
    )


class SearchPagination(PageNumberPagination):
    """The page and the count of a search in one pass (selectors.search_result_page); the
    items come as plain values with ServiceItem's fields."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="結果の件数（count_exact が false のときは下限）")
        count_exact: bool = Field(
            True,
            description=(
                "true なら count は正確な件数、false なら下限（全件はこれ以上）です。広域閲覧の"
                "1語の検索で、名前にその語を含む結果だけでページが埋まるときは、その件数を返し、"
                "全件は数えません。名前に語を含む結果を過ぎたページや、それだけでは埋まらない"
                "ページでは、全件を数えた正確な件数です。"
            ),
        )

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params):
        page_size = self._get_page_size(pagination.page_size)
        page = selectors.search_result_page(
            queryset,
            offset=(pagination.page - 1) * page_size,
            limit=page_size,
            public=policy.sees_public_only(request.user),
        )
        distances = getattr(request, "resource_distances", {})
        for row in page.items:
            distance = distances.get(row["id"])
            row["distance_m"] = round(distance, 1) if distance is not None else None
        return {
            self.items_attribute: page.items,
            "count": page.count,
            "count_exact": page.count_exact,
        }


@router.get("/resources", response=list[ServiceItem], summary="社会資源の検索")
@paginate(SearchPagination)
def resource_list(request: HttpRequest, query: Query[ServiceQuery]):
    """一覧画面と同じ検索。`{"items": [...], "count": N, "count_exact": true}` を `page` と
    `page_size` で返します。広域閲覧の利用者の1語の検索では、名前に語を含む結果でページが
    埋まるとき、count はその件数（下限）で、count_exact は false です。"""
    policy.require(request.user, Capability.VIEW_RESOURCES)
    result = selectors.service_search(user=request.user, filters=_filters(query))
    request.resource_distances = result.distances
    # The page reads the narrow rows when the search ran on them, and the prefecture-wide
    # reader's from the name matches first (selectors.search_result_page).
    return result


@router.get("/resources/categories", response=list[CategoryOut], summary="分類の一覧")
def category_list(request: HttpRequest):
    policy.require(request.user, Capability.VIEW_RESOURCES)
    return list(
        Category.objects.filter(is_active=True)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=request.user.municipality_id))
        .order_by("axis", "order", "id")
    )


@router.get("/resources/{service_id}", response=ServiceDetail, summary="社会資源の詳細")
def resource_detail(request: HttpRequest, service_id: int):
    """広域閲覧の利用者には使えません（公開ページ /finder/ の詳細を使います）。"""
    # The staff record holds internal fields; the regional reader uses the public page.
    policy.require(request.user, Capability.VIEW_RESOURCE_RECORDS)
    return selectors.service_get_visible(user=request.user, pk=service_id)
