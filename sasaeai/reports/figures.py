"""The figures of a report: plain data every format (web, PDF, Excel, Word, CSV) renders.

`ReportFigures` is built from the records by `figures_build` (in `counting.py` of this app,
with grouped queries); the renderers never query the database, so that every format shows
the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery, Sum

from sasaeai.core.periods import Period

CITYWIDE = "全市"


def round_half_up(value: float | Decimal) -> int:
    """Japanese reports round halves up (93.5 → 94), not to even."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> Decimal:
    """A share to one decimal place (13.7), rounded half up; 0 when there is no whole."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tally:
    label: str
    count: int
    code: str = ""


# --- (1) visits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceVisits:
    """One place visited and its town, written as the seed does: よりあい食堂(桜堤); a
    resource with no town is city-wide (コグマサロン(全市)); a place not in the resource
    database has no town (its name alone)."""

    name: str
    town: str
    visits: int
    minutes: int = 0

    @property
    def display(self) -> str:
        if not self.town:
            return self.name
        name = self.name
        # 「メディカルフィットネス（境南町）」 is written メディカルフィットネス(境南町), once.
        for suffix in (f"（{self.town}）", f"({self.town})"):
            name = name.removesuffix(suffix).rstrip()
        return f"{name}({self.town})"


@dataclass
class VisitFigures:
    total: int = 0
    distinct: int = 0
    minutes: int = 0  # of the visits whose start and end times were recorded
    timed: int = 0  # how many visits have a recorded duration
    places: list[PlaceVisits] = field(default_factory=list)  # most visited first

    MAIN_PLACES = 13  # the seed lists thirteen 主な訪問先

    @property
    def hours(self) -> int:
        return round_half_up(Decimal(self.minutes) / 60)

    @property
    def hours_exact(self) -> bool:
        return self.minutes % 60 == 0

    @property
    def average_minutes(self) -> int:
        return round_half_up(Decimal(self.minutes) / self.timed) if self.timed else 0

    @property
    def main_places(self) -> list[PlaceVisits]:
        return self.places[: self.MAIN_PLACES]


# --- (2)(3) consultations ---------------------------------------------------------------------


@dataclass(frozen=True)
class TopicCount:
    name: str
    count: int
    referred: int = 0  # of these, referred to a support centre (在宅介護支援センター等)
    code: str = ""


@dataclass
class ConsulterRow:
    """One row of the table 相談対応件数と相談者別割合."""

    code: str
    label: str
    count: int
    topics: list[TopicCount] = field(default_factory=list)
    referred: int = 0
    bodies: list[str] = field(default_factory=list)  # for その他関係機関等: who consulted
    untagged: int = 0  # consultations of this type with no topic recorded


@dataclass
class ConsultationFigures:
    total: int = 0
    office: int = 0  # 来所・電話
    other: int = 0  # それ以外 (at the places visited, by mail …)
    rows: list[ConsulterRow] = field(default_factory=list)
    destinations: list[Tally] = field(default_factory=list)  # referrals by destination
    referred_to_support_center: int = 0
    # Where the seed's sections (2) and (3) split the consultations: people needing support
    # (older people, families, care managers, welfare commissioners) and everyone else.
    support_needs: int = 0
    activity_related: int = 0
    support_center_label: str = "在宅介護支援センター等"

    def share(self, row: ConsulterRow) -> Decimal:
        return percent(row.count, self.total)


# --- (4)(5) meetings --------------------------------------------------------------------------


@dataclass
class MeetingRow:
    code: str
    label: str
    count: int
    examples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TitledCount:
    """A programme discussed at (internal) meetings: its name and how many meetings."""

    title: str
    count: int
    first: dt.date | None = None
    last: dt.date | None = None


@dataclass
class MeetingFigures:
    total: int = 0  # meetings with residents and bodies (the seed's section (4))
    rows: list[MeetingRow] = field(default_factory=list)
    programmes: list[TitledCount] = field(default_factory=list)  # section (5)
    programme_meetings: int = 0


# --- (6)–(10) other activities ----------------------------------------------------------------


@dataclass(frozen=True)
class DatedEntry:
    date: dt.date
    title: str
    end_date: dt.date | None = None
    counterpart: str = ""
    head_count: int | None = None


@dataclass
class Publication:
    title: str
    issues: list[dt.date] = field(default_factory=list)
    copies: list[int] = field(default_factory=list)  # per issue, in date order
    distribution: str = ""

    @property
    def copies_total(self) -> int:
        return sum(self.copies)

    @property
    def copies_per_issue(self) -> int | None:
        """The run of every issue when all issues had the same run."""
        return self.copies[0] if self.copies and len(set(self.copies)) == 1 else None

    @property
    def schedule(self) -> str:
        """偶数月20日発行 when every issue came out on the same day of even (or odd) months."""
        if len(self.issues) < 2 or len({d.day for d in self.issues}) != 1:
            return ""
        day = self.issues[0].day
        months = {d.month for d in self.issues}
        if all(m % 2 == 0 for m in months):
            return f"偶数月{day}日発行"
        if all(m % 2 == 1 for m in months):
            return f"奇数月{day}日発行"
        if len(self.issues) >= 3:
            return f"毎月{day}日発行"
        return ""


@dataclass
class OtherFigures:
    preparations: list[DatedEntry] = field(default_factory=list)  # (7) 勉強会・体制づくり
    trainings: list[DatedEntry] = field(default_factory=list)  # (8)
    lectures: list[DatedEntry] = field(default_factory=list)  # (9)
    visitors: list[DatedEntry] = field(default_factory=list)  # (10) 視察対応
    publications: list[Publication] = field(default_factory=list)  # (6)
    # How many there were, when a long list was cut to LISTED entries (key: the list's name).
    totals: dict[str, int] = field(default_factory=dict)

    LISTED = 100

    def total(self, name: str) -> int:
        return self.totals.get(name, len(getattr(self, name)))

    def unlisted(self, name: str) -> int:
        return self.total(name) - len(getattr(self, name))


# --- case referrals and stories ---------------------------------------------------------------


@dataclass
class ReferralFigures:
    cases: int = 0  # cases received in the period
    new: int = 0  # referrals proposed in the period
    by_status: list[Tally] = field(default_factory=list)  # referrals active in the period
    by_outcome: list[Tally] = field(default_factory=list)  # referrals closed in the period
    new_by_area: dict[int | None, int] = field(default_factory=dict)  # `new` by the case's area

    @property
    def active(self) -> int:
        return sum(c.count for c in self.by_status)

    @property
    def closed(self) -> int:
        return sum(c.count for c in self.by_outcome)


@dataclass(frozen=True)
class StoryFigure:
    """A published, anonymised case story chosen for the report."""

    title: str
    profile: str  # 60〜64歳・女性・要支援1
    area: str
    consultation: str
    response: str
    outcome: str = ""


# --- comparisons ------------------------------------------------------------------------------

# The figures compared with the previous period and between areas: (key, label, unit).
KEY_FIGURES: list[tuple[str, str, str]] = [
    ("visits", "訪問（延べ）", "件"),
    ("visit_places", "訪問（実）", "か所"),
    ("visit_hours", "訪問の総時間", "時間"),
    ("consultations", "相談対応", "件"),
    ("consultations_office", "うち来所・電話", "件"),
    ("consultations_referred", "在宅介護支援センター等につないだ相談", "件"),
    ("meetings", "話し合いへの参加", "件"),
    ("referrals_new", "個別ケースのつなぎ（新規）", "件"),
    ("trainings", "研修・セミナー等への出席", "件"),
    ("lectures", "講演", "件"),
    ("visitors", "視察対応", "件"),
]


@dataclass
class Comparison:
    """Key figures of another period (the previous one) or of one area."""

    label: str
    values: dict[str, int] = field(default_factory=dict)


# --- the whole report -------------------------------------------------------------------------


@dataclass
class ReportFigures:
    municipality_name: str
    period: Period
    scope_key: str
    scope_label: str
    scope_kind: str
    visits: VisitFigures = field(default_factory=VisitFigures)
    consultations: ConsultationFigures = field(default_factory=ConsultationFigures)
    meetings: MeetingFigures = field(default_factory=MeetingFigures)
    others: OtherFigures = field(default_factory=OtherFigures)
    referrals: ReferralFigures = field(default_factory=ReferralFigures)
    stories: list[StoryFigure] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # TextSection value -> current text
    text_versions: dict[str, int] = field(default_factory=dict)
    previous: Comparison | None = None
    areas: list[Comparison] = field(default_factory=list)  # side by side, when several
    generated_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        return f"{self.municipality_name}生活支援コーディネーター{self.period.label}活動報告"

    def key_values(self) -> dict[str, int]:
        return {
            "visits": self.visits.total,
            "visit_places": self.visits.distinct,
            "visit_hours": self.visits.hours,
            "consultations": self.consultations.total,
            "consultations_office": self.consultations.office,
            "consultations_referred": self.consultations.referred_to_support_center,
            "meetings": self.meetings.total,
            "referrals_new": self.referrals.new,
            "trainings": self.others.total("trainings"),
            "lectures": self.others.total("lectures"),
            "visitors": self.others.total("visitors"),
        }


# --- counting from the records ----------------------------------------------------------------
# Every figure is a grouped query in the database; Python only arranges the grouped rows
# (a few dozen at most), never the records themselves.

# Consulter types of section (2) (people needing support); the others are section (3).
SUPPORT_NEED_TYPES = ("elderly", "family", "care_manager", "welfare_commissioner")
# Labels the seed's table uses for the consulter types.
CONSULTER_LABELS = {"elderly": "高齢者", "other_body": "その他関係機関等"}
# Meetings recorded as 庁内会議 are the programmes of section (5), not the talks of (4).
PROGRAMME_MEETING_TYPES = ("internal",)
COMMUNITY_CARE_GROUP_LABEL = "地域ケア会議(事前打ち合わせ、反省会を含む)"
EXAMPLES_PER_TYPE = 3
OTHER_TOPIC_NAME = "その他"
GENERIC_VISITOR_TITLES = {"視察対応", "視察", "視察受入", "視察の受け入れ"}


def _activity_q(scope, period: Period, prefix: str = "") -> Q:
    """The records a scope counts in a period (prefix: the path to the record, for joins)."""
    from .selection import ScopeKind

    p = prefix
    q = Q(**{f"{p}municipality_id": scope.municipality.pk}) & Q(
        **{f"{p}date__gte": period.start, f"{p}date__lte": period.end}
    )
    if scope.kind == ScopeKind.TIER2:
        q &= Q(**{f"{p}tier": 2})
    elif scope.kind in (ScopeKind.AREA, ScopeKind.AREAS):
        q &= Q(**{f"{p}area_id__in": scope.area_ids})
    elif scope.kind == ScopeKind.COORDINATOR:
        q &= Q(**{f"{p}coordinator_id": scope.coordinator.pk})
    return q


def _case_q(scope, prefix: str = "") -> Q:
    from sasaeai.accounts.models import Role

    from .selection import ScopeKind

    p = prefix
    q = Q(**{f"{p}municipality_id": scope.municipality.pk})
    if scope.kind == ScopeKind.TIER2:
        q &= Q(**{f"{p}coordinator__role": Role.TIER2})
    elif scope.kind in (ScopeKind.AREA, ScopeKind.AREAS):
        q &= Q(**{f"{p}area_id__in": scope.area_ids})
    elif scope.kind == ScopeKind.COORDINATOR:
        q &= Q(**{f"{p}coordinator_id": scope.coordinator.pk})
    return q


def visit_figures(scope, period: Period) -> VisitFigures:
    from sasaeai.activities.models import Visit

    visits = Visit.objects.filter(_activity_q(scope, period))
    totals = visits.aggregate(
        total=Count("id"),
        sum_minutes=Sum("minutes"),
        timed=Count("minutes"),
        resources=Count("service", distinct=True),
        named=Count("place_name", distinct=True, filter=Q(service__isnull=True)),
    )
    rows = (
        visits.values("service_id", "service__name", "service__town__name", "place_name")
        .annotate(visits=Count("id"), sum_minutes=Sum("minutes"), first=Min("date"))
        .order_by("-visits", "first", "service__name", "place_name")
    )
    places = [
        PlaceVisits(
            name=row["service__name"] or row["place_name"],
            town=(row["service__town__name"] or CITYWIDE) if row["service_id"] else "",
            visits=row["visits"],
            minutes=row["sum_minutes"] or 0,
        )
        for row in rows
    ]
    return VisitFigures(
        total=totals["total"],
        distinct=totals["resources"] + totals["named"],
        minutes=totals["sum_minutes"] or 0,
        timed=totals["timed"],
        places=places,
    )


def consultation_figures(scope, period: Period) -> ConsultationFigures:
    from sasaeai.activities.models import (
        CHANNEL_GROUP_OFFICE,
        SUPPORT_CENTER_DESTINATIONS,
        Consultation,
        ConsulterType,
        ReferralDestination,
    )

    q = _activity_q(scope, period)
    consultations = Consultation.objects.filter(q)
    to_center = Q(referral__in=SUPPORT_CENTER_DESTINATIONS)
    through = Consultation.topics.through
    has_topic = Exists(through.objects.filter(consultation_id=OuterRef("pk")))
    totals = consultations.aggregate(
        total=Count("id"),
        office=Count("id", filter=Q(channel__in=CHANNEL_GROUP_OFFICE)),
        referred=Count("id", filter=to_center),
        support=Count("id", filter=Q(consulter_type__in=SUPPORT_NEED_TYPES)),
    )
    by_type = {
        row["consulter_type"]: row
        for row in consultations.values("consulter_type").annotate(
            n=Count("id"),
            referred=Count("id", filter=to_center),
            untagged=Count("id", filter=~has_topic),
        )
    }
    topic_rows = (
        through.objects.filter(_activity_q(scope, period, "consultation__"))
        .values(
            "consultation__consulter_type",
            "consultationtopic_id",
            "consultationtopic__name",
            "consultationtopic__order",
        )
        .annotate(
            n=Count("consultation_id"),
            referred=Count(
                "consultation_id",
                filter=Q(consultation__referral__in=SUPPORT_CENTER_DESTINATIONS),
            ),
        )
        .order_by("consultation__consulter_type", "-n", "consultationtopic__order")
    )
    topics: dict[str, list[TopicCount]] = {}
    # Most frequent first; 「その他」 last whatever its count, as a table reads.
    ordered = sorted(
        topic_rows,
        key=lambda r: (
            r["consultationtopic__name"] == OTHER_TOPIC_NAME,
            -r["n"],
            r["consultationtopic__order"],
        ),
    )
    for row in ordered:
        topics.setdefault(row["consultation__consulter_type"], []).append(
            TopicCount(
                row["consultationtopic__name"],
                row["n"],
                row["referred"],
                str(row["consultationtopic_id"]),
            )
        )
    bodies = [
        row["consulter_body"]
        for row in consultations.filter(consulter_type=ConsulterType.OTHER_BODY)
        .exclude(consulter_body="")
        .values("consulter_body")
        .annotate(n=Count("id"), first=Min("date"))
        .order_by("-n", "first")[:12]
    ]
    destinations = [
        Tally(ReferralDestination(row["referral"]).label, row["n"], row["referral"])
        for row in consultations.exclude(referral=ReferralDestination.NONE)
        .values("referral")
        .annotate(n=Count("id"))
        .order_by("-n", "referral")
    ]
    rows = []
    for code, label in ConsulterType.choices:
        row = by_type.get(code)
        if not row:
            continue
        rows.append(
            ConsulterRow(
                code=code,
                label=CONSULTER_LABELS.get(code, label),
                count=row["n"],
                topics=topics.get(code, []),
                referred=row["referred"],
                bodies=bodies if code == ConsulterType.OTHER_BODY else [],
                untagged=row["untagged"],
            )
        )
    centre_codes = {d.code for d in destinations} & {str(c) for c in SUPPORT_CENTER_DESTINATIONS}
    label = (
        "在宅介護支援センター"
        if centre_codes == {ReferralDestination.HOME_CARE_CENTER.value}
        else "在宅介護支援センター等"
    )
    total = totals["total"]
    return ConsultationFigures(
        total=total,
        office=totals["office"],
        other=total - totals["office"],
        rows=rows,
        destinations=destinations,
        referred_to_support_center=totals["referred"],
        support_needs=totals["support"],
        activity_related=total - totals["support"],
        support_center_label=label,
    )


def _only_names_the_type(title: str, meeting_type: str) -> bool:
    """A title that starts with its meeting type's name (「地域ケア会議（中央エリア）」) is no
    example of what was talked about; the seed's examples are the named talks."""
    from sasaeai.activities.models import MeetingType

    try:
        label = str(MeetingType(meeting_type).label)
    except ValueError:
        return False
    base = label.split("（")[0]
    return title.strip().startswith(base)


