"""The figures of a report: plain data every format (web, PDF, Excel, Word, CSV) renders.

`figures_build` arranges a report's figures into the report's shape (its sections, the rows
of its tables, the roll-ups the seed's wording needs); every count comes from the one
counting module, `sasaeai.activities.counting`, which the home page's panel uses too, so the
two agree. The renderers never query the database, so that every format shows the same
numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sasaeai.activities import counting
from sasaeai.activities.counting import KEY_FIGURES, Scope, round_half_up
from sasaeai.core.periods import Period

__all__ = ["KEY_FIGURES", "ReportFigures", "figures_build", "percent", "round_half_up"]

CITYWIDE = "全市"


def percent(part: int, whole: int) -> Decimal:
    """A share to one decimal place (13.7), rounded half up; 0 when there is no whole."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def shares(counts: list[int]) -> list[Decimal]:
    """Each count's share to one decimal place, summing to exactly 100.0 (largest remainder:
    every share is rounded down to 0.1, and the tenths left over go to the largest
    remainders, the earlier row first on a tie). The table and the pie both print these,
    so they agree and add up."""
    total = sum(counts)
    if not total:
        return [Decimal("0.0") for _ in counts]
    tenths = [c * 1000 for c in counts]  # shares in units of 0.1 %, times total
    floors = [t // total for t in tenths]
    left = 1000 - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-(tenths[i] % total), i))
    for i in order[:left]:
        floors[i] += 1
    return [(Decimal(f) / 10).quantize(Decimal("0.1")) for f in floors]


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
        return counting.hours(self.minutes)

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
        """The row's share as the table and the pie print it (`shares`: they sum to 100.0)."""
        for candidate, value in zip(self.rows, shares([r.count for r in self.rows]), strict=True):
            if candidate is row:
                return value
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
    records: int = 1  # the records the event gathers (one per coordinator who attended)


@dataclass(frozen=True)
class Series:
    """Events of one name (a training series, a body's visits), for the report's roll-up."""

    title: str
    events: int
    records: int
    people: int  # head counts added up (0 when none was recorded)
    first: dt.date
    last: dt.date


