"""Reads of the social resource database: scoped lists, the search with its filters (staff and
public), the re-check list, and the point each service is shown at on a map."""

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import In
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.core.geo import bounding_box, haversine_m
from sasaeai.core.pages import counted_page
from sasaeai.core.prepared import IdsQuery
from sasaeai.org.models import Area, Municipality, Town
from sasaeai.org.selectors import address_resolve

from .models import (
    Category,
    Location,
    Schedule,
    SearchRow,
    Service,
    Synonym,
    TargetGroup,
    VerificationPolicy,
)
from .schedules import open_on_q, schedule_meets_on, schedule_text, weekday_q
from .search import (
    PUBLIC,
    PUBLIC_ROWS,
    STAFF,
    TIME_OF_DAY,
    TIME_TOKENS,
    apply_text_search,
    expand_query,
    names_first_terms,
    synonym_groups,
)

MAX_RADIUS_M = 20_000
# What staff see unless they ask for closed ones too.
USUAL_STATUSES = (Service.Status.ACTIVE, Service.Status.PAUSED)
# The search columns not shown anywhere (the automatic reading is, in exports).
UNSHOWN_COLUMNS = tuple(c for c in Service.SEARCH_COLUMNS if c != "name_reading")


@dataclass
class ServiceFilters:
    """What a search may be narrowed by. Empty lists and None mean "no filter"."""

    text: str = ""
    area_ids: list[int] = field(default_factory=list)
    town_ids: list[int] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    target_ids: list[int] = field(default_factory=list)
    weekdays: list[int] = field(default_factory=list)  # 0 = Monday
    time_of_day: str = ""  # morning / afternoon / evening
    is_free: bool | None = None
    welcomes_volunteers: bool | None = None
    near_address: str = ""
    near_town_id: int | None = None
    radius_m: int | None = None
    open_on: dt.date | None = None
    statuses: list[str] = field(default_factory=list)  # staff only; public = active
    needs_recheck: bool | None = None  # staff only
    organization_id: int | None = None


@dataclass
class Origin:
    latitude: float
    longitude: float
    label: str


@dataclass
class SearchResult:
    # Makes the search's Service queryset, when first asked for (`queryset`): the API's page of
    # a search on the narrow rows never needs it, and building it cost the request as much as
    # a statement.
    build: Callable[[], QuerySet[Service]] = field(repr=False)
    origin: Origin | None = None
    distances: dict[int, float] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    expanded: list[list[str]] = field(default_factory=list)
    # The same search on the narrow rows (models.SearchRow), ordered, with `text_rank`, when it
    # ran on them (the prefecture-wide reader's): a page of ids and the count read it.
    rows: QuerySet[SearchRow] | None = None
    # The prefecture-wide reader's search of one word (search_result_page): the same search
    # kept to the matches whose name holds the word, in the same order, on what the page is
    # read from. They come first in that order, before every other match.
    names_first: Callable[[], QuerySet] | None = field(default=None, repr=False)

    @functools.cached_property
    def queryset(self) -> QuerySet[Service]:
        return self.build()

    @property
    def for_page(self) -> QuerySet:
        """What a page of ids and the count are read from (search_page)."""
        return self.rows if self.rows is not None else self.queryset


# --- scope ------------------------------------------------------------------------------------


def service_list_visible_to(*, user: User) -> QuerySet[Service]:
    """Every service the user may read: resources are not personal data, so tier 2 reads the
    whole municipality (and may write only in its areas); the regional role reads its
    prefecture; roles without the resources capability read nothing."""
    if not policy.has(user, Capability.VIEW_RESOURCES):
        return Service.objects.none()
    if policy.sees_public_only(user):  # 広域閲覧: what residents see
        return _regional_public(user, Service.objects.all())[0]
    return policy.in_municipality(Service.objects.all(), user)


def _regional_public(user: User, *querysets: QuerySet) -> list[QuerySet]:
    """The prefecture-wide reader's services (or their narrow search rows, which have the
    same column names) as residents see them: the conditions of service_public_queryset,
    with the verification policies of its own prefecture only (not every hosted
    municipality's), read once for all the querysets."""
    scope = policy.municipality_ids(user)
    on_hold = on_hold_q(municipality_ids=scope)
    # In(F(…)) rather than municipality__in: the related lookup prepares each of the
    # prefecture's ids through the relation (0.2 ms for 60, on every request); the SQL is the
    # same.
    within = In(F("municipality"), scope)
    return [_public_only(qs.filter(within), on_hold) for qs in querysets]


def service_public_queryset(*, municipality: Municipality | None = None) -> QuerySet[Service]:
    """Services a resident may see: public, consented, active, and not 「確認中」 (left
    unverified past the municipality's hide-after period, see on_hold_q)."""
    qs = Service.objects.all()
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    on_hold = on_hold_q(municipality_ids=[municipality.pk] if municipality is not None else None)
    return _public_only(qs, on_hold)


