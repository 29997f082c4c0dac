"""What matching reads of a municipality's resources, kept in memory in each process.

Matching ranks every active service of the person's municipality that could suit them. Reading
those services, their category and target group links and their schedules from the database on
every request cost more than the ranking itself, though they change at human pace. So each
process keeps one `Facts` per municipality (the most recently used, as many as the setting
MATCH_FACTS_MUNICIPALITIES, 16 by default):
- every active service as a `Candidate` (id, point, volunteers, step-free, search text, area,
  what it is for: a service to those who use it, a call for helpers, or both, and whether it
  is a small or quiet gathering),
- its category codes (with their parents') and target group codes, equal sets shared as one
  frozenset (the ranking remembers what it worked out per set),
- its schedules (frequency, weekdays, hours, end of validity),
- the services that come to the person (not those that recruit helpers for it), the category and target group tables, and the
  municipality's synonym groups.

A copy is used only while the municipality's version tokens (resources.ResourceVersion: its own
row and the shared row 0) are what they were when it was read. Database triggers change the
tokens on every write of those tables by any process and any path (forms, API, imports,
queryset updates, raw SQL), so the request after a change reads the facts again (about as long
as one uncached match took). The tokens are read before the facts: a change that lands between
the two makes the copy look older than it is, never newer, so the next request re-reads it.
Inside a transaction (an atomic block) no copy is used or kept: on PostgreSQL the tokens change
when the writing transaction commits, so they do not show the transaction's own writes yet.
The shown suggestions' names, addresses and schedules are always read from the database.
"""

import datetime as dt
import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Model, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from sasaeai.core.text import search_key
from sasaeai.resources.models import (
    Category,
    ResourceVersion,
    Schedule,
    Service,
    TargetGroup,
)
from sasaeai.resources.search import synonym_groups

# Between the texts joined for one search pass (never in a folded word).
SEPARATOR = "\x00"
# How many words' hits a copy remembers (see Facts.holding); then it starts again.
MAX_REMEMBERED_WORDS = 4096

# Services that come to the person (送迎・配食・見守り訪問・家事援助): walking distance does not
# limit them, so they are candidates wherever they are based in the municipality. Only when
# they deliver to the person: a listing that recruits volunteers for them (配食ボランティア)
# brings nothing to the person's home (see service_direction).
OUTREACH_CODES = frozenset({"mobility-support", "dining-delivery", "watching", "housework"})

SERVICE = Service.Direction.SERVICE.value
RECRUITING = Service.Direction.RECRUITING.value
BOTH = Service.Direction.BOTH.value
# Words that say who a listing is for is people who want to help (「ボランティアをしたい方」): it
# recruits, whatever its categories.
HELPERS_WANTED = re.compile(
    r"(ボランティア|お手伝い|手伝い|担い手|支え手|協力員|サポーター)(活動)?(を|に|として|で)?"
    r"(したい|してみたい|やりたい|やってみたい|できる|になりたい|になれる|関わりたい)方|"
    r"(担い手|協力員|支え手|サポーター|隊員)(を|の|さん)?(募集|養成|大募集)"
)
# Words that say a listing also takes helpers (「ボランティア募集」 of a salon).
RECRUIT_WORDS = re.compile(
    r"(ボランティア|スタッフ|協力者|お手伝い)(さん)?(を|も)?(大)?(募集|登録|求め)|担い手|"
    r"手伝ってくださる|活動してくださる|協力してくださる|お手伝いいただける"
)
# Categories of a listing whose people help: without a category for participants, it recruits.
HELPER_CODES = frozenset({"volunteer", "work", "other"})
# Names of a group of helpers (配食ボランティア, 見守り隊, 傾聴ボランティアの会).
HELPER_NAME = re.compile(r"ボランティア|協力員|サポーター|担い手|隊$|隊[ 　（(]")
# A small or quiet gathering (for a person who wishes for one): by its capacity or its words.
SMALL_CAPACITY = 15
SMALL_WORDS = re.compile(
    r"少人数|こぢんまり|こじんまり|一軒家|個人宅|自宅を開放|静か|ゆったり|落ち着"
)