def series_of(entries: list[DatedEntry]) -> list[Series]:
    """The entries grouped by name, the most frequent first (then by first date)."""
    grouped: dict[str, list[DatedEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.title, []).append(entry)
    result = [
        Series(
            title,
            len(group),
            sum(e.records for e in group),
            sum(e.head_count or 0 for e in group),
            min(e.date for e in group),
            max(e.end_date or e.date for e in group),
        )
        for title, group in grouped.items()
    ]
    return sorted(result, key=lambda s: (-s.events, s.first, s.title))


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
    # Records of each list (key: the list's name; a key figure: one per attendance).
    totals: dict[str, int] = field(default_factory=dict)
    # Events of each list, when a long list was cut to LISTED events.
    event_totals: dict[str, int] = field(default_factory=dict)

    LISTED = 1000

    def total(self, name: str) -> int:
        return self.totals.get(name, sum(e.records for e in getattr(self, name)))

    def events(self, name: str) -> int:
        return self.event_totals.get(name, len(getattr(self, name)))

    def unlisted(self, name: str) -> int:
        return self.events(name) - len(getattr(self, name))


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
    section: str = "support"  # the report section it is printed in (models.PLACEABLE_SECTIONS)


@dataclass(frozen=True)
class PhotoFigure:
    """A photo chosen for the report: the renderers embed the stored file's bytes (`data`),
    the web page shows it through `reports:photo` (report and photo id)."""

    report_id: int
    photo_id: int
    section: str
    caption: str
    data: bytes
    width: int
    height: int


# --- comparisons ------------------------------------------------------------------------------
# The figures compared with the previous period and between areas: counting.KEY_FIGURES.


@dataclass(frozen=True)
class AreaPlacement:
    """An area in effect in the period and the coordinators assigned to it at some time in
    the period (none: no coordinator was placed there yet)."""

    area: str
    coordinators: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """Key figures of another period (the previous one) or of one area."""

    label: str
    values: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """No record counted in it (a period before the records began): compared as
        「記録なし」, never as an increase from zero (`counting.comparable`)."""
        return not counting.comparable(self.values)


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
    photos: list[PhotoFigure] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # TextSection value -> current text
    text_versions: dict[str, int] = field(default_factory=dict)
    # TextSection value -> the key figures when the current version was written
    text_figures: dict[str, dict[str, int]] = field(default_factory=dict)
    previous: Comparison | None = None
    previous_year: Comparison | None = None  # the same period of the previous year (前年同期)
    areas: list[Comparison] = field(default_factory=list)  # side by side, when several
    placement: list[AreaPlacement] | None = None  # for scopes made of areas
    monthly: list[counting.MonthCount] = field(default_factory=list)  # periods of 2+ months
    tiers: list[Comparison] = field(default_factory=list)  # 第1層・第2層, for the municipality
    indicators: list = field(default_factory=list)  # indicators.Indicator, municipality's year
    generated_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        return f"{self.municipality_name}生活支援コーディネーター{self.period.label}活動報告"

    @property
    def placement_line(self) -> str:
        """Who covered the scope's areas in the period: 「6圏域のうち3圏域に3人」, one area's
        coordinators by name, or 「配置なし」."""
        if not self.placement:
            return ""
        covered = [p for p in self.placement if p.coordinators]
        if not covered:
            return "配置なし"
        if len(self.placement) == 1:
            return "、".join(covered[0].coordinators)
        people = len({name for p in covered for name in p.coordinators})
        return f"{len(self.placement)}圏域のうち{len(covered)}圏域に{people}人"

    def key_values(self) -> dict[str, int]:
        """The key figures (counting.KEY_FIGURES) as the sections counted them."""
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


# --- from the counts to the report's shape -----------------------------------------------------
# Every number comes from sasaeai.activities.counting; this part only arranges the counted rows
# (a few dozen at most) into the report's sections and the seed's wording.

# Labels the seed's table uses for the consulter types.
CONSULTER_LABELS = {"elderly": "高齢者", "other_body": "その他関係機関等"}
COMMUNITY_CARE_GROUP_LABEL = "地域ケア会議(事前打ち合わせ、反省会を含む)"
EXAMPLES_PER_TYPE = 3
OTHER_TOPIC_NAME = "その他"
GENERIC_VISITOR_TITLES = {"視察対応", "視察", "視察受入", "視察の受け入れ"}


def visit_figures(scope: Scope, period: Period) -> VisitFigures:
    totals = counting.visit_totals(period, scope)
    places = [
        PlaceVisits(
            name=place.name,
            town=(place.town or CITYWIDE) if place.service_id else "",
            visits=place.visits,
            minutes=place.minutes,
        )
        for place in counting.visits_by_place(period, scope)
    ]
    return VisitFigures(
        total=totals.total,
        distinct=totals.distinct_places,
        minutes=totals.minutes,
        timed=totals.timed,
        places=places,
    )


def consultation_figures(scope: Scope, period: Period) -> ConsultationFigures:
    from sasaeai.activities.models import (
        SUPPORT_CENTER_DESTINATIONS,
        ConsulterType,
        ReferralDestination,
    )

    totals = counting.consultation_totals(period, scope)
    by_type = counting.consultations_by_consulter(period, scope)
    topics: dict[str, list[TopicCount]] = {}
    # Most frequent first; 「その他」 last whatever its count, as a table reads.
    ordered = sorted(
        counting.consultation_topics(period, scope),
        key=lambda t: (t.name == OTHER_TOPIC_NAME, -t.count, t.order),
    )
    for topic in ordered:
        topics.setdefault(topic.consulter_type, []).append(
            TopicCount(topic.name, topic.count, topic.referred, str(topic.topic_id))
        )
    bodies = [body for body, _ in counting.consulting_bodies(period, scope)]
    destinations = [
        Tally(ReferralDestination(code).label, n, code)
        for code, n in counting.referral_destinations(period, scope)
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
                count=row.count,
                topics=topics.get(code, []),
                referred=row.referred,
                bodies=bodies if code == ConsulterType.OTHER_BODY else [],
                untagged=row.untagged,
            )
        )
    centre_codes = {d.code for d in destinations} & {str(c) for c in SUPPORT_CENTER_DESTINATIONS}
    label = (
        "在宅介護支援センター"
        if centre_codes == {ReferralDestination.HOME_CARE_CENTER.value}
        else "在宅介護支援センター等"
    )
    return ConsultationFigures(
        total=totals.total,
        office=totals.office,
        other=totals.other,
        rows=rows,
        destinations=destinations,
        referred_to_support_center=totals.referred_to_support_center,
        support_needs=totals.support_needs,
        activity_related=totals.activity_related,
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


def meeting_figures(scope: Scope, period: Period) -> MeetingFigures:
    from sasaeai.activities.models import MeetingType

    totals = counting.meeting_totals(period, scope)
    # Named examples: the titles met most often (3 per type), in the order they first met.
    chosen: dict[str, dict[str, dt.date]] = {}
    for row in counting.talk_titles(period, scope):
        key = counting.meeting_group(row.meeting_type)
        titles = chosen.setdefault(key, {})
        if _only_names_the_type(row.title, row.meeting_type):
            continue  # 「地域ケア会議 事前打ち合わせ」 says no more than the count line above
        if len(titles) < EXAMPLES_PER_TYPE and row.title not in titles:
            titles[row.title] = row.first
    examples = {
        key: sorted(titles, key=lambda title, t=titles: t[title]) for key, titles in chosen.items()
    }
    rows = []
    for code, label in MeetingType.choices:
        if code not in totals.talks_by_group:
            continue
        if code == "community_care":
            label = COMMUNITY_CARE_GROUP_LABEL
        rows.append(MeetingRow(code, label, totals.talks_by_group[code], examples.get(code, [])))
    programmes = [
        TitledCount(p.title, p.count, p.first, p.last)
        for p in counting.programmes(period, scope, limit=OtherFigures.LISTED)
    ]
    return MeetingFigures(
        total=totals.talks,
        rows=rows,
        programmes=programmes,
        programme_meetings=totals.programme_meetings,
    )


def other_figures(scope: Scope, period: Period) -> OtherFigures:
    from sasaeai.activities.models import OtherActivity, OtherActivityKind

    records = scope.records(OtherActivity, period)
    figures = OtherFigures(totals=counting.other_list_counts(period, scope))
    for name in counting.OTHER_KINDS:
        events, total = counting.other_events(period, scope, name, limit=OtherFigures.LISTED)
        figures.event_totals[name] = total
        entries = []
        for e in events:
            if name == "visitors":
                # 平成27年6月9日(火)東京都(2名): the visiting body is what the line names.
                title = e.counterpart or e.title
                extra = "" if e.title in GENERIC_VISITOR_TITLES else e.title
                entries.append(
                    DatedEntry(e.date, title, e.end_date, extra, e.head_count, e.records)
                )
            else:
                entries.append(
                    DatedEntry(e.date, e.title, e.end_date, e.counterpart, e.head_count, e.records)
                )
        setattr(figures, name, entries)
    issues = (
        records.filter(kind=OtherActivityKind.PUBLICATION)
        .order_by("title", "date", "id")
        .values("title", "date", "copies", "distribution")
    )
    publications: dict[str, Publication] = {}
    for row in issues[: OtherFigures.LISTED]:
        series = series_title(row["title"])
        pub = publications.setdefault(series, Publication(series))
        pub.issues.append(row["date"])
        pub.copies.append(row["copies"] or 0)
        if row["distribution"]:
            pub.distribution = row["distribution"]
    for pub in publications.values():
        # Issues of a series come in date order whatever their numbers.
        pairs = sorted(zip(pub.issues, pub.copies, strict=True))
        pub.issues = [d for d, _ in pairs]
        pub.copies = [n for _, n in pairs]
    figures.publications = sorted(publications.values(), key=lambda p: p.issues[0])
    return figures


_ISSUE_NUMBER = re.compile(
    r"[\s　]*(?:[（(]?(?:第\s*[0-9０-９一二三四五六七八九十百]+\s*号|[0-9０-９]+\s*月号|"
    r"(?:No|NO|no|Vol|VOL|vol)\.?\s*[0-9０-９]+|[0-9０-９]+\s*号)[）)]?)$"
)


def series_title(title: str) -> str:
    """A publication's series: its title without the issue number (「安心・安全ニュース 第7号」
    → 「安心・安全ニュース」), so that the issues of one newsletter are counted together."""
    return _ISSUE_NUMBER.sub("", title).strip() or title


def referral_figures(scope: Scope, period: Period) -> ReferralFigures:
    from sasaeai.cases.models import ReferralOutcome, ReferralStatus

    counts = counting.referral_counts(period, scope)
    by_status = [
        Tally(label, counts.status_at_end[code], code)
        for code, label in ReferralStatus.choices
        if counts.status_at_end.get(code)
    ]
    by_outcome = [
        Tally(label, counts.closed_outcomes[code], code)
        for code, label in ReferralOutcome.choices
        if counts.closed_outcomes.get(code)
    ]
    if counts.closed_outcomes.get(""):
        by_outcome.append(Tally("結果の記録なし", counts.closed_outcomes[""], ""))
    return ReferralFigures(
        cases=counting.cases_received(period, scope),
        new=counts.new,
        by_status=by_status,
        by_outcome=by_outcome,
        new_by_area=counts.new_by_area,
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
                section=story.report_section,
            )
        )
    return figures