def _public_only(queryset: QuerySet, on_hold: Q | None) -> QuerySet:
    """service_public_queryset's conditions, on services or on their narrow search rows
    (models.SearchRow has the same column names)."""
    queryset = queryset.filter(
        is_public=True, publication_consent=True, status=Service.Status.ACTIVE
    )
    return queryset.exclude(on_hold) if on_hold is not None else queryset


def service_get_visible(*, user: User, pk: object) -> Service:
    """One service within the user's scope, with what its page shows (404 otherwise)."""
    return policy.get_in_scope(
        with_display_relations(service_list_visible_to(user=user)).select_related(
            "confirmed_by", "organization__operator_type", "location__place_type"
        ),
        pk,
    )


def service_get_public(*, pk: object, municipality: Municipality | None = None) -> Service:
    return policy.get_in_scope(
        with_display_relations(service_public_queryset(municipality=municipality)), pk
    )


def with_display_relations(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """What list rows, cards, map markers and API items show, in a fixed number of queries.
    The search columns (the largest of a row, only ever compared in SQL) are not loaded: a
    page of results is sorted with its whole rows, so they would be carried through the sort
    of every match."""
    return (
        queryset.defer(*UNSHOWN_COLUMNS)
        .select_related("organization", "location", "town", "area", "municipality")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.select_related("parent")),
            "target_groups",
            Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        )
    )


LIST_COLUMNS = (
    "id",
    "municipality_id",
    "area_id",
    "town_id",
    "name",
    "name_kana",
    "status",
    "is_public",
    "welcomes_volunteers",
    "confirmed_at",
    "town__name",
    "area__name",
)


def with_list_relations(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """What a row of the staff list shows (name, reading, badges, categories, schedules, town,
    area, last confirmation), in a fixed number of queries: only those columns, and the
    categories' names (a page of 50 rows with every column and relation took longer to load
    than to render)."""
    return (
        queryset.select_related("town", "area")
        .only(*LIST_COLUMNS)
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.only("id", "name", "order")),
            Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        )
    )


def service_writable_q(*, user: User) -> Q:
    return policy.writable_area_filter(user)


# --- verification -----------------------------------------------------------------------------


def verification_policy(municipality_id: int) -> VerificationPolicy:
    """The municipality's verification settings (the defaults when it has saved none)."""
    found = VerificationPolicy.objects.filter(pk=municipality_id).first()
    return found or VerificationPolicy(municipality_id=municipality_id)


def recheck_limit(today: dt.date | None = None, *, valid_days: int = 365) -> dt.date:
    """A verification older than this date has lapsed."""
    return (today or timezone.localdate()) - dt.timedelta(days=valid_days)


def needs_recheck_q(today: dt.date | None = None, *, valid_days: int = 365) -> Q:
    return Q(confirmed_at__isnull=True) | Q(
        confirmed_at__lt=recheck_limit(today, valid_days=valid_days)
    )


_HIDING_POLICIES = IdsQuery(
    lambda ids: VerificationPolicy.objects.filter(
        hide_after_days__isnull=False, pk__in=ids
    ).values_list("municipality_id", "valid_days", "hide_after_days")
)


def on_hold_q(
    *, municipality_ids: list[int] | None = None, today: dt.date | None = None
) -> Q | None:
    """Matches the services that are 「確認中」: in a municipality that hides unverified
    resources, not verified for `valid_days + hide_after_days` (never verified: counted from
    when the resource was registered). None when no such municipality is concerned."""
    today = today or timezone.localdate()
    if municipality_ids is not None:
        # Every public page and the prefecture-wide search: compiled once per connection.
        policies = _HIDING_POLICIES.rows(municipality_ids)
    else:
        policies = VerificationPolicy.objects.filter(hide_after_days__isnull=False).values_list(
            "municipality_id", "valid_days", "hide_after_days"
        )
    found: Q | None = None
    for municipality_id, valid_days, hide_after_days in policies:
        cutoff = today - dt.timedelta(days=valid_days + hide_after_days)
        registered_before = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
        lapsed = Q(confirmed_at__lt=cutoff) | Q(
            confirmed_at__isnull=True, created_at__lt=registered_before
        )
        condition = Q(municipality_id=municipality_id) & lapsed
        found = condition if found is None else found | condition
    return found


@dataclass(frozen=True)
class Verification:
    """What the staff page says about a resource's verification."""

    confirmed_at: dt.date | None
    via: str  # the ConfirmedVia label, or ""
    by: str  # the confirming staff member's name, or ""
    valid_days: int
    expires_on: dt.date | None  # the day the verification lapses
    needs_recheck: bool
    hides_on: dt.date | None  # the day it becomes 確認中 (None: the municipality never hides)
    on_hold: bool  # 確認中: left out of the public pages


