"""Needs-to-resource matching (ニーズと取組のマッチング): rank active services for a person.

A profile (profiles.py: from a case, the quick form or the API) is matched in these steps:
1. the municipality's facts (facts.py): its active services with their points, texts, category
   and target group codes and schedules, kept in memory by each process while the
   municipality's version tokens (set by database triggers on every write) stay the same;
2. candidates: those within a box of 1.5 × the walking range, those that come to the person,
   and those with no point whose text shows an interest (or, without the person's point, the
   person's area); nearest first, at most MAX_CANDIDATES;
3. a score for each candidate from six parts, each 0..1 and weighted (PART_WEIGHTS): distance
   within walking range (great-circle from the town block or town point), schedule against the
   free days and times, interests (normalisation, synonyms and near words, see interests.py),
   wishes (company, role, exercise, meals, learning, carer support → activity categories),
   target fit (care level, men, carers, dementia, steps) and role (volunteers welcome). The
   ranking pass (`_rank`) gives exactly the totals of scoring each candidate on its own
   (`_score`) at a fraction of the cost: the parts that follow from a service's categories,
   target groups or schedules are worked out once per distinct set, and each interest word is
   looked for once over the municipality's own texts joined (`Facts.holding`, C-level
   `str.find`, remembered with the facts), so no text is searched per candidate;
4. for the few shown (what a suggestion shows of them and their schedules read from the
   database in two queries, `shown_services`), the parts again with the reasons in Japanese
   (`_score`), and the next three dates on the person's free days (monthly patterns, intervals and holidays through the
   resources schedule helpers, trying only the weekdays a schedule can meet on).
Places the person left (a referral ended or interrupted as 本人の希望, 合わなかった, 連絡がとれない)
and places they are already connected to are never suggested.
"""

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from sasaeai.core import recurrence
from sasaeai.core.geo import EARTH_RADIUS_M, bounding_box, haversine_m
from sasaeai.resources.models import Schedule, Service
from sasaeai.resources.schedules import (
    DAY_CODES,
    DAY_LABELS,
    schedule_pattern_text,
    schedule_rule,
    service_next_dates,
)

from .facts import (
    OUTREACH_CODES,
    RECRUITING,
    SEPARATOR,
    SERVICE,
    Candidate,
    Facts,
    ScheduleSlot,
    municipality_facts,
)
from .facts import split_text as _split_text
from .interests import CATEGORY_ONLY_FACTOR, InterestTerm, interest_terms
from .models import (
    CareLevel,
    RolePreference,
    Sex,
)
from .profiles import DEFAULT_WALK_M, MAX_WALK_M, MatchProfile

REACH_FACTOR = 1.5  # candidates up to 1.5 × the walking range (shown as farther than it)
MAX_CANDIDATES = 4000
WALK_M_PER_MIN = 80

PART_WEIGHTS = {
    "distance": 25,
    "interests": 25,
    "wishes": 15,
    "schedule": 15,
    "target": 10,
    "role": 10,
}
PART_LABELS = {
    "distance": "距離",
    "interests": "関心",
    "wishes": "希望",
    "schedule": "日程",
    "target": "対象",
    "role": "役割",
}

WISH_LABELS = {
    "company": "人との交流",
    "role": "役割",
    "exercise": "運動",
    "meals": "食事",
    "learning": "学び",
    "carer_support": "介護者の支え",
    "quiet": "少人数・落ち着いた場",
}
WISH_CATEGORIES = {
    "company": {
        "salon",
        "salon-cafe",
        "salon-miniday",
        "dining",
        "dining-community",
        "hobby",
        "hobby-music",
        "hobby-craft",
        "hobby-games",
        "hobby-arts",
        "intergenerational",
        "farming",
        "farming-garden",
        "dementia-cafe",
    },
    "role": {"volunteer", "work"},
    "exercise": {"exercise", "exercise-gymnastics", "exercise-walking", "exercise-dance"},
    "meals": {"dining", "dining-community"},
    "learning": {"learning", "learning-course", "learning-digital", "dementia-brain"},
    "carer_support": {"carer-support"},
    "quiet": set(),  # met by a small or quiet gathering (facts.is_small), not by a category
}
# What a service that comes to the person brings, by its category (the reason names them).
OUTREACH_LABELS = {
    "dining-delivery": "配食",
    "mobility-support": "送迎・外出支援",
    "watching": "見守り訪問",
    "housework": "家事援助",
}
SUPPORT_LEVELS = {
    CareLevel.PROGRAM,
    CareLevel.SUPPORT_1,
    CareLevel.SUPPORT_2,
    CareLevel.CARE_1,
    CareLevel.CARE_2,
    CareLevel.CARE_3,
    CareLevel.CARE_4,
    CareLevel.CARE_5,
    CareLevel.APPLYING,
}
HEAVY_CARE_LEVELS = {CareLevel.CARE_3, CareLevel.CARE_4, CareLevel.CARE_5}
STEP_WORDS = ("階段", "段差", "車いす", "車椅子", "杖", "歩行器", "シルバーカー")


