"""Reads of the activity records and the calendar, scoped by the access policy: who may read
which records, the filtered lists (with the combined timeline of every kind), the defaults of
quick entry, and the calendar's occurrences in a date range."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User
from sasaeai.accounts.policy import Capability
from sasaeai.core import periods
from sasaeai.core.periods import Period
from sasaeai.core.recurrence import holidays_between

from .models import (
    CalendarEntry,
    CalendarException,
    Consultation,
    ConsultationTopic,
    ConsulterType,
    EntryKind,
    Meeting,
    MeetingType,
    OtherActivity,
    OtherActivityKind,
    Visit,
)
from .recurrence import occurrences

# The kinds of record, as the lists, URLs and API name them.
KINDS = {
    "visit": (Visit, "訪問"),
    "consultation": (Consultation, "相談"),
    "meeting": (Meeting, "会議"),
    "other": (OtherActivity, "その他の活動"),
}
MODEL_KIND = {model: kind for kind, (model, _) in KINDS.items()}

PERIOD_CHOICES = [
    ("month", "今月"),
    ("last_month", "先月"),
    ("half", "今半期"),
    ("last_half", "前半期"),
    ("fy", "今年度"),
    ("last_fy", "前年度"),
    ("custom", "期間を指定"),
]


def period_for(
    key: str,
    *,
    today: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Period:
    """The period a list filter names: this month, this half-year, this fiscal year, the one
    before each, or a custom range. Unknown keys mean this half-year."""
    today = today or timezone.localdate()
    if key == "month":
        return periods.month(today.year, today.month)
    if key == "last_month":
        first = today.replace(day=1) - dt.timedelta(days=1)
        return periods.month(first.year, first.month)
    if key == "fy":
        return periods.fiscal_year(periods.fiscal_year_of(today))
    if key == "last_fy":
        return periods.fiscal_year(periods.fiscal_year_of(today) - 1)
    if key == "last_half":
        return periods.current_half_year(today).previous()
    if key == "custom" and start and end:
        return periods.date_range(start, end)
    return periods.current_half_year(today)


# --- scope ------------------------------------------------------------------------------------


def records_visible_to(*, user: User, model) -> QuerySet:
    """Records the user may read: tier 1 and officials the whole municipality, tier 2 the
    records in its areas; council members and everybody else nothing (activity records are
    not aggregated material). Meetings follow `meeting_visible_to`."""
    if model is Meeting:
        return meeting_visible_to(user=user)
    return model.objects.filter(_activity_scope(user))


def _activity_scope(user: User) -> Q:
    """The activity records a user reads as their work: tier 1 and officials the whole
    municipality, tier 2 its areas, everybody else none."""
    if not policy.has(user, Capability.VIEW_ACTIVITIES):
        return Q(pk__in=[])
    scope = Q(municipality_id=user.municipality_id)
    if user.role == Role.TIER2:
        scope &= Q(area_id__in=policy.area_ids(user))
    return scope


def meeting_visible_to(*, user: User) -> QuerySet[Meeting]:
    """The one rule for reading a meeting, asked by the activity pages, the council pages and
    the API alike.

    A meeting is an activity record (read as the other records are) and, when it belongs to
    a council, council material: everyone with the councils capability in the municipality
    reads a council's meetings. A meeting of no council (a 地域ケア会議 about a person, a
    liaison meeting) is never council material, so a council member or an administrator
    does not read it."""
    scope = _activity_scope(user)
    if policy.has(user, Capability.VIEW_COUNCILS):
        scope |= Q(municipality_id=user.municipality_id, council__isnull=False)
    return Meeting.objects.filter(scope)


DISPLAY_RELATIONS = {
    Visit: ["area", "coordinator", "service", "service__town"],
    Consultation: ["area", "coordinator", "visit", "visit__service", "referral_service", "case"],
    Meeting: ["area", "coordinator", "council"],
    OtherActivity: ["area", "coordinator"],
}


def record_get_visible(*, user: User, model, pk: object):
    """One record within the user's scope (404 whether missing or out of scope)."""
    queryset = records_visible_to(user=user, model=model).select_related(*DISPLAY_RELATIONS[model])
    if model is Consultation:
        queryset = queryset.prefetch_related("topics")
    if model is Visit:
        queryset = queryset.prefetch_related("consultations")
    return policy.get_in_scope(queryset, pk)