def service_verification(service: Service, *, today: dt.date | None = None) -> Verification:
    today = today or timezone.localdate()
    settings_ = verification_policy(service.municipality_id)
    start = service.confirmed_at or (
        timezone.localtime(service.created_at).date() if service.created_at else today
    )
    expires_on = (
        service.confirmed_at + dt.timedelta(days=settings_.valid_days)
        if service.confirmed_at
        else None
    )
    hides_on = None
    if settings_.hide_after_days is not None:
        hides_on = start + dt.timedelta(days=settings_.valid_days + settings_.hide_after_days)
    return Verification(
        confirmed_at=service.confirmed_at,
        via=service.get_confirmed_via_display() if service.confirmed_via else "",
        by=service.confirmed_by.name if service.confirmed_by_id else "",
        valid_days=settings_.valid_days,
        expires_on=expires_on,
        needs_recheck=service.needs_recheck(today, valid_days=settings_.valid_days),
        hides_on=hides_on,
        on_hold=hides_on is not None and hides_on <= today,
    )


# --- search -----------------------------------------------------------------------------------


def category_descendant_ids(category_ids: list[int]) -> set[int]:
    """The categories and every category below them (趣味活動 includes カラオケ・音楽)."""
    if not category_ids:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = [int(pk) for pk in category_ids]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def resolve_origin(
    *, municipality: Municipality | None, filters: ServiceFilters
) -> tuple[Origin | None, str | None]:
    """The point "within N metres of" refers to: a typed address or a town. Returns the origin,
    or a Japanese message when the address cannot be placed."""
    if filters.near_town_id:
        town = Town.objects.filter(pk=filters.near_town_id).first()
        if town is None or town.latitude is None:
            return None, "指定の町の位置がわかりません。"
        return Origin(float(town.latitude), float(town.longitude), town.name), None
    if filters.near_address and municipality is not None:
        resolved = address_resolve(municipality=municipality, address=filters.near_address)
        if resolved is None or resolved.latitude is None:
            return (
                None,
                f"住所「{filters.near_address[:50]}」の場所がわかりませんでした。町名から入力してください。",
            )
        label = str(resolved.block) if resolved.block else resolved.town.name
        return Origin(float(resolved.latitude), float(resolved.longitude), label), None
    return None, None


def _schedule_filter(filters: ServiceFilters) -> Q | None:
    """Services with at least one schedule meeting the day, time and date filters together
    (「火曜の午前」 means one schedule that is both)."""
    conditions = Q()
    used = False
    if filters.weekdays:
        conditions &= weekday_q(filters.weekdays)
        used = True
    if filters.time_of_day in TIME_OF_DAY:
        _, start, end = TIME_OF_DAY[filters.time_of_day]
        conditions &= Q(opens_at__gte=start, opens_at__lt=end)
        used = True
    if filters.open_on:
        used = True
        exact = open_on_q(filters.open_on) & Q(interval=1)
        # Schedules repeating every 2nd week or month are few: checked one by one.
        coarse = open_on_q(filters.open_on) & Q(interval__gt=1)
        sparse_ids = [
            s.pk
            for s in Schedule.objects.filter(conditions & coarse)
            if schedule_meets_on(s, filters.open_on)
        ]
        conditions &= exact | Q(pk__in=sparse_ids)
    if not used:
        return None
    return Q(Exists(Schedule.objects.filter(conditions, service=OuterRef("pk"))))


def _fact_groups(filters: ServiceFilters, *, public: bool) -> list[list[str]]:
    """The filters the index answers, as groups of fact tokens (see search.facts_of): every
    group must hold, any token of a group will do."""
    groups: list[list[str]] = []
    if filters.area_ids:
        groups.append([f"a{pk}" for pk in filters.area_ids])
    if filters.town_ids:
        groups.append([f"t{pk}" for pk in filters.town_ids])
    if filters.category_ids:
        groups.append([f"c{pk}" for pk in sorted(category_descendant_ids(filters.category_ids))])
    if filters.target_ids:
        groups.append([f"g{pk}" for pk in filters.target_ids])
    days = sorted(set(filters.weekdays))
    bucket = TIME_TOKENS.get(filters.time_of_day)
    if days and bucket:
        groups.append([f"d{day}{bucket}" for day in days])
    elif days:
        groups.append([f"d{day}" for day in days])
    elif bucket:
        groups.append([f"o{bucket}"])
    if filters.is_free is not None:
        groups.append(["f1" if filters.is_free else "f0"])
    if filters.welcomes_volunteers is not None:
        groups.append(["v1" if filters.welcomes_volunteers else "v0"])
    # Tokens that most services hold would only slow the index down: the usual statuses
    # (active and paused) and, in public, "public and active" are left to the SQL check.
    statuses = set(filters.statuses)
    if not public and statuses and not statuses >= set(USUAL_STATUSES):
        groups.append([f"s{status}" for status in sorted(statuses)])
    return groups