@dataclass
class Suggestion:
    service: Service  # with the columns it shows read (shown_services)
    score: int
    parts: dict[str, float]
    reasons: list[str]
    distance_m: float | None
    next_dates: list[dt.date] = field(default_factory=list)

    def part_rows(self) -> list[tuple[str, float, int]]:
        """(label, points, maximum) for each part of the score, in display order."""
        return [(PART_LABELS[name], self.parts[name], PART_WEIGHTS[name]) for name in PART_WEIGHTS]

    @property
    def url(self) -> str:
        """The service's staff page, once the resources app serves one."""
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse("resources:detail", args=[self.service.pk])
        except NoReverseMatch:
            return ""


@dataclass
class MatchResult:
    profile: MatchProfile
    suggestions: list[Suggestion]
    candidates: int
    notices: list[str] = field(default_factory=list)
    terms: list[InterestTerm] = field(default_factory=list)
    left_names: list[str] = field(default_factory=list)


# --- candidates ------------------------------------------------------------------------------


def _candidates(profile: MatchProfile, terms: list[InterestTerm], facts: Facts) -> list[Candidate]:
    """The municipality's active services that could suit the person, nearest first: those
    within a box of 1.5 × the walking range, those that come to the person, and those with no
    point at all whose text shows an interest (without a point of the person's: the person's
    area, and what shows an interest). Never those the person left or is connected to."""
    excluded = profile.excluded_service_ids | profile.left_service_ids
    words = [
        form
        for term in terms
        for alternative in term.alternatives
        if alternative.kind in ("exact", "synonym")
        for form in alternative.forms
    ]
    chosen: list[Candidate] = []
    if profile.cannot_go_out:
        # Only what comes to the person's home, wherever it is based.
        chosen = [row for row in facts.rows if row.pk in facts.outreach and row.pk not in excluded]
        if profile.has_origin:
            chosen.sort(
                key=lambda row: (
                    row.lat is None,
                    0.0
                    if row.lat is None
                    else haversine_m(profile.latitude, profile.longitude, row.lat, row.lon),
                    row.pk,
                )
            )
    elif profile.has_origin:
        reach = min(profile.walk_m * REACH_FACTOR, MAX_WALK_M)
        south, north, west, east = bounding_box(profile.latitude, profile.longitude, reach)
        outreach = facts.outreach
        for row in facts.rows:
            lat = row.lat
            if lat is None:
                wanted = row.pk in outreach or any(word in row.search_text for word in words)
            else:
                wanted = (south <= lat <= north and west <= row.lon <= east) or row.pk in outreach
            if wanted and row.pk not in excluded:
                chosen.append(row)
        # Nearest first on the plane (what a short list needs), the unplaced last, then by id.
        scale = math.cos(math.radians(profile.latitude))
        origin_lat, origin_lon = profile.latitude, profile.longitude

        def nearness(row: Candidate) -> tuple[bool, float, int]:
            if row.lat is None:
                return True, 0.0, row.pk
            dlat = row.lat - origin_lat
            dlon = (row.lon - origin_lon) * scale
            return False, dlat * dlat + dlon * dlon, row.pk

        chosen.sort(key=nearness)
    else:
        area_id = profile.area_id
        for row in facts.rows:
            if row.pk in excluded:
                continue
            if (area_id and row.area_id == area_id) or any(
                word in row.search_text for word in words
            ):
                chosen.append(row)
    return chosen[:MAX_CANDIDATES]


# --- the parts of the score ---------------------------------------------------------------------