def photo_figures(report) -> list[PhotoFigure]:
    """The report's photos in their order, each read through the file storage (local files
    or any other storage, as the web page serves them: reports.views.photo); a stored file
    gone missing is left out."""
    if report is None:
        return []
    found = []
    for photo in report.photos.order_by("order", "id"):
        try:
            with photo.image.open("rb") as handle:
                data = handle.read()
        except (FileNotFoundError, ValueError):
            continue
        found.append(
            PhotoFigure(
                report.pk, photo.pk, photo.section, photo.caption, data, photo.width, photo.height
            )
        )
    return found


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
    stories = []
    for link in links:
        link.story.report_section = link.section
        stories.append(link.story)
    return stories


def key_figures_by_area(
    scope: Scope, period: Period, areas, new_by_area: dict[int | None, int] | None = None
) -> list[Comparison]:
    """The key figures of each area, side by side (activities recorded for the whole
    municipality, without an area, are in no column)."""
    values = counting.key_figures_by_area(
        period, scope, [a.pk for a in areas], new_by_area=new_by_area
    )
    return [Comparison(area.name, values[area.pk]) for area in areas]


def key_figures(scope: Scope, period: Period, referrals_new: int | None = None) -> Comparison:
    """The key figures alone (for the previous period)."""
    return Comparison(
        period.label, counting.key_figures(period, scope, referrals_new=referrals_new)
    )