def service_direction(
    *,
    direction: str,
    name: str,
    text: str,
    codes: frozenset[str] | set[str],
    welcomes_volunteers: bool,
) -> str:
    """What a service is for: SERVICE (to those who use it), RECRUITING (it recruits people to
    help) or BOTH. What staff set (the service's `direction`) is taken as it is; when blank it
    is judged from the data: a listing recruits when it says it is for people who want to
    help (「ボランティアをしたい方」「担い手募集」), or when its words or categories say it takes
    helpers (「ボランティア募集」, ボランティア活動) and its name names a group of helpers
    (配食ボランティア, 見守り隊) or it has no category for participants; a service that also
    welcomes volunteers, or says it takes helpers, is BOTH."""
    if direction:
        return direction
    if HELPERS_WANTED.search(text):
        return RECRUITING
    recruits = bool(RECRUIT_WORDS.search(text)) or "volunteer" in codes
    participant_codes = {c for c in codes if c not in HELPER_CODES}
    if recruits and (HELPER_NAME.search(name) or not participant_codes):
        return RECRUITING
    if recruits or welcomes_volunteers:
        return BOTH
    return SERVICE


WOMEN_ONLY = re.compile(r"女性(限定|のみ|専用|だけ)|女性の方のみ|男性(の方)?はご遠慮")
MEN_ONLY = re.compile(r"男性(限定|のみ|専用|だけ)|男性の方のみ|女性(の方)?はご遠慮")


def single_sex(*, text: str, targets: frozenset[str] | set[str]) -> str:
    """ "female" or "male" for a place for one sex only: its words say so (女性限定), or its only
    target group is men; "" otherwise."""
    if WOMEN_ONLY.search(text):
        return "female"
    if MEN_ONLY.search(text) or targets == {"men"}:
        return "male"
    return ""


def is_small(*, capacity: int | None, text: str, private_home: bool) -> bool:
    """A small or quiet gathering: at most SMALL_CAPACITY places, held in a home, or said to
    be small or quiet in its own words."""
    return (
        (capacity is not None and 0 < capacity <= SMALL_CAPACITY)
        or private_home
        or bool(SMALL_WORDS.search(text))
    )


class Candidate(NamedTuple):
    """What scoring needs of a service (its point is the location's, else the town's)."""

    pk: int
    lat: float | None
    lon: float | None
    welcomes_volunteers: bool
    step_free: bool | None
    search_text: str = ""
    area_id: int | None = None
    direction: str = SERVICE  # SERVICE, RECRUITING or BOTH (service_direction)
    small: bool = False  # a small or quiet gathering (is_small)
    only_sex: str = ""  # "female" or "male" for a single-sex place (single_sex)

    @property
    def takes_helpers(self) -> bool:
        """Whether a person can join it to help: it welcomes volunteers or recruits."""
        return self.welcomes_volunteers or self.direction != SERVICE


class ScheduleSlot(NamedTuple):
    """What ranking needs of a schedule: whether it is regular, its weekdays, and its hours
    (left out when the person gave no free hours, so that equal patterns stay equal). Whole
    Schedule rows are read only for the suggestions shown (reasons, next dates)."""

    freq: str
    weekday_mask: int
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None


def split_text(
    search_text: str, codes: Iterable[str], strings: dict[str, list[tuple[str, str]]]
) -> tuple[str, list[tuple[str, str]]]:
    """(the service's own text, its category names as (folded, name)): a word found only in
    the category names counts less (a choir filed under 「カラオケ・音楽」 is not a karaoke)."""
    own = search_text
    names = []
    for code in sorted(codes):
        for folded, name in strings.get(code, []):
            names.append((folded, name))
            own = own.replace(folded, " ")
    return own, names