def distance_text(metres: float) -> str:
    """「徒歩約600m（約8分）」「徒歩約1.2km（約15分）」"""
    minutes = max(1, round(metres / WALK_M_PER_MIN))
    shown = f"{max(50, round(metres / 50) * 50)}m" if metres < 1000 else f"{metres / 1000:.1f}km"
    return f"徒歩約{shown}（約{minutes}分）"


def comes_to_the_person(profile: MatchProfile, row: Candidate, codes: frozenset[str]) -> bool:
    """A service that comes to the person's home (配食, 送迎, 見守り訪問, 家事援助), for a person
    who would use it: not a listing that recruits helpers for such a service, and not for a
    person who means to help."""
    return (
        bool(codes & OUTREACH_CODES)
        and row.direction != RECRUITING
        and profile.role != RolePreference.HELPER
    )


def outreach_text(codes: frozenset[str] | set[str]) -> str:
    """「自宅まで来てくれる（配食）」: what comes to the home, from the service's categories."""
    labels = [label for code, label in OUTREACH_LABELS.items() if code in codes]
    return f"自宅まで来てくれる（{'・'.join(labels)}）"


def _distance_part(
    profile: MatchProfile,
    row: Candidate,
    *,
    outreach: bool = False,
    explain: bool = True,
    codes: frozenset[str] = frozenset(),
) -> tuple[float, float | None, str | None]:
    if outreach:
        metres = None
        if profile.has_origin and row.lat is not None:
            metres = haversine_m(
                profile.latitude, profile.longitude, float(row.lat), float(row.lon)
            )
        return 0.8, metres, outreach_text(codes) if explain else None
    if not profile.has_origin:
        return 0.5, None, None
    if row.lat is None:
        return 0.2, None, "場所の位置が未登録"
    metres = haversine_m(profile.latitude, profile.longitude, float(row.lat), float(row.lon))
    walk = profile.walk_m
    text = distance_text(metres) if explain else None
    if metres <= walk:
        return 1.0 - 0.6 * metres / walk, metres, text
    if text is not None:
        text += "（歩ける距離より遠い）"
    if metres > walk * REACH_FACTOR:
        return 0.0, metres, text
    over = min(1.0, (metres - walk) / (walk * (REACH_FACTOR - 1)))
    return 0.4 * (1.0 - over), metres, text


def _time_overlaps(profile: MatchProfile, schedule: Schedule) -> bool | None:
    """Does the meeting fall in the person's free hours? None when either side is unknown."""
    if not (profile.time_from or profile.time_to) or schedule.opens_at is None:
        return None
    opens = schedule.opens_at
    closes = (
        schedule.closes_at
        or (dt.datetime.combine(dt.date(2000, 1, 1), opens) + dt.timedelta(hours=1)).time()
    )
    start = profile.time_from or dt.time(0, 0)
    end = profile.time_to or dt.time(23, 59)
    return opens < end and closes > start


def _days_label(mask: int) -> str:
    return "・".join(DAY_LABELS[DAY_CODES[d]] for d in range(7) if mask & (1 << d)) + "曜"


def _schedule_part(
    profile: MatchProfile, schedules: list[Schedule] | list[ScheduleSlot], *, explain: bool = True
) -> tuple[float, str | None]:
    if not schedules:
        return 0.3, "日程未登録"
    regular = [s for s in schedules if s.freq != Schedule.Freq.IRREGULAR]
    if not regular:
        return 0.3, "不定期開催"
    if not profile.days:
        return 0.5, None
    best, reason = 0.0, None
    for schedule in regular:
        common = schedule.weekday_mask & profile.days_mask
        if not common:
            continue
        overlap = _time_overlaps(profile, schedule)
        score = 1.0 if overlap is not False else 0.4
        if score > best:
            best = score
            if not explain:
                continue
            if schedule.freq == Schedule.Freq.WEEKLY and (schedule.interval or 1) == 1:
                when = _days_label(common)
            else:
                when = schedule_pattern_text(schedule)
            if overlap is False:
                reason = f"{when}に開催（空き日だが時間帯が合わない）"
            else:
                reason = f"{when}に開催（本人の空き日）"
    if best == 0.0:
        if not explain:
            return 0.0, None
        days = _days_label(
            sum(1 << d for s in regular for d in range(7) if s.weekday_mask & (1 << d))
        )
        return 0.0, f"{days}に開催（本人の空き日と合わない）"
    return best, reason