def _filter(
    queryset: QuerySet[Service],
    filters: ServiceFilters,
    *,
    public: bool,
    indexed: bool = False,
    valid_days: int = 365,
) -> QuerySet[Service]:
    """The filters in SQL. With `indexed`, the ones that need another table (categories,
    target groups, schedules by day and time) are left to the index's fact tokens; the
    columns of the service row are still checked (cheap on the rows the index keeps)."""
    if filters.area_ids:
        queryset = queryset.filter(area_id__in=filters.area_ids)
    if filters.town_ids:
        queryset = queryset.filter(town_id__in=filters.town_ids)
    if filters.category_ids and not indexed:
        ids = category_descendant_ids(filters.category_ids)
        through = Service.categories.through
        queryset = queryset.filter(
            Exists(through.objects.filter(service_id=OuterRef("pk"), category_id__in=ids))
        )
    if filters.target_ids and not indexed:
        through = Service.target_groups.through
        queryset = queryset.filter(
            Exists(
                through.objects.filter(
                    service_id=OuterRef("pk"), targetgroup_id__in=filters.target_ids
                )
            )
        )
    if filters.is_free is not None:
        queryset = queryset.filter(is_free=filters.is_free)
    if filters.welcomes_volunteers is not None:
        queryset = queryset.filter(welcomes_volunteers=filters.welcomes_volunteers)
    if filters.organization_id:
        queryset = queryset.filter(organization_id=filters.organization_id)
    # A date needs the schedules themselves; days and times alone are in the index's facts.
    schedule_q = _schedule_filter(filters) if (filters.open_on or not indexed) else None
    if schedule_q is not None:
        queryset = queryset.filter(schedule_q)
    if not public:
        if filters.statuses:
            queryset = queryset.filter(status__in=filters.statuses)
        if filters.needs_recheck is True:
            queryset = queryset.filter(needs_recheck_q(valid_days=valid_days))
        elif filters.needs_recheck is False:
            queryset = queryset.exclude(needs_recheck_q(valid_days=valid_days))
    return queryset


def _apply_distance(
    queryset: QuerySet[Service], origin: Origin, radius_m: int | None, *, public: bool
) -> tuple[QuerySet[Service], dict[int, float]]:
    """Keeps services within the radius (a bounding box in the database, then the exact
    great-circle distance on the few left) and orders nearer first."""
    distances: dict[int, float] = {}
    if radius_m:
        south, north, west, east = bounding_box(origin.latitude, origin.longitude, radius_m)
        box = Q(
            location__latitude__gte=Decimal(str(round(south, 6))),
            location__latitude__lte=Decimal(str(round(north, 6))),
            location__longitude__gte=Decimal(str(round(west, 6))),
            location__longitude__lte=Decimal(str(round(east, 6))),
        )
        if public:
            # A private home is placed at its area's point in public: measure from there.
            box |= Q(location__is_private_home=True)
        rows = queryset.filter(box).values_list(
            "pk",
            "location__latitude",
            "location__longitude",
            "location__is_private_home",
            "area_id",
        )
        rows = list(rows)
        area_points = (
            area_centroids(area_ids=[row[4] for row in rows if row[3] and row[4]]) if public else {}
        )
        keep = []
        for pk, lat, lon, private, area_id in rows:
            if public and private:
                point = area_points.get(area_id)
                if point is None:
                    continue
                lat, lon = point
            distance = haversine_m(origin.latitude, origin.longitude, float(lat), float(lon))
            if distance <= radius_m:
                keep.append(pk)
                distances[pk] = distance
        queryset = queryset.filter(pk__in=keep)
    return queryset, distances


def _distance_order(origin: Origin) -> ExpressionWrapper:
    """A planar squared distance for ordering (the same order as the great-circle distance at
    city scale), written as plain arithmetic so that both backends compute it alike."""
    scale = math.cos(math.radians(origin.latitude))
    dlat = F("location__latitude") - Value(origin.latitude, output_field=FloatField())
    dlon = (F("location__longitude") - Value(origin.longitude, output_field=FloatField())) * Value(
        scale, output_field=FloatField()
    )
    return ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())