@dataclass
class Facts:
    key: tuple[int | None, int | None]
    rows: list[Candidate]
    categories: dict[int, frozenset[str]]
    targets: dict[int, frozenset[str]]
    # service id → [(freq, weekdays, opens, closes, valid until)] in schedule id order
    schedules: dict[int, list[tuple[str, int, dt.time | None, dt.time | None, dt.date | None]]]
    outreach: frozenset[int]
    category_codes: dict[int, tuple[str, str | None]]
    category_strings: dict[str, list[tuple[str, str]]]
    synonym_groups: list[frozenset[str]]
    _slots: dict[tuple[dt.date, bool], dict[int, tuple[ScheduleSlot, ...]]] = field(
        default_factory=dict
    )
    _own_texts: tuple[list[int], str] | None = None
    _holding: dict[str, frozenset[int]] = field(default_factory=dict)
    _codes_holding: dict[str, frozenset[str]] = field(default_factory=dict)

    def own_text(self, row: Candidate) -> str:
        """The service's text without its category names (see split_text)."""
        return split_text(row.search_text, self.categories.get(row.pk, ()), self.category_strings)[
            0
        ]

    def holding(self, form: str) -> frozenset[int]:
        """The ids of the services whose own text (`own_text`) holds a word (a folded form
        without spaces or SEPARATOR), found with C-level `str.find` over all the own texts
        joined, once per word while the facts stay current (the same words come back with
        every person who likes singing)."""
        found = self._holding.get(form)
        if found is not None:
            return found
        if self._own_texts is None:
            starts: list[int] = []
            texts = []
            offset = 0
            for row in self.rows:
                text = self.own_text(row)
                starts.append(offset)
                texts.append(text)
                offset += len(text) + 1
            starts.append(offset)
            self._own_texts = (starts, SEPARATOR.join(texts))
        starts, joined = self._own_texts
        rows = self.rows
        pks = set()
        position = joined.find(form)
        while position != -1:
            index = bisect_right(starts, position) - 1
            pks.add(rows[index].pk)
            position = joined.find(form, starts[index + 1])
        found = frozenset(pks)
        if len(self._holding) >= MAX_REMEMBERED_WORDS:
            self._holding.clear()
        self._holding[form] = found
        return found

    def codes_holding(self, form: str) -> frozenset[str]:
        """The category codes whose names (as in the search text) hold a word."""
        found = self._codes_holding.get(form)
        if found is None:
            found = frozenset(
                code
                for code, strings in self.category_strings.items()
                if any(form in folded for folded, _ in strings)
            )
            if len(self._codes_holding) >= MAX_REMEMBERED_WORDS:
                self._codes_holding.clear()
            self._codes_holding[form] = found
        return found

    def slots_on(self, today: dt.date, *, hours: bool) -> dict[int, tuple[ScheduleSlot, ...]]:
        """Each service's schedules still valid on `today`, as a tuple (equal tuples shared:
        the ranking remembers the schedule part per distinct tuple); with their hours only
        when the person gave free hours."""
        key = (today, hours)
        found = self._slots.get(key)
        if found is None:
            made: dict[tuple[ScheduleSlot, ...], tuple[ScheduleSlot, ...]] = {}
            found = {}
            for pk, schedules in self.schedules.items():
                slots = tuple(
                    ScheduleSlot(freq, mask, opens, closes) if hours else ScheduleSlot(freq, mask)
                    for freq, mask, opens, closes, valid_to in schedules
                    if valid_to is None or valid_to >= today
                )
                if slots:
                    found[pk] = made.setdefault(slots, slots)
            if len(self._slots) > 8:  # one day's two kinds, and a few days of tests
                self._slots.clear()
            self._slots[key] = found
        return found


_cache: OrderedDict[int, Facts] = OrderedDict()
_lock = threading.Lock()


def version_key(municipality_id: int) -> tuple[int | None, int | None]:
    """(shared token, the municipality's token); None for a row no write has made yet."""
    tokens = dict(
        ResourceVersion.objects.filter(
            municipality_id__in=[ResourceVersion.SHARED, municipality_id]
        ).values_list("municipality_id", "token")
    )
    return tokens.get(ResourceVersion.SHARED), tokens.get(municipality_id)


def municipality_facts(municipality_id: int) -> Facts:
    """The municipality's facts: this process's copy if it is current, else read anew. Inside
    a transaction they are read as they stand and not kept: on PostgreSQL the version follows
    a transaction's own writes only when it commits (migration 0006)."""
    if connection.in_atomic_block:
        return read_facts(municipality_id, (None, None))
    key = version_key(municipality_id)
    with _lock:
        facts = _cache.get(municipality_id)
        if facts is not None and facts.key == key:
            _cache.move_to_end(municipality_id)
            return facts
    facts = read_facts(municipality_id, key)
    with _lock:
        _cache[municipality_id] = facts
        _cache.move_to_end(municipality_id)
        while len(_cache) > max(1, settings.MATCH_FACTS_MUNICIPALITIES):
            _cache.popitem(last=False)
    return facts


def forget() -> None:
    """Drop every copy (tests, and a shell that changed the tables with triggers off)."""
    with _lock:
        _cache.clear()


def category_tables() -> tuple[dict[int, tuple[str, str | None]], dict[str, list[tuple[str, str]]]]:
    """id → (code, parent's code), and code → (folded text, name) of what a category puts
    into a service's search text. One query over the (small) category list."""
    codes: dict[int, tuple[str, str | None]] = {}
    strings: dict[str, list[tuple[str, str]]] = {}
    for pk, code, parent_code, name, kana in Category.objects.values_list(
        "pk", "code", "parent__code", "name", "name_kana"
    ):
        codes[pk] = (code, parent_code)
        strings[code] = [(search_key(t), name) for t in (name, kana) if search_key(t)]
    return codes, strings