def meeting_figures(scope, period: Period) -> MeetingFigures:
    from sasaeai.activities.models import MEETING_TYPE_GROUPS, Meeting, MeetingType

    meetings = Meeting.objects.filter(_activity_q(scope, period))
    talks = meetings.exclude(meeting_type__in=PROGRAMME_MEETING_TYPES)
    group_of = {
        str(member): group for group, members in MEETING_TYPE_GROUPS.items() for member in members
    }
    counts: dict[str, int] = {}
    for row in talks.values("meeting_type").annotate(n=Count("id")):
        key = group_of.get(row["meeting_type"], row["meeting_type"])
        counts[key] = counts.get(key, 0) + row["n"]
    # Named examples: the titles met most often (3 per type), in the order they first met.
    chosen: dict[str, dict[str, dt.date]] = {}
    title_rows = (
        talks.values("meeting_type", "title")
        .annotate(n=Count("id"), first=Min("date"))
        .order_by("-n", "first", "title")[:300]
    )
    for row in title_rows:
        key = group_of.get(row["meeting_type"], row["meeting_type"])
        titles = chosen.setdefault(key, {})
        if _only_names_the_type(row["title"], row["meeting_type"]):
            continue  # 「地域ケア会議 事前打ち合わせ」 says no more than the count line above
        if len(titles) < EXAMPLES_PER_TYPE and row["title"] not in titles:
            titles[row["title"]] = row["first"]
    examples = {
        key: sorted(titles, key=lambda title, t=titles: t[title]) for key, titles in chosen.items()
    }
    rows = []
    for code, label in MeetingType.choices:
        if code not in counts:
            continue
        if code == "community_care":
            label = COMMUNITY_CARE_GROUP_LABEL
        rows.append(MeetingRow(code, label, counts[code], examples.get(code, [])))
    programme_rows = (
        meetings.filter(meeting_type__in=PROGRAMME_MEETING_TYPES)
        .values("title")
        .annotate(n=Count("id"), first=Min("date"), last=Max("date"))
        .order_by("first", "title")
    )
    programmes = [
        TitledCount(row["title"], row["n"], row["first"], row["last"])
        for row in programme_rows[: OtherFigures.LISTED]
    ]
    return MeetingFigures(
        total=sum(counts.values()),
        rows=rows,
        programmes=programmes,
        programme_meetings=sum(p.count for p in programmes),
    )