def record_history(record) -> list[dict]:
    """The versions of a record, newest first, with who changed what."""
    versions = list(record.history.select_related("history_user").order_by("-history_date")[:50])
    rows = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changed: list[str] = []
        if previous is not None:
            delta = version.diff_against(previous)
            changed = [
                str(record._meta.get_field(change.field).verbose_name)
                for change in delta.changes
                if change.field in {f.name for f in record._meta.get_fields()}
            ]
        rows.append(
            {
                "date": version.history_date,
                "user": version.history_user,
                "reason": version.history_change_reason or version.get_history_type_display(),
                "changed": changed,
            }
        )
    return rows


# --- lists ------------------------------------------------------------------------------------


@dataclass
class ActivityFilters:
    """What a list of records may be narrowed by (None / empty = no filter)."""

    period: Period | None = None
    kind: str = ""  # visit / consultation / meeting / other; "" = every kind
    area_id: int | None = None
    service_id: int | None = None
    topic_id: int | None = None
    coordinator_id: int | None = None
    consulter_type: str = ""
    meeting_type: str = ""
    other_kind: str = ""
    followup_open: bool = False
    errors: list[str] = field(default_factory=list)

    def kinds(self) -> list[str]:
        """The kinds a list shows: a topic or consulter filter means consultations only, a
        resource means visits and consultations referred to it."""
        if self.kind:
            return [self.kind]
        if self.topic_id or self.consulter_type or self.followup_open:
            return ["consultation"]
        if self.meeting_type:
            return ["meeting"]
        if self.other_kind:
            return ["other"]
        if self.service_id:
            return ["visit", "consultation"]
        return list(KINDS)


def filter_records(queryset: QuerySet, filters: ActivityFilters) -> QuerySet:
    model = queryset.model
    if filters.period is not None:
        queryset = queryset.filter(date__gte=filters.period.start, date__lte=filters.period.end)
    if filters.area_id:
        queryset = queryset.filter(area_id=filters.area_id)
    if filters.coordinator_id:
        queryset = queryset.filter(coordinator_id=filters.coordinator_id)
    if filters.service_id:
        if model is Visit:
            queryset = queryset.filter(service_id=filters.service_id)
        elif model is Consultation:
            queryset = queryset.filter(
                Q(referral_service_id=filters.service_id) | Q(visit__service_id=filters.service_id)
            )
        else:
            queryset = queryset.none()
    if model is Consultation:
        if filters.topic_id:
            queryset = queryset.filter(topics__id=filters.topic_id)
        if filters.consulter_type:
            queryset = queryset.filter(consulter_type=filters.consulter_type)
        if filters.followup_open:
            queryset = queryset.filter(followup_needed=True, followup_done_on__isnull=True)
    if model is Meeting and filters.meeting_type:
        queryset = queryset.filter(meeting_type=filters.meeting_type)
    if model is OtherActivity and filters.other_kind:
        queryset = queryset.filter(kind=filters.other_kind)
    return queryset


def record_list(*, user: User, model, filters: ActivityFilters | None = None) -> QuerySet:
    """The records of one kind the user may read, filtered, newest first, with what list
    rows show."""
    queryset = filter_records(
        records_visible_to(user=user, model=model), filters or ActivityFilters()
    )
    queryset = queryset.select_related(*DISPLAY_RELATIONS[model])
    if model is Consultation:
        queryset = queryset.prefetch_related("topics")
    return queryset.order_by("-date", F("start_time").desc(nulls_last=True), "-id")


_LABELS = {
    "consultation": dict(ConsulterType.choices),
    "meeting": dict(MeetingType.choices),
    "other": dict(OtherActivityKind.choices),
}