# The index (search.index_q) finds the candidates of every search on SQLite and PostgreSQL;
# False makes each term a plain substring check on the stored text and each filter a plain SQL
# condition (the tests compare the two paths).
SEARCH_INDEX = True
# Where the prefecture-wide search reads the narrow search rows (models.SearchRow). Measured at
# the prefecture size (docs/benchmarks.md): on PostgreSQL 13× fewer buffers and about half the
# time; on SQLite no gain (the cost there is per candidate, not the width of the row: 47 ms
# CPU p50 on the rows against 40 on the services), so SQLite keeps the service rows. The rows
# are kept on both backends, and the tests run the search both ways on both.
SEARCH_ROWS_VENDORS = ("postgresql",)


def _reading_order():
    """ふりがな, or the automatic reading when none was typed (so blanks do not come first)."""
    return Coalesce(NullIf("name_kana", Value("")), "name_reading")


def _search(
    queryset: QuerySet[Service],
    *,
    filters: ServiceFilters,
    municipality: Municipality | None,
    public: bool,
    scope: list[str],
    rows: QuerySet[SearchRow] | None = None,
    names_first: bool = False,
) -> SearchResult:
    """With `rows` (the public search's services as narrow rows, models.SearchRow), a search
    with no place to measure from runs on them: the filters, the index, the check of every
    word, the rank and the order read narrow rows, never the wide service rows (the
    prefecture-wide reader ranks thousands of matches); a page and the count are read from
    them (SearchResult.for_page). The Service queryset of the result is the same search on the
    service rows (the staff list, exports): same services, same order.

    With `names_first` (the prefecture-wide reader's), a search of one word also gives the
    matches whose name holds it (SearchResult.names_first), for search_result_page."""
    groups = synonym_groups(municipality_id=municipality.pk if municipality else None)
    expanded = expand_query(filters.text, groups=groups)
    indexed = SEARCH_INDEX and connection.vendor in ("sqlite", "postgresql")
    valid_days = 365
    if filters.needs_recheck is not None and municipality is not None:
        valid_days = verification_policy(municipality.pk).valid_days
    facts = _fact_groups(filters, public=public) if indexed else []
    if indexed and scope:
        facts.insert(0, scope)
    origin, message = resolve_origin(municipality=municipality, filters=filters)
    messages = [message] if message else []
    on_rows = connection.vendor in SEARCH_ROWS_VENDORS
    filtered_rows = None
    if rows is not None and public and indexed and origin is None and on_rows:
        filtered_rows = _filter(rows, filters, public=True, indexed=True)

    def matched_rows(names_only: bool = False) -> QuerySet[SearchRow]:
        return apply_text_search(
            filtered_rows,
            expanded,
            use_index=True,
            facts=facts,
            document=PUBLIC_ROWS,
            names_only=names_only,
        ).order_by("-text_rank", "sort_key", "name", "pk")

    rows = matched_rows() if filtered_rows is not None else None

    def matched(names_only: bool = False) -> QuerySet[Service]:
        found = _filter(queryset, filters, public=public, indexed=indexed, valid_days=valid_days)
        # The public finder matches and ranks on the public document only: what a resident
        # may not see (a private home's address, the alternate name…) must not be
        # searchable either.
        return apply_text_search(
            found,
            expanded,
            use_index=indexed,
            facts=facts,
            document=PUBLIC if public else STAFF,
            names_only=names_only,
        )

    def ordered(found: QuerySet[Service]) -> QuerySet[Service]:
        order = ["-text_rank"]
        if origin is not None and not public:
            found = found.annotate(distance_order=_distance_order(origin))
            order.append(F("distance_order").asc(nulls_last=True))
        return found.order_by(*order, _reading_order(), "name", "pk")

    if origin is not None:
        # The distances are part of the result: the search runs now.
        radius = min(filters.radius_m, MAX_RADIUS_M) if filters.radius_m else None
        if public and not radius:
            radius = 1000
        found, distances = _apply_distance(matched(), origin, radius, public=public)
        built = ordered(found)
        return SearchResult(
            build=lambda: built,
            origin=origin,
            distances=distances,
            messages=messages,
            expanded=expanded,
            rows=rows,
        )

    def names_matched() -> QuerySet:
        if filtered_rows is not None:
            return matched_rows(names_only=True)
        return ordered(matched(names_only=True))

    first = names_matched if names_first and names_first_terms(expanded) else None
    return SearchResult(
        build=lambda: ordered(matched()),
        origin=origin,
        messages=messages,
        expanded=expanded,
        rows=rows,
        names_first=first,
    )