OTHER_KINDS = {
    "preparations": ("study_session", "other"),
    "trainings": ("training_attended",),
    "lectures": ("lecture_given",),
    "visitors": ("visitors_hosted",),
}


def other_figures(scope, period: Period) -> OtherFigures:
    from sasaeai.activities.models import OtherActivity, OtherActivityKind

    others = OtherActivity.objects.filter(_activity_q(scope, period))
    kind_counts = {row["kind"]: row["n"] for row in others.values("kind").annotate(n=Count("id"))}
    figures = OtherFigures()
    fields = ("date", "end_date", "title", "counterpart", "head_count")
    for name, kinds in OTHER_KINDS.items():
        rows = others.filter(kind__in=kinds).order_by("date", "start_time", "id").values(*fields)
        entries = []
        for row in rows[: OtherFigures.LISTED]:
            if name == "visitors":
                # 平成27年6月9日(火)東京都(2名): the visiting body is what the line names.
                title = row["counterpart"] or row["title"]
                extra = "" if row["title"] in GENERIC_VISITOR_TITLES else row["title"]
                entries.append(
                    DatedEntry(row["date"], title, row["end_date"], extra, row["head_count"])
                )
            else:
                entries.append(DatedEntry(**row))
        setattr(figures, name, entries)
        figures.totals[name] = sum(kind_counts.get(k, 0) for k in kinds)
    issues = (
        others.filter(kind=OtherActivityKind.PUBLICATION)
        .order_by("title", "date", "id")
        .values("title", "date", "copies", "distribution")
    )
    publications: dict[str, Publication] = {}
    for row in issues[:500]:
        pub = publications.setdefault(row["title"], Publication(row["title"]))
        pub.issues.append(row["date"])
        pub.copies.append(row["copies"] or 0)
        if row["distribution"]:
            pub.distribution = row["distribution"]
    figures.publications = sorted(publications.values(), key=lambda p: p.issues[0])
    return figures