def _interests_part(
    terms: list[InterestTerm], own_text: str, categories: list[tuple[str, str]]
) -> tuple[float, list[str]]:
    if not terms:
        return 0.0, []
    reasons = []
    found_weights: list[float | None] = []
    category_text = " ".join(folded for folded, _ in categories)
    for term in terms:
        found = term.best_in(own_text, category_text)
        if found is None:
            found_weights.append(None)
            continue
        alternative, weight = found
        found_weights.append(weight)
        if not alternative.found_in(own_text):
            name = next((n for f, n in categories if alternative.found_in(f)), alternative.text)
            reasons.append(f"{term.label}: 分類「{name}」に該当")
        elif alternative.kind == "need":
            reasons.append(f"{term.label}: 「{alternative.text}」がある")
        elif alternative.kind == "exact":
            reasons.append(f"{term.label}: 一致")
        elif alternative.kind in ("synonym", "contained"):
            reasons.append(f"{term.label}: 「{alternative.text}」が一致")
        else:
            reasons.append(f"{term.label}: 近い活動「{alternative.text}」")
    return _interests_value(terms, found_weights), reasons


def _interests_value(terms: list[InterestTerm], found_weights: list[float | None]) -> float:
    """The interests part from the weight each term earned (None: not found). The best single
    interest counts most: one strong match is a good reason to go."""
    total = sum(term.weight for term in terms)
    got = 0.0
    best_single = 0.0
    for term, weight in zip(terms, found_weights, strict=True):
        if weight is None:
            continue
        got += weight * term.weight
        best_single = max(best_single, weight * term.weight)
    return 0.6 * best_single + 0.4 * got / total


def _wishes_part(
    profile: MatchProfile,
    codes: set[str],
    targets: set[str],
    takes_helpers: bool,
    small: bool = False,
) -> tuple[float, str | None]:
    if not profile.wishes:
        return 0.0, None
    met = []
    for wish in sorted(profile.wishes, key=list(WISH_LABELS).index):
        if (
            codes & WISH_CATEGORIES[wish]
            or (wish == "role" and takes_helpers)
            or (wish == "carer_support" and "family-carers" in targets)
            or (wish == "quiet" and small)
        ):
            met.append(wish)
    if not met:
        return 0.0, None
    labels = "・".join(WISH_LABELS[w] for w in met)
    return len(met) / len(profile.wishes), f"希望に合う: {labels}"


def _person_fits(profile: MatchProfile, target: str) -> bool:
    if target == "support-needed":
        return profile.care_level in SUPPORT_LEVELS or not profile.care_level
    if target == "dementia":
        return profile.memory_concern or profile.is_carer
    if target == "family-carers":
        return profile.is_carer
    if target == "men":
        return profile.sex != Sex.FEMALE
    return True  # older-general, living-alone (not recorded), all-generations, others


def _target_part(
    profile: MatchProfile, targets: set[str], step_free: bool | None
) -> tuple[float, list[str]]:
    score, reasons = 0.5, []
    if targets and not any(_person_fits(profile, t) for t in targets):
        # Only a helper gets here (fit() leaves the service out for others): the target groups
        # say who it serves, not who helps.
        pass
    else:
        if profile.sex == Sex.MALE and "men" in targets:
            score += 0.3
            reasons.append("男性向け・男性が活躍")
        if profile.is_carer and "family-carers" in targets:
            score += 0.3
            reasons.append("介護している家族向け")
        if profile.memory_concern and "dementia" in targets:
            score += 0.3
            reasons.append("認知症の方も歓迎")
        if profile.care_level in SUPPORT_LEVELS and "support-needed" in targets:
            score += 0.2
            reasons.append("要支援・要介護の方も参加可")
        elif profile.care_level in HEAVY_CARE_LEVELS and "support-needed" not in targets:
            score -= 0.2
            reasons.append("要介護3以上の方の受け入れは要確認")
    if any(word in profile.constraints for word in STEP_WORDS):
        if step_free is True:
            score += 0.2
            reasons.append("段差なし")
        elif step_free is False:
            score -= 0.3
            reasons.append("段差あり（要確認）")
    return max(0.0, min(1.0, score)), reasons