def placement_figures(
    scope: Scope, period: Period, in_effect: list | None = None
) -> list[AreaPlacement] | None:
    placement = counting.placement(period, scope, in_effect=in_effect)
    if placement is None:
        return None
    return [
        AreaPlacement(area.name, placement.coordinators.get(area.pk, []))
        for area in placement.areas
    ]


def figures_build(
    *,
    period: Period,
    scope: Scope,
    report=None,
    texts: dict[str, str] | None = None,
    text_versions: dict[str, int] | None = None,
    text_figures: dict[str, dict[str, int]] | None = None,
    now: dt.datetime | None = None,
) -> ReportFigures:
    """Counts a report's figures from the records. The caller has checked access
    (`policy.scope_require`). A report that sets areas side by side shows the areas in
    effect in the period (a past period as it was organised then)."""
    areas: list = []
    in_effect = None  # the municipality's areas in the period, read once for both uses
    if scope.compares_areas:
        if scope.areas:
            areas = list(scope.areas)
        else:
            in_effect = counting.areas_in_effect(period, scope.municipality)
            areas = in_effect
    referrals = referral_figures(scope, period)
    monthly = counting.monthly_counts(period, scope)
    if len(monthly) < 2:
        monthly = []
    # New referrals of the comparison periods and of the tiers, counted in one pass.
    previous = period.previous()
    last_year = period.same_period_last_year()
    wanted: dict = {"previous": (previous, None)}
    if last_year != previous:
        wanted["previous_year"] = (last_year, None)
    by_municipality = scope.kind == counting.ScopeKind.MUNICIPALITY
    if by_municipality:
        wanted.update({1: (period, 1), 2: (period, 2)})
    new_referrals = counting.referrals_new_in(scope, wanted)
    tiers = []
    if by_municipality:
        by_tier = counting.key_figures_by_tier(
            period, scope, new_by_tier={n: new_referrals[n] for n in (1, 2)}
        )
        tiers = [Comparison(label, by_tier[n]) for n, label in ((1, "第1層"), (2, "第2層"))]
    indicators = []
    if scope.kind == counting.ScopeKind.MUNICIPALITY and period.label.endswith("年度"):
        from .indicators import indicators_build

        indicators = indicators_build(period, scope)
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
        photos=photo_figures(report),
        texts=texts or {},
        text_versions=text_versions or {},
        text_figures=text_figures or {},
        previous=key_figures(scope, previous, new_referrals["previous"]),
        previous_year=key_figures(scope, last_year, new_referrals["previous_year"])
        if last_year != previous
        else None,
        areas=key_figures_by_area(scope, period, areas, referrals.new_by_area)
        if len(areas) > 1
        else [],
        placement=placement_figures(scope, period, in_effect),
        monthly=monthly,
        tiers=tiers,
        indicators=indicators,
        generated_at=now,
    )