def _first_move_in(period: Period) -> Q:
    """Referrals whose first transition (the proposal) falls in the period: one moved in it
    and none before it. Exists keeps the row count one per referral (a Min over the joined
    transitions, grouped again by area, counted the transitions instead)."""
    from sasaeai.cases.models import ReferralTransition

    moved = ReferralTransition.objects.filter(referral_id=OuterRef("pk"))
    return Exists(moved.filter(date__gte=period.start, date__lte=period.end)) & ~Exists(
        moved.filter(date__lt=period.start)
    )


def referral_figures(scope, period: Period) -> ReferralFigures:
    from sasaeai.cases.models import (
        CLOSED_REFERRAL_STATUSES,
        Case,
        Referral,
        ReferralOutcome,
        ReferralStatus,
        ReferralTransition,
    )

    cases = Case.objects.filter(
        _case_q(scope), received_on__gte=period.start, received_on__lte=period.end
    ).count()
    # One pass over the referrals that moved in the period (a correlated probe per referral
    # of the scope, so the fewer passes the better at a large city's size): the status each
    # had at the period's end, whether it was new (no move before), whether it closed.
    moved = ReferralTransition.objects.filter(
        referral_id=OuterRef("pk"), date__gte=period.start, date__lte=period.end
    )
    earlier = ReferralTransition.objects.filter(referral_id=OuterRef("pk"), date__lt=period.start)
    status_at_end = Subquery(
        ReferralTransition.objects.filter(referral_id=OuterRef("pk"), date__lte=period.end)
        .order_by("-date", "-id")
        .values("to_status")[:1]
    )
    closed = ReferralTransition.objects.filter(
        referral_id=OuterRef("pk"),
        to_status__in=CLOSED_REFERRAL_STATUSES,
        date__gte=period.start,
        date__lte=period.end,
    )
    rows = (
        Referral.objects.filter(_case_q(scope, "case__"), Exists(moved))
        .annotate(status_at_end=status_at_end, is_new=~Exists(earlier), closed=Exists(closed))
        .values_list("case__area_id", "status_at_end", "is_new", "closed", "outcome")
    )
    status_rows: Counter[str] = Counter()
    outcome_rows: Counter[str] = Counter()
    new_by_area: Counter[int | None] = Counter()
    for area_id, status, is_new, was_closed, outcome in rows:
        status_rows[status] += 1
        if is_new:
            new_by_area[area_id] += 1
        if was_closed:
            outcome_rows[outcome] += 1
    new = sum(new_by_area.values())
    by_status = [
        Tally(label, status_rows[code], code)
        for code, label in ReferralStatus.choices
        if status_rows.get(code)
    ]
    by_outcome = [
        Tally(label, outcome_rows[code], code)
        for code, label in ReferralOutcome.choices
        if outcome_rows.get(code)
    ]
    if outcome_rows.get(""):
        by_outcome.append(Tally("結果の記録なし", outcome_rows[""], ""))
    return ReferralFigures(
        cases=cases,
        new=new,
        by_status=by_status,
        by_outcome=by_outcome,
        new_by_area=dict(new_by_area),
    )