def _role_part(profile: MatchProfile, welcomes: bool, direction: str) -> tuple[float, str | None]:
    if profile.role == RolePreference.PARTICIPANT:
        return 0.5, None
    if welcomes:
        reason = "ボランティア受入あり"
    elif direction != SERVICE:
        reason = "担い手を募集している"
    else:
        return (0.0, None) if profile.role == RolePreference.HELPER else (0.5, None)
    return (1.0 if profile.role == RolePreference.HELPER else 0.8), reason


def fit(
    profile: MatchProfile, row: Candidate, codes: frozenset[str], targets: frozenset[str]
) -> int | None:
    """Whether the service may be suggested at all (None: never), and its tier (0 first, then
    1): a person who cannot go out gets only what comes to the home; a single-sex place never
    the other sex; a participant never a call for helpers; a target group is a rule for those
    who would take part (a carers' group for carers), not for a helper; a helper gets the
    places that take helpers first (tier 1 for the others, unless one of the person's
    interests is there, see `tier_of`: a 将棋教室 for a helper who can teach 将棋)."""
    if profile.cannot_go_out and not comes_to_the_person(profile, row, codes):
        return None
    if (row.only_sex == "female" and profile.sex == Sex.MALE) or (
        row.only_sex == "male" and profile.sex == Sex.FEMALE
    ):
        return None
    if profile.role == RolePreference.HELPER:
        return 0 if row.takes_helpers else 1
    if row.direction == RECRUITING:
        return None if profile.role == RolePreference.PARTICIPANT else 0
    if targets and not any(_person_fits(profile, t) for t in targets):
        return None
    return 0


def tier_of(tier: int, interests: float) -> int:
    """The tier of `fit`, with a helper's interest found in the place lifting it to the first."""
    return 0 if interests > 0 else tier


# --- the whole match ------------------------------------------------------------------------


def _score(
    profile: MatchProfile,
    terms,
    row,
    codes,
    targets,
    schedules,
    category_strings,
    *,
    explain: bool = True,
) -> tuple:
    """The points of one candidate; with `explain`, also the reasons in Japanese (worded only
    for the suggestions shown: the ranking pass leaves them out)."""
    parts: dict[str, float] = {}
    reasons: list[str] = []
    parts["distance"], metres, reason = _distance_part(
        profile,
        row,
        # Services that come to the person, unless the person is to help in them.
        outreach=comes_to_the_person(profile, row, codes),
        explain=explain,
        codes=codes,
    )
    if reason:
        reasons.append(reason)
    parts["schedule"], reason = _schedule_part(profile, schedules, explain=explain)
    if reason:
        reasons.append(reason)
    if terms:
        own_text, categories = _split_text(row.search_text, codes, category_strings)
        parts["interests"], found = _interests_part(terms, own_text, categories)
        reasons.extend(found)
    else:
        parts["interests"] = 0.0
    parts["wishes"], reason = _wishes_part(profile, codes, targets, row.takes_helpers, row.small)
    if reason:
        reasons.append(reason)
    parts["target"], found = _target_part(profile, targets, row.step_free)
    reasons.extend(found)
    parts["role"], reason = _role_part(profile, row.welcomes_volunteers, row.direction)
    if reason:
        reasons.append(reason)
    points = {name: round(parts[name] * PART_WEIGHTS[name], 1) for name in PART_WEIGHTS}
    return sum(points.values()), points, reasons, metres


def next_dates_for(
    profile: MatchProfile, schedules: list[Schedule], *, today: dt.date, count: int = 3
) -> tuple[list[dt.date], list[str]]:
    """The next `count` dates it meets (on the person's free days when they gave some), and
    notes on holidays it skips meanwhile."""
    regular = [s for s in schedules if s.freq != Schedule.Freq.IRREGULAR]
    if profile.days:
        on_free_days = [s for s in regular if s.weekday_mask & profile.days_mask]
        regular = on_free_days or regular
    if not regular:
        return [], []
    pairs = service_next_dates(regular, start=today, count=count * 3 if profile.days else count)
    dates = []
    for day, _ in pairs:
        if (not profile.days or day.weekday() in profile.days) and day not in dates:
            dates.append(day)
    dates = dates[:count]
    notes = []
    if dates:
        for schedule in regular:
            rule = schedule_rule(schedule)
            if rule is None or not rule.closed_on_holidays:
                continue
            # The days it would meet were it open on holidays, that are holidays.
            open_rule = dataclasses.replace(rule, closed_on_holidays=False)
            for day, name in recurrence.holidays_between(today, dates[-1]).items():
                if recurrence.meets_on(open_rule, day):
                    notes.append(f"{day.month}月{day.day}日は{name}のため休み")
    return dates, notes