def _timeline_values(queryset: QuerySet, kind: str) -> QuerySet:
    model = queryset.model
    if model is Visit:
        title = Coalesce(F("service__name"), F("place_name"), output_field=CharField())
        detail = Value("", output_field=CharField())
    elif model is Consultation:
        title = F("summary")
        detail = F("consulter_type")
    elif model is Meeting:
        title = F("title")
        detail = F("meeting_type")
    else:
        title = F("title")
        detail = F("kind")
    return (
        queryset.order_by()
        .annotate(
            row_kind=Value(kind, output_field=CharField()),
            row_title=title,
            row_detail=detail,
            row_minutes=Coalesce(F("minutes"), Value(0), output_field=IntegerField()),
        )
        .values(
            "id",
            "row_kind",
            "date",
            "start_time",
            "row_title",
            "row_detail",
            "row_minutes",
            "area_id",
            "coordinator_id",
        )
    )


def timeline(*, user: User, filters: ActivityFilters) -> QuerySet:
    """Every kind of record in one list (a UNION in the database), newest first; rows are
    dicts: id, row_kind, date, start_time, row_title, row_detail, row_minutes, area_id,
    coordinator_id. Paginate it; `timeline_rows` adds labels to one page."""
    parts = [
        _timeline_values(
            filter_records(records_visible_to(user=user, model=KINDS[kind][0]), filters), kind
        )
        for kind in filters.kinds()
    ]
    combined = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return combined.order_by("-date", "-start_time", "-id")


def timeline_rows(rows, *, user: User) -> list[dict]:
    """Labels for one page of timeline rows (areas and coordinators in two queries)."""
    from sasaeai.org.models import Area

    rows = list(rows)
    area_names = dict(
        Area.objects.filter(pk__in={r["area_id"] for r in rows if r["area_id"]}).values_list(
            "pk", "name"
        )
    )
    people = {
        u.pk: u.name
        for u in User.objects.filter(pk__in={r["coordinator_id"] for r in rows}).only(
            "pk", "display_name", "username"
        )
    }
    result = []
    for row in rows:
        kind = row["row_kind"]
        detail = _LABELS.get(kind, {}).get(row["row_detail"], "")
        title = row["row_title"] or ""
        if kind == "consultation":
            title = f"{detail}からの相談" + (f"：{title[:40]}" if title else "")
        result.append(
            {
                **row,
                "kind_label": KINDS[kind][1],
                "title": title,
                "detail": detail if kind != "consultation" else "",
                "area_name": area_names.get(row["area_id"], "市全域"),
                "coordinator_name": people.get(row["coordinator_id"], ""),
                "url_name": f"activities:{kind}_detail",
            }
        )
    return result


# --- quick entry defaults ---------------------------------------------------------------------


def last_visited_service(*, user: User):
    """The resource of the user's latest visit (quick entry's default)."""
    visit = (
        Visit.objects.filter(coordinator=user, service__isnull=False)
        .select_related("service")
        .order_by("-date", "-created_at")
        .first()
    )
    return visit.service if visit else None


def topic_list_for(*, user: User, include: list[int] | None = None) -> QuerySet:
    """The active topics of the user's municipality (shared and its own), plus any already
    on a record being edited."""
    q = Q(is_active=True) & (Q(municipality__isnull=True) | Q(municipality_id=user.municipality_id))
    if include:
        q |= Q(pk__in=include)
    return ConsultationTopic.objects.filter(q).order_by("order", "id")


def coordinators_of(*, user: User) -> QuerySet:
    """The coordinators whose records and calendars the user may see (lists' filter and the
    team view)."""
    queryset = User.objects.filter(
        municipality_id=user.municipality_id, role__in=[Role.TIER1, Role.TIER2], is_active=True
    )
    if user.role == Role.TIER2:
        queryset = queryset.filter(Q(pk=user.pk) | Q(areas__in=policy.area_ids(user))).distinct()
    return queryset.order_by("role", "username")


# --- the calendar -----------------------------------------------------------------------------


@dataclass
class Occurrence:
    """One date of a calendar entry, with what was recorded from it."""

    entry: CalendarEntry
    date: dt.date
    recorded: tuple[str, int] | None = None  # (kind, record id)
    skipped: bool = False

    @property
    def is_past(self) -> bool:
        return self.date <= timezone.localdate()

    @property
    def start(self) -> dt.time | None:
        return self.entry.start_time

    @property
    def sort_key(self) -> tuple:
        return (self.date, self.entry.start_time or dt.time(0), self.entry.pk)