def story_figures(report) -> list[StoryFigure]:
    """The published stories chosen for the report, in their order. Stories withdrawn from
    publication after being chosen are left out."""
    from sasaeai.cases.models import AgeBand, CareLevel, Sex

    if report is None:
        return []
    stories = _chosen_stories(report)
    figures = []
    for story in stories:
        profile = [
            AgeBand(story.age_band).label if story.age_band else "",
            Sex(story.sex).label if story.sex in (Sex.FEMALE, Sex.MALE) else "",
            CareLevel(story.care_level).label if story.care_level else "",
        ]
        figures.append(
            StoryFigure(
                title=story.title,
                profile="・".join(p for p in profile if p) or "（属性の記載なし）",
                area=story.area.name,
                consultation=story.consultation,
                response=story.response,
                outcome=story.outcome,
            )
        )
    return figures


def _chosen_stories(report):
    from sasaeai.cases.models import CaseStory

    links = (
        report.story_links.filter(
            story__status=CaseStory.Status.PUBLISHED,
            story__municipality_id=report.municipality_id,
        )
        .select_related("story__area")
        .order_by("order", "id")
    )
    return [link.story for link in links]


def key_figures_by_area(
    scope, period: Period, areas, new_by_area: dict[int | None, int] | None = None
) -> list[Comparison]:
    """The key figures of each area, side by side (activities recorded for the whole
    municipality, without an area, are in no column)."""
    from sasaeai.activities.models import (
        CHANNEL_GROUP_OFFICE,
        SUPPORT_CENTER_DESTINATIONS,
        Consultation,
        Meeting,
        OtherActivity,
        Visit,
    )

    from .selection import Scope, ScopeKind

    ids = [a.pk for a in areas]
    if not ids:
        return []
    by_area = Scope(ScopeKind.AREAS, scope.municipality, tuple(areas))
    q = _activity_q(by_area, period)
    if scope.kind == ScopeKind.TIER2:
        q &= Q(tier=2)
    values: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for row in (
        Visit.objects.filter(q)
        .values("area_id")
        .annotate(
            n=Count("id"),
            sum_minutes=Sum("minutes"),
            resources=Count("service", distinct=True),
            named=Count("place_name", distinct=True, filter=Q(service__isnull=True)),
        )
    ):
        values[row["area_id"]].update(
            visits=row["n"],
            visit_places=row["resources"] + row["named"],
            visit_hours=round_half_up(Decimal(row["sum_minutes"] or 0) / 60),
        )
    for row in (
        Consultation.objects.filter(q)
        .values("area_id")
        .annotate(
            n=Count("id"),
            office=Count("id", filter=Q(channel__in=CHANNEL_GROUP_OFFICE)),
            referred=Count("id", filter=Q(referral__in=SUPPORT_CENTER_DESTINATIONS)),
        )
    ):
        values[row["area_id"]].update(
            consultations=row["n"],
            consultations_office=row["office"],
            consultations_referred=row["referred"],
        )
    for row in (
        Meeting.objects.filter(q)
        .exclude(meeting_type__in=PROGRAMME_MEETING_TYPES)
        .values("area_id")
        .annotate(n=Count("id"))
    ):
        values[row["area_id"]]["meetings"] = row["n"]
    kinds = {
        "training_attended": "trainings",
        "lecture_given": "lectures",
        "visitors_hosted": "visitors",
    }
    for row in (
        OtherActivity.objects.filter(q, kind__in=kinds)
        .values("area_id", "kind")
        .annotate(n=Count("id"))
    ):
        values[row["area_id"]][kinds[row["kind"]]] = row["n"]
    # New referrals by the case's area come from the scope's own referral pass: each area's
    # referrals are a part of the scope's (the same municipality, tier and areas).
    for area_id, n in (new_by_area or {}).items():
        if area_id in values:
            values[area_id]["referrals_new"] = n
    return [Comparison(area.name, values[area.pk]) for area in areas]