_ITEM_FIELDS = (
    "pk",
    "name",
    "name_kana",
    "status",
    "is_public",
    "organization__name",
    "area_id",
    "area__name",
    "town_id",
    "town__name",
    "location_id",
    "location__latitude",
    "location__longitude",
    "location__is_approximate",
    "location__is_private_home",
    "welcomes_volunteers",
    "is_free",
    "confirmed_at",
)
_SCHEDULE_FIELDS = ("service_id", *Schedule.RULE_FIELDS, "created_at")
# The three queries of a page, compiled once per connection and page length (core.prepared).
# No order (list_items puts the rows in the page's order): the model's order would join the
# municipality and sort, and PostgreSQL plans that join on every page.
_ITEM_ROWS = IdsQuery(
    lambda ids: Service.objects.filter(pk__in=ids).order_by().values_list(*_ITEM_FIELDS)
)
_ITEM_CATEGORIES = IdsQuery(
    lambda ids: (
        Service.categories.through.objects.filter(service_id__in=ids)
        .order_by("category__axis", "category__order", "category_id")
        .values_list("service_id", "category__name")
    )
)
_ITEM_SCHEDULES = IdsQuery(
    lambda ids: (
        Schedule.objects.filter(service_id__in=ids).order_by("id").values_list(*_SCHEDULE_FIELDS)
    )
)


class _ScheduleRow:
    """A schedule's fields as schedule_text reads them (no model object)."""

    __slots__ = _SCHEDULE_FIELDS

    def __init__(self, row: tuple) -> None:
        for name, value in zip(_SCHEDULE_FIELDS, row, strict=True):
            setattr(self, name, value)


@functools.lru_cache(maxsize=4096)
def _schedule_text(row: tuple) -> str:
    """schedule_text of a schedule row without its service (memoised: a page's schedules
    repeat the same few patterns). The creation time is replaced by its date, all that
    schedule_rule reads of it."""
    return schedule_text(_ScheduleRow((None, *row)))


def _schedule_key(row: tuple) -> tuple:
    created = row[-1]
    return (*row[1:-1], dt.datetime.combine(created.date(), dt.time()) if created else None)


def list_items(ids: list[int], *, today: dt.date | None = None, public: bool = False) -> list[dict]:
    """The items of a page of the API's search list (api.ServiceItem's fields), in the order
    of `ids`: three queries of plain values, no model objects, their SQL compiled once (a page
    is read often). With `public`, a private home is placed at its area's point, as the public
    finder shows it."""
    today = today or timezone.localdate()
    rows = list(_ITEM_ROWS.rows(ids))
    area_of, private_of = (
        _ITEM_FIELDS.index("area_id"),
        _ITEM_FIELDS.index("location__is_private_home"),
    )
    area_points = (
        area_centroids(area_ids=[row[area_of] for row in rows if row[private_of] and row[area_of]])
        if public
        else {}
    )
    limit = recheck_limit(today)
    hsds = Service.HSDS_STATUS
    items: dict[int, dict] = {}
    for (
        pk,
        name,
        name_kana,
        status,
        is_public,
        organization,
        area_id,
        area,
        town_id,
        town,
        location_id,
        latitude,
        longitude,
        is_approximate,
        is_private_home,
        welcomes_volunteers,
        is_free,
        confirmed_at,
    ) in rows:
        if public and is_private_home:
            latitude, longitude = area_points.get(area_id, (None, None))
        items[pk] = {
            "id": pk,
            "name": name,
            "name_kana": name_kana,
            "status": status,
            "hsds_status": hsds[status],
            "is_public": is_public,
            "organization": organization,
            "area_id": area_id,
            "area": area,
            "town_id": town_id,
            "town": town,
            "categories": [],
            "schedules": [],
            "latitude": float(latitude) if latitude is not None else None,
            "longitude": float(longitude) if longitude is not None else None,
            "is_approximate": is_approximate if location_id is not None else None,
            "welcomes_volunteers": welcomes_volunteers,
            "is_free": is_free,
            "confirmed_at": confirmed_at,
            "needs_recheck": confirmed_at is None or confirmed_at < limit,
        }
    for service_id, category in _ITEM_CATEGORIES.rows(ids):
        items[service_id]["categories"].append(category)
    for row in _ITEM_SCHEDULES.rows(ids):
        items[row[0]]["schedules"].append(_schedule_text(_schedule_key(row)))
    return [items[pk] for pk in ids if pk in items]


def search_page(
    queryset: QuerySet[Service], *, offset: int, limit: int, public: bool = False
) -> tuple[list, int]:
    """One page of a search (as list_items) and the number of results, in one pass over the
    matches: the ids of the page are sorted with the count of all matches alongside
    (COUNT(*) OVER ()), reading only what the order needs. (A page past the end counts
    separately.)"""
    found = counted_page(queryset, offset=offset, limit=limit)
    if not found:
        return [], (queryset.count() if offset else 0)
    return list_items([pk for pk, _ in found], public=public), found[0][1]


@dataclass
class SearchPage:
    """A page of a search (list_items' items) and how many results there are: exactly, or
    (`count_exact` false) at least."""

    items: list[dict]
    count: int
    count_exact: bool = True