def _shared(
    by_service: dict[int, list[int]], codes: Callable[[frozenset[int]], frozenset[str]]
) -> dict[int, frozenset[str]]:
    made: dict[frozenset[int], frozenset[str]] = {}
    found = {}
    for service_id, pks in by_service.items():
        key = frozenset(pks)
        value = made.get(key)
        if value is None:
            value = made[key] = codes(key)
        found[service_id] = value
    return found


def read_facts(municipality_id: int, key: tuple[int | None, int | None]) -> Facts:
    """Reads the municipality's active services and their facts: six queries, each over the
    municipality's rows through its indexes."""
    category_codes, category_strings = category_tables()
    group_codes = dict(TargetGroup.objects.values_list("pk", "code"))
    active = {
        "service__municipality_id": municipality_id,
        "service__status": Service.Status.ACTIVE,
    }
    # Read as floats: a Decimal per coordinate is slow to make and only turned into a float.
    # The direction and the size are judged once the categories are known (below).
    raw = list(
        Service.objects.filter(municipality_id=municipality_id, status=Service.Status.ACTIVE)
        .annotate(
            lat=Coalesce(F("location__latitude"), F("town__latitude"), output_field=FloatField()),
            lon=Coalesce(F("location__longitude"), F("town__longitude"), output_field=FloatField()),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "lat",
            "lon",
            "welcomes_volunteers",
            "step_free",
            "search_text",
            "area_id",
            "direction",
            "name",
            "description",
            "eligibility_note",
            "capacity",
            "location__is_private_home",
        )
    )
    ids = [values[0] for values in raw]

    def of_services(model: type[Model]) -> Q | RawSQL:
        """The rows of a link or schedule table that belong to those services: on PostgreSQL
        by their ids as one array (joined by municipality, the planner scanned the whole
        table); on SQLite by the join (binding thousands of ids costs more there)."""
        if connection.vendor == "postgresql":
            column = f'"{model._meta.db_table}"."service_id"'
            return RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())
        return Q(**active)

    category_links = Service.categories.through
    category_ids: dict[int, list[int]] = {}
    for service_id, category_id in category_links.objects.filter(
        of_services(category_links)
    ).values_list("service_id", "category_id"):
        category_ids.setdefault(service_id, []).append(category_id)
    group_links = Service.target_groups.through
    group_ids: dict[int, list[int]] = {}
    for service_id, group_id in group_links.objects.filter(of_services(group_links)).values_list(
        "service_id", "targetgroup_id"
    ):
        group_ids.setdefault(service_id, []).append(group_id)
    schedules: dict[int, list] = {}
    for service_id, *values in (
        Schedule.objects.filter(of_services(Schedule))
        .order_by("id")
        .values_list("service_id", "freq", "weekday_mask", "opens_at", "closes_at", "valid_to")
    ):
        schedules.setdefault(service_id, []).append(tuple(values))

    def codes_of(pks: frozenset[int]) -> frozenset[str]:
        codes = set()
        for pk in pks:
            code, parent_code = category_codes[pk]
            codes.add(code)
            if parent_code:
                codes.add(parent_code)
        return frozenset(codes)

    categories = _shared(category_ids, codes_of)
    groups = _shared(group_ids, lambda pks: frozenset(group_codes[pk] for pk in pks))
    empty: frozenset[str] = frozenset()
    rows = []
    for pk, lat, lon, welcomes, step_free, search_text, area_id, *more in raw:
        direction, name, description, eligibility, capacity, private_home = more
        text = f"{name} {description} {eligibility}"
        rows.append(
            Candidate(
                pk,
                lat,
                lon,
                welcomes,
                step_free,
                search_text,
                area_id,
                service_direction(
                    direction=direction,
                    name=name,
                    text=text,
                    codes=categories.get(pk, empty),
                    welcomes_volunteers=welcomes,
                ),
                is_small(capacity=capacity, text=text, private_home=bool(private_home)),
                single_sex(text=text, targets=groups.get(pk, empty)),
            )
        )
    outreach_ids = {pk for pk, (code, _) in category_codes.items() if code in OUTREACH_CODES}
    recruiting = {row.pk for row in rows if row.direction == RECRUITING}
    return Facts(
        key=key,
        rows=rows,
        categories=categories,
        targets=groups,
        schedules=schedules,
        outreach=frozenset(
            service_id
            for service_id, pks in category_ids.items()
            if outreach_ids & set(pks) and service_id not in recruiting
        ),
        category_codes=category_codes,
        category_strings=category_strings,
        synonym_groups=synonym_groups(municipality_id=municipality_id),
    )