def key_figures(scope, period: Period) -> Comparison:
    """The key figures alone (for the previous period), in a handful of aggregate queries."""
    from sasaeai.activities.models import (
        CHANNEL_GROUP_OFFICE,
        SUPPORT_CENTER_DESTINATIONS,
        Consultation,
        Meeting,
        OtherActivity,
        Visit,
    )
    from sasaeai.cases.models import Referral

    q = _activity_q(scope, period)
    visits = Visit.objects.filter(q).aggregate(
        n=Count("id"),
        sum_minutes=Sum("minutes"),
        resources=Count("service", distinct=True),
        named=Count("place_name", distinct=True, filter=Q(service__isnull=True)),
    )
    consultations = Consultation.objects.filter(q).aggregate(
        n=Count("id"),
        office=Count("id", filter=Q(channel__in=CHANNEL_GROUP_OFFICE)),
        referred=Count("id", filter=Q(referral__in=SUPPORT_CENTER_DESTINATIONS)),
    )
    meetings = Meeting.objects.filter(q).exclude(meeting_type__in=PROGRAMME_MEETING_TYPES).count()
    kinds = {
        "training_attended": "trainings",
        "lecture_given": "lectures",
        "visitors_hosted": "visitors",
    }
    others = {
        kinds[row["kind"]]: row["n"]
        for row in OtherActivity.objects.filter(q, kind__in=kinds)
        .values("kind")
        .annotate(n=Count("id"))
    }
    new = Referral.objects.filter(_case_q(scope, "case__"), _first_move_in(period)).count()
    return Comparison(
        period.label,
        {
            "visits": visits["n"],
            "visit_places": visits["resources"] + visits["named"],
            "visit_hours": round_half_up(Decimal(visits["sum_minutes"] or 0) / 60),
            "consultations": consultations["n"],
            "consultations_office": consultations["office"],
            "consultations_referred": consultations["referred"],
            "meetings": meetings,
            "referrals_new": new,
            **others,
        },
    )


def figures_build(
    *,
    period: Period,
    scope,
    report=None,
    texts: dict[str, str] | None = None,
    text_versions: dict[str, int] | None = None,
    now: dt.datetime | None = None,
) -> ReportFigures:
    """Counts a report's figures from the records. The caller has checked access
    (`selection.scope_require`)."""
    from sasaeai.org.models import Area

    areas: list = []
    if scope.compares_areas:
        areas = (
            list(scope.areas)
            if scope.areas
            else list(Area.objects.filter(municipality=scope.municipality).order_by("order", "pk"))
        )
    referrals = referral_figures(scope, period)
    return ReportFigures(
        municipality_name=scope.municipality.name,
        period=period,
        scope_key=scope.key,
        scope_label=scope.label,
        scope_kind=scope.kind,
        visits=visit_figures(scope, period),
        consultations=consultation_figures(scope, period),
        meetings=meeting_figures(scope, period),
        others=other_figures(scope, period),
        referrals=referrals,
        stories=story_figures(report),
        texts=texts or {},
        text_versions=text_versions or {},
        previous=key_figures(scope, period.previous()),
        areas=key_figures_by_area(scope, period, areas, referrals.new_by_area)
        if len(areas) > 1
        else [],
        generated_at=now,
    )