def search_result_page(
    result: SearchResult, *, offset: int, limit: int, public: bool = False
) -> SearchPage:
    """The page of a search as the API gives it. A search with `names_first` (the
    prefecture-wide reader's search of one word) reads the page from the matches whose name
    holds the word when they fill it: they come first in the order, so the page is the same,
    and their number is then the count, as a lower bound (`count_exact` false). Ranking and
    counting every match instead visits every one of them (3,795 for カフェ over a prefecture
    on a weekday, free: 43 ms of SQL; its 1,279 name matches 23 ms). When the name matches
    do not fill the page (a word few names hold, or a page past them), the whole search is
    read, with its exact count."""
    if result.names_first is not None:
        found = counted_page(result.names_first(), offset=offset, limit=limit)
        if len(found) == limit:
            items = list_items([pk for pk, _ in found], public=public)
            return SearchPage(items, found[0][1], count_exact=False)
    items, count = search_page(result.for_page, offset=offset, limit=limit, public=public)
    return SearchPage(items, count)


def service_search(
    *, user: User, filters: ServiceFilters | None = None, text: str = ""
) -> SearchResult:
    """The staff search: one text box over names, readings, descriptions, organisations,
    categories and towns, with every filter; ranked (name matches first, then nearer)."""
    filters = filters or ServiceFilters()
    if text:
        filters.text = text
    if not filters.statuses:
        filters.statuses = list(USUAL_STATUSES)
    public = policy.sees_public_only(user)
    rows = None
    if public:
        # The regional reader searches the public document (what it may not see, it may not
        # find) of its prefecture, as service_list_visible_to scopes it: on the narrow rows
        # too (see _search), with the same conditions read once.
        if connection.vendor in SEARCH_ROWS_VENDORS:
            queryset, rows = _regional_public(user, Service.objects.all(), SearchRow.objects.all())
        else:
            (queryset,) = _regional_public(user, Service.objects.all())
    else:
        queryset = service_list_visible_to(user=user)
    return _search(
        queryset,
        filters=filters,
        municipality=user.municipality if policy.is_staff_user(user) else None,
        public=public,
        scope=_scope_facts(user),
        rows=rows,
        # Counting every match over a prefecture visits every one of them (thousands for a
        # common word): the reader's page is read from the name matches when they fill it.
        names_first=public,
    )


def _scope_facts(user: User) -> list[str]:
    """The fact token of the one municipality the user reads (see policy.municipality_ids), so
    that the index leaves the other municipalities' services out; a prefecture-wide reader
    has none (the SQL scope applies in every case)."""
    if not policy.is_staff_user(user) or user.municipality_id is None:
        return []
    if user.role == policy.Role.REGIONAL:
        return []
    return [f"m{user.municipality_id}"]


def service_search_public(
    *, municipality: Municipality, filters: ServiceFilters | None = None, text: str = ""
) -> SearchResult:
    """The residents' search: only public, consented, active services of one municipality.
    Private homes are measured from their area's point, never from the house."""
    filters = filters or ServiceFilters()
    if text:
        filters.text = text
    result = _search(
        service_public_queryset(municipality=municipality),
        filters=filters,
        municipality=municipality,
        public=True,
        scope=[f"m{municipality.pk}"],
    )
    if result.origin is not None:
        # Nearer first, measured from the public point (few rows: within the radius).
        ranks = dict(result.queryset.values_list("pk", "text_rank"))
        ordered = sorted(ranks, key=lambda pk: (-ranks[pk], result.distances.get(pk, 0.0), pk))
        result.queryset = (
            result.queryset.order_by(
                Case(
                    *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ordered)], default=Value(0)
                )
            )
            if ordered
            else result.queryset
        )
    return result


def service_recheck_list(*, user: User, today: dt.date | None = None) -> QuerySet[Service]:
    """Services whose verification has lapsed (the municipality's period, by default 365 days;
    or never verified): the coordinator's list to re-check. Tier 2 gets its own areas; closed
    services are left out."""
    queryset = service_list_visible_to(user=user).exclude(status=Service.Status.CLOSED)
    valid_days = verification_policy(user.municipality_id).valid_days
    queryset = queryset.filter(needs_recheck_q(today, valid_days=valid_days))
    if user.role == "tier2":
        queryset = queryset.filter(area_id__in=policy.area_ids(user))
    return queryset.order_by(F("confirmed_at").asc(nulls_first=True), _reading_order(), "pk")


# --- managed lists ----------------------------------------------------------------------------


def category_list(*, axis: str = Category.Axis.ACTIVITY, municipality_id: int | None = None):
    qs = Category.objects.filter(axis=axis, is_active=True)
    return qs.filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id)).order_by(
        "order", "id"
    )


def target_group_list() -> QuerySet[TargetGroup]:
    return TargetGroup.objects.filter(is_active=True).order_by("order", "id")