@dataclass
class CalendarDay:
    date: dt.date
    holiday: str | None
    occurrences: list[Occurrence]

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5


def calendar_entries_visible_to(*, user: User) -> QuerySet:
    """Calendar entries the user may read: their own; tier 1 and officials every
    coordinator's of the municipality (the team view); tier 2 those of its areas' colleagues."""
    if not policy.has(user, Capability.VIEW_ACTIVITIES):
        return CalendarEntry.objects.none()
    queryset = CalendarEntry.objects.filter(municipality_id=user.municipality_id)
    if user.role == Role.TIER2:
        queryset = queryset.filter(Q(coordinator=user) | Q(area_id__in=policy.area_ids(user)))
    return queryset


def calendar_days(
    *, user: User, coordinators: list[int], start: dt.date, end: dt.date
) -> dict[int, list[CalendarDay]]:
    """coordinator id → the days from start to end with their occurrences, holidays named,
    records made from past occurrences found (a fixed number of queries for any range)."""
    entries = list(
        calendar_entries_visible_to(user=user)
        .filter(coordinator_id__in=coordinators, date__lte=end)
        .filter(
            Q(freq="", date__gte=start)
            | (~Q(freq="") & (Q(until__isnull=True) | Q(until__gte=start)))
        )
        .select_related("service", "area")
    )
    skipped: dict[int, set[dt.date]] = {}
    for entry_id, day in CalendarException.objects.filter(
        entry__in=entries, date__gte=start, date__lte=end
    ).values_list("entry_id", "date"):
        skipped.setdefault(entry_id, set()).add(day)
    recorded: dict[tuple[int, dt.date], tuple[str, int]] = {}
    if entries:
        for kind, (model, _) in KINDS.items():
            for pk, entry_id, day in model.objects.filter(
                calendar_entry__in=entries, occurrence_date__gte=start, occurrence_date__lte=end
            ).values_list("pk", "calendar_entry_id", "occurrence_date"):
                recorded.setdefault((entry_id, day), (kind, pk))
    holidays = holidays_between(start, end)
    by_coordinator: dict[int, dict[dt.date, list[Occurrence]]] = {c: {} for c in coordinators}
    for entry in entries:
        for day in occurrences(entry, start, end, skipped=skipped.get(entry.pk, set())):
            by_coordinator[entry.coordinator_id].setdefault(day, []).append(
                Occurrence(entry=entry, date=day, recorded=recorded.get((entry.pk, day)))
            )
    result = {}
    for coordinator_id, days in by_coordinator.items():
        result[coordinator_id] = [
            CalendarDay(
                date=start + dt.timedelta(days=offset),
                holiday=holidays.get(start + dt.timedelta(days=offset)),
                occurrences=sorted(
                    days.get(start + dt.timedelta(days=offset), []), key=lambda o: o.sort_key
                ),
            )
            for offset in range((end - start).days + 1)
        ]
    return result


def today_schedule(*, user: User, today: dt.date | None = None) -> list[Occurrence]:
    today = today or timezone.localdate()
    days = calendar_days(user=user, coordinators=[user.pk], start=today, end=today)
    return days[user.pk][0].occurrences


def entry_kind_for_record(kind: str) -> str:
    """Calendar entry kind → list kind."""
    return {
        EntryKind.VISIT: "visit",
        EntryKind.CONSULTATION: "consultation",
        EntryKind.MEETING: "meeting",
        EntryKind.OTHER_ACTIVITY: "other",
    }.get(kind, "")


def feed_entries(*, user: User) -> QuerySet:
    """The user's own entries for the iCalendar feed (from a year back)."""
    since = timezone.localdate() - dt.timedelta(days=366)
    return (
        CalendarEntry.objects.filter(coordinator=user)
        .filter(Q(date__gte=since) | (~Q(freq="") & (Q(until__isnull=True) | Q(until__gte=since))))
        .prefetch_related("exceptions")
        .order_by("date", "id")
    )