def _category_weights(
    terms: list[InterestTerm], codes: frozenset[str], facts: Facts
) -> list[float | None]:
    """Per term, the best weight of its words found only in the names of these categories
    (CATEGORY_ONLY_FACTOR of the word's weight), None when none is."""
    found: list[float | None] = []
    for term in terms:
        best = None
        for alternative in term.alternatives:
            if any(codes & facts.codes_holding(form) for form in alternative.forms):
                weight = alternative.weight * CATEGORY_ONLY_FACTOR
                if best is None or weight > best:
                    best = weight
        found.append(best)
    return found


def _rank(
    profile: MatchProfile,
    terms: list[InterestTerm],
    rows: list[Candidate],
    facts: Facts,
    slots: dict[int, tuple[ScheduleSlot, ...]],
) -> list[tuple[float, float, int, int]]:
    """(tier, total, metres, pk, row index) of every candidate that may be suggested (`fit`):
    the same totals as `_score`, worked out without its per-candidate cost. The parts that
    depend only on a service's category, target and schedule facts are computed once per
    distinct combination (there are far fewer than services); the interests come from the
    services each word is in (Facts.holding: found once over the municipality's own texts and
    remembered while its facts stay current), so no text is searched per candidate: a
    service whose own text holds no word has the part of its categories alone."""
    weights = PART_WEIGHTS
    not_helper = profile.role != RolePreference.HELPER
    words = {form for term in terms for a in term.alternatives for form in a.forms}
    # Each term's best weight per service whose own text holds one of its words, from the
    # services each word is in (Facts.holding, remembered while the facts stay current).
    own_best: list[dict[int, float]] = []
    hits: set[int] | frozenset[int]
    if any(" " in word or SEPARATOR in word for word in words):
        # Taking category names out puts spaces in: a word with one could appear only then.
        hits = set(range(len(rows)))
    elif terms:
        for term in terms:
            best: dict[int, float] = {}
            for alternative in term.alternatives:
                weight = alternative.weight
                for form in alternative.forms:
                    for pk in facts.holding(form):
                        if best.get(pk, -1.0) < weight:
                            best[pk] = weight
            own_best.append(best)
        holders = set().union(*own_best)
        hits = {index for index, row in enumerate(rows) if row.pk in holders}
    else:
        hits = set()
    category_best: dict[frozenset[str], list[float | None]] = {}
    categories, targets, category_strings = facts.categories, facts.targets, facts.category_strings
    # What is worked out once per distinct fact: categories → (comes to the person, interests
    # when the own text holds no word), target groups → (for carers, target points by step_free),
    # (categories, for carers, welcomes volunteers) → wishes, schedule slots → schedule.
    by_codes: dict[frozenset[str], tuple[bool, float]] = {}
    by_group: dict[frozenset[str], tuple[bool, bool, dict[bool | None, float]]] = {}
    by_wish: dict[tuple[frozenset[str], bool, bool, bool], float] = {}
    # By the identity of the slots' tuple: Facts.slots_on shares equal tuples as one object
    # (a tuple's hash is not kept, and hashing the slots of every candidate cost more).
    by_slots: dict[int, float] = {}
    role_points: dict[tuple[bool, str], float] = {}
    empty: frozenset[str] = frozenset()
    # What `fit` and `_distance_part` read of the person, read once (properties and settings).
    helper = not not_helper
    participant = profile.role == RolePreference.PARTICIPANT
    cannot_go_out = profile.cannot_go_out
    barred_sex = {Sex.MALE: "female", Sex.FEMALE: "male"}.get(profile.sex)
    has_origin = profile.has_origin
    walk = profile.walk_m
    reach = walk * REACH_FACTOR
    over_span = walk * (REACH_FACTOR - 1)
    origin_lon = profile.longitude
    phi1 = math.radians(profile.latitude) if has_origin else 0.0
    cos_phi1 = math.cos(phi1)
    diameter = 2 * EARTH_RADIUS_M
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    distance_weight = weights["distance"]
    comes_points = round(0.8 * distance_weight, 1)
    unplaced_points = round((0.2 if has_origin else 0.5) * distance_weight, 1)
    wished = bool(profile.wishes)
    scored = []
    for index, row in enumerate(rows):
        pk = row.pk
        codes = categories.get(pk, empty)
        group = targets.get(pk, empty)
        direction = row.direction
        known = by_codes.get(codes)
        if known is None:
            interests = 0.0
            if terms:
                _, names = _split_text("", codes, category_strings)
                interests = round(_interests_part(terms, "", names)[0] * weights["interests"], 1)
            known = by_codes[codes] = (bool(codes & OUTREACH_CODES), interests)
        outreach, interests = known
        # `comes_to_the_person`, then the rules of `fit` in its order.
        comes = outreach and not_helper and direction != RECRUITING
        if cannot_go_out and not comes:
            continue
        if row.only_sex == barred_sex:
            continue
        of_group = by_group.get(group)
        if of_group is None:
            fits = not group or any(_person_fits(profile, t) for t in group)
            of_group = by_group[group] = ("family-carers" in group, fits, {})
        carers, fits, target_by_step_free = of_group
        welcomes = row.welcomes_volunteers
        takes_helpers = welcomes or direction != SERVICE
        if helper:
            tier = 0 if takes_helpers else 1
        elif direction == RECRUITING:
            if participant:
                continue
            tier = 0
        elif not fits:
            continue
        else:
            tier = 0
        # `_distance_part` without its reason; the distance is `haversine_m` term for term
        # (the same floats), with the person's side worked out once.
        lat = row.lat
        metres = None
        if comes or (has_origin and lat is not None):
            if has_origin and lat is not None:
                phi2 = radians(lat)
                dphi = phi2 - phi1
                dlmb = radians(row.lon - origin_lon)
                a = sin(dphi / 2) ** 2 + cos_phi1 * cos(phi2) * sin(dlmb / 2) ** 2
                metres = diameter * asin(min(1.0, sqrt(a)))
            if comes:
                distance = comes_points
            elif metres <= walk:
                distance = round((1.0 - 0.6 * metres / walk) * distance_weight, 1)
            elif metres > reach:
                distance = 0.0
            else:
                over = min(1.0, (metres - walk) / over_span)
                distance = round(0.4 * (1.0 - over) * distance_weight, 1)
        else:
            distance = unplaced_points
        if index in hits:
            if own_best:
                # As best_in: the best of the words in the own text and, at CATEGORY_ONLY_FACTOR,
                # those only in the category names.
                by_category = category_best.get(codes)
                if by_category is None:
                    by_category = category_best[codes] = _category_weights(terms, codes, facts)
                found: list[float | None] = []
                for best, in_category in zip(own_best, by_category, strict=True):
                    own = best.get(pk)
                    if own is None or (in_category is not None and in_category > own):
                        own = in_category
                    found.append(own)
                part = _interests_value(terms, found)
            else:
                own_text, names = _split_text(row.search_text, codes, category_strings)
                part = _interests_part(terms, own_text, names)[0]
            interests = round(part * weights["interests"], 1)
        step_free = row.step_free
        target = target_by_step_free.get(step_free)
        if target is None:
            part = _target_part(profile, group, step_free)[0]
            target = target_by_step_free[step_free] = round(part * weights["target"], 1)
        wishes = 0.0
        if wished:
            key = (codes, carers, takes_helpers, row.small)
            wishes = by_wish.get(key)
            if wishes is None:
                # _wishes_part looks at the target groups only for family-carers.
                part = _wishes_part(profile, codes, group, takes_helpers, row.small)[0]
                wishes = by_wish[key] = round(part * weights["wishes"], 1)
        meetings = slots.get(pk, ())
        schedule = by_slots.get(id(meetings))
        if schedule is None:
            part = _schedule_part(profile, list(meetings), explain=False)[0]
            schedule = by_slots[id(meetings)] = round(part * weights["schedule"], 1)
        if interests > 0:
            tier = 0  # tier_of: a helper's interest found in the place
        role_key = (welcomes, direction)
        role = role_points.get(role_key)
        if role is None:
            part = _role_part(profile, welcomes, direction)[0]
            role = role_points[role_key] = round(part * weights["role"], 1)
        # Summed in the order of PART_WEIGHTS, as `_score` does, for the very same floats.
        total = 0 + distance + interests + wishes + schedule + target + role
        scored.append((tier, total, metres if metres is not None else 1e9, pk, index))
    return scored