def synonym_list(*, municipality_id: int | None = None) -> QuerySet[Synonym]:
    return Synonym.objects.filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id))


# --- map points -------------------------------------------------------------------------------


_AREA_TOWN_POINTS = IdsQuery(
    lambda ids: Town.objects.filter(area_id__in=ids, latitude__isnull=False).values_list(
        "area_id", "latitude", "longitude"
    )
)


def area_centroids(
    municipality_id: int | None = None, *, area_ids: Iterable[int] | None = None
) -> dict[int, tuple[float, float]]:
    """The mean point of each area's towns: where a private home is shown in public. Either
    the given areas (`area_ids`, whatever their municipality) or the areas of one
    municipality: a page of a prefecture-wide search needs the few areas of its private
    homes, not every town the installation hosts."""
    sums: dict[int, list[float]] = {}
    if area_ids is not None:
        # A page's few areas (every public page of results): SQL compiled once per connection.
        points = _AREA_TOWN_POINTS.rows(sorted(set(area_ids)))
    else:
        towns = Town.objects.filter(area__isnull=False, latitude__isnull=False)
        if municipality_id:
            towns = towns.filter(municipality_id=municipality_id)
        points = towns.values_list("area_id", "latitude", "longitude")
    for area_id, lat, lon in points:
        entry = sums.setdefault(area_id, [0.0, 0.0, 0])
        entry[0] += float(lat)
        entry[1] += float(lon)
        entry[2] += 1
    return {pk: (s[0] / s[2], s[1] / s[2]) for pk, s in sums.items()}


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    precision: str  # exact / town / area

    @property
    def is_approximate(self) -> bool:
        return self.precision != "exact"


def map_point(
    *,
    has_location: bool,
    latitude,
    longitude,
    is_approximate: bool,
    is_private_home: bool,
    town_latitude,
    town_longitude,
    area_id: int | None,
    public: bool,
    area_points: dict[int, tuple[float, float]] | None = None,
) -> MapPoint | None:
    """Where a service is drawn, from the plain values (see service_map_point)."""
    if not has_location:
        if town_latitude is not None and town_longitude is not None:
            return MapPoint(float(town_latitude), float(town_longitude), "town")
        return None
    if public and is_private_home:
        point = (area_points or {}).get(area_id)
        if point is None:
            return None
        return MapPoint(point[0], point[1], "area")
    if latitude is None or longitude is None:
        return None
    return MapPoint(float(latitude), float(longitude), "town" if is_approximate else "exact")


def service_map_point(
    service: Service, *, public: bool, area_points: dict[int, tuple[float, float]] | None = None
) -> MapPoint | None:
    """Where a service is drawn: its exact point, its town's point when approximate, or in
    public its area's point when it is held in a private home."""
    location: Location | None = service.location
    town = service.town if location is None else None
    return map_point(
        has_location=location is not None,
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        is_approximate=bool(location and location.is_approximate),
        is_private_home=bool(location and location.is_private_home),
        town_latitude=town.latitude if town else None,
        town_longitude=town.longitude if town else None,
        area_id=service.area_id,
        public=public,
        area_points=area_points,
    )


def area_list_for(*, municipality: Municipality) -> QuerySet[Area]:
    return Area.objects.filter(municipality=municipality).order_by("order", "id")


def town_list_for(*, municipality: Municipality) -> QuerySet[Town]:
    return (
        Town.objects.filter(municipality=municipality)
        .select_related("area")
        .order_by("area__order", "name_kana")
    )


# --- publication ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationFilters:
    q: str = ""
    area_id: int | None = None
    state: str = ""  # "" / public / hidden / no_consent
    source: str = ""  # a Source value
    batch: str = ""  # the imported file's name (ImportTrace.batch_source)


def publication_list(*, user: User, filters: PublicationFilters) -> QuerySet[Service]:
    """The resources a user may publish or hide, filtered for the bulk publication page: by
    name, area, publication state, source and the file they were imported from."""
    if not policy.has(user, Capability.EDIT_RESOURCES):
        return Service.objects.none()
    queryset = (
        Service.objects.filter(municipality_id=user.municipality_id)
        .filter(service_writable_q(user=user))
        .select_related("area", "town")
        .order_by("name_kana", "name", "pk")
    )
    if filters.q:
        queryset = queryset.filter(name__icontains=filters.q.strip())
    if filters.area_id:
        queryset = queryset.filter(area_id=filters.area_id)
    if filters.state == "public":
        queryset = queryset.filter(is_public=True)
    elif filters.state == "hidden":
        queryset = queryset.filter(is_public=False)
    elif filters.state == "no_consent":
        queryset = queryset.filter(publication_consent=False)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.batch:
        queryset = queryset.filter(import_trace__batch_source=filters.batch)
    return queryset