# What a suggestion shows of its service (the case pages' cards, the API's items): the rest of
# the row stays unread until asked for (a field left out is read by Django when first used).
SHOWN_COLUMNS = (
    "name",
    "welcomes_volunteers",
    "step_free",
    "location__name",
    "location__latitude",
    "location__longitude",
    "town__name",
    "town__latitude",
    "town__longitude",
    "area__name",
)


def shown_services(pks: list[int]) -> list[Service]:
    """The services of the suggestions shown, with what a suggestion shows: name, place, town,
    area, volunteers, step-free and every schedule (in id order: reasons, next dates and the
    API's schedule text), in two queries. Only those columns are read: a whole row and its
    category and target group links (resources.selectors.with_display_relations) took about a
    third of a match's time at the prefecture size."""
    return list(
        Service.objects.filter(pk__in=pks)
        .select_related("location", "town", "area")
        .only(*SHOWN_COLUMNS)
        .prefetch_related(Prefetch("schedules", queryset=Schedule.objects.order_by("id")))
    )


def match(profile: MatchProfile, *, limit: int = 10, today: dt.date | None = None) -> MatchResult:
    """Ranks the active services of the profile's municipality for the person."""
    today = today or timezone.localdate()
    limit = max(1, min(limit, 50))
    facts = municipality_facts(profile.municipality.pk)
    terms = interest_terms(
        profile.interests, synonym_groups=facts.synonym_groups, notes=profile.notes
    )
    rows = _candidates(profile, terms, facts)
    categories, targets, category_strings = facts.categories, facts.targets, facts.category_strings
    slots = facts.slots_on(today, hours=bool(profile.time_from or profile.time_to))

    scored = _rank(profile, terms, rows, facts, slots)
    scored.sort(key=lambda item: (item[0], -item[1], item[2], item[3]))
    shown = scored[:limit]
    by_id = {service.pk: service for service in shown_services([pk for _, _, _, pk, _ in shown])}
    suggestions = []
    for _, _, _, pk, index in shown:
        if pk not in by_id:
            continue  # deleted since the facts were read (the next request reads them anew)
        # The shown services come with their schedules (in id order): those still valid are
        # the ones the ranking saw, now whole for the reasons and the next dates.
        current = [
            s for s in by_id[pk].schedules.all() if s.valid_to is None or s.valid_to >= today
        ]
        total, points, reasons, metres = _score(
            profile,
            terms,
            rows[index],
            categories.get(pk, frozenset()),
            targets.get(pk, frozenset()),
            current,
            category_strings,
        )
        dates, holiday_notes = next_dates_for(profile, current, today=today)
        if dates:
            shown = "・".join(
                f"{d.month}/{d.day}({DAY_LABELS[DAY_CODES[d.weekday()]]})" for d in dates
            )
            reasons.append(f"次回: {shown}")
        reasons.extend(holiday_notes)
        suggestions.append(
            Suggestion(
                service=by_id[pk],
                score=round(total),
                parts=points,
                reasons=reasons,
                distance_m=metres,
                next_dates=dates,
            )
        )
    notices = []
    if profile.cannot_go_out:
        notices.append(
            "外出が難しいため、自宅まで来てくれるサービス（配食・送迎・見守り訪問・家事援助）"
            "だけを探しました。"
        )
    elif not profile.has_origin:
        notices.append("住所（町）が未登録のため、距離を考えずに担当圏域と関心から探しました。")
    elif profile.max_walk_m is None:
        notices.append(f"歩ける距離が未登録のため、{DEFAULT_WALK_M:,}m を目安に探しました。")
    left_names = []
    if profile.left_service_ids:
        left_names = list(
            Service.objects.filter(pk__in=profile.left_service_ids)
            .order_by("name")
            .values_list("name", flat=True)
        )
    return MatchResult(
        profile=profile,
        suggestions=suggestions,
        candidates=len(rows),
        notices=notices,
        terms=terms,
        left_names=left_names,
    )
