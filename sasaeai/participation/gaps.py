"""The gap analysis: where older residents have no place to go, per town (丁目 where the city
has them), from the population, the places' points and schedules, and participation.

1. Units are the towns and 丁目 of the latest population (or the one on the date asked), each
   at its representative point (the shipped town data has points, not outlines).
2. Places are the municipality's active services with a point whose schedules, in effect on the
   reference day, meet at least weekly (`frequency`), narrowed by activity (a category and its
   sub-categories) and by who can join (target groups).
3. A place is within walking distance when the straight-line distance × WALK_FACTOR (1.3, the
   usual ratio of road to straight-line distance in built-up areas) is at most `walk_m`.
   Places are bucketed on a grid of about `walk_m`, so each unit looks at its 3 × 3 cells only.
4. gap score = residents 65+ ÷ (1 + places meeting at least weekly within walking distance):
   ROUND2's formula. Ranked worst first.
5. Participation rate = participants aged 65+ of the places located in the unit (each place's
   latest month in the 12 months before the reference day) ÷ residents 65+: by where the place
   is, not where the participants live (the records hold counts, not addresses). None where no
   place of the unit has a record.
6. A unit is marked approximate when no other unit's point lies within 2 × walk_m of its own: a
   large 大字 is poorly represented by one point."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q, Sum

from sasaeai.core.geo import EARTH_RADIUS_M, haversine_m
from sasaeai.org.models import Municipality, Town, TownBlock
from sasaeai.resources.models import Category, Location, Schedule, Service

from . import frequency
from .models import ParticipationRecord, PopulationCount, PopulationDataset

# Ids per query where rows are read by a list of ids (SQLite allows 32,766 parameters).
ID_CHUNK = 2000

WALK_FACTOR = 1.3
DEFAULT_WALK_M = 500
MIN_WALK_M = 100
MAX_WALK_M = 3000
FORMULA = "空白度 ＝ 65歳以上の住民数 ÷（1 ＋ 徒歩圏内の週1回以上の通いの場の数）"


class ScheduleParts(NamedTuple):
    """What the frequency bin needs of a schedule, read as plain values."""

    freq: str
    interval: int | None
    byday: str
    bymonthday: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass
class Place:
    id: int
    name: str
    latitude: float
    longitude: float
    town_id: int | None
    block_id: int | None
    frequency: str


@dataclass
class GapRow:
    town_id: int
    block_id: int | None
    name: str
    area_id: int | None
    latitude: float | None
    longitude: float | None
    residents: int = 0
    residents_65_plus: int = 0
    residents_75_plus: int = 0
    weekly_places_within: int = 0
    places_within: list[int] = field(default_factory=list)
    participants_65_plus: int | None = None
    approximate: bool = False
    no_point: bool = False
    history: dict | None = None  # the latest figures attached to an issue (set by the page)

    @property
    def gap_score(self) -> float:
        return self.residents_65_plus / (1 + self.weekly_places_within)

    @property
    def participation_rate(self) -> float | None:
        if self.participants_65_plus is None or not self.residents_65_plus:
            return None
        return self.participants_65_plus / self.residents_65_plus

    @property
    def participation_percent(self) -> str:
        rate = self.participation_rate
        return "" if rate is None else f"{rate * 100:.1f}%"

    @property
    def key(self) -> str:
        return f"{self.town_id}-{self.block_id or 0}"


@dataclass
class GapAnalysis:
    municipality: Municipality
    dataset: PopulationDataset | None
    walk_m: int
    reference_day: dt.date
    rows: list[GapRow]
    places: list[Place]
    category: Category | None = None
    target_codes: tuple[str, ...] = ()

    @property
    def formula(self) -> str:
        return FORMULA


def latest_dataset(municipality: Municipality, as_of: dt.date | None = None):
    datasets = PopulationDataset.objects.filter(municipality=municipality)
    if as_of is not None:
        datasets = datasets.filter(as_of__lte=as_of)
    return datasets.order_by("-as_of").first()


def _units(dataset: PopulationDataset) -> dict[tuple[int, int | None], GapRow]:
    counts = PopulationCount.objects.filter(dataset=dataset).order_by()
    totals = counts.values("town_id", "block_id").annotate(
        all=Sum("count"),
        a65=Sum("count", filter=Q(age_from__gte=65)),
        a75=Sum("count", filter=Q(age_from__gte=75)),
    )
    town_ids = set()
    units: dict[tuple[int, int | None], GapRow] = {}
    for row in totals:
        town_ids.add(row["town_id"])
        units[(row["town_id"], row["block_id"])] = GapRow(
            town_id=row["town_id"],
            block_id=row["block_id"],
            name="",
            area_id=None,
            latitude=None,
            longitude=None,
            residents=row["all"] or 0,
            residents_65_plus=row["a65"] or 0,
            residents_75_plus=row["a75"] or 0,
        )
    towns = {
        t["id"]: t
        for t in Town.objects.filter(pk__in=town_ids)
        .order_by()
        .values("id", "name", "area_id", "latitude", "longitude")
    }
    blocks = {
        b["id"]: b
        for b in TownBlock.objects.filter(town_id__in=town_ids)
        .order_by()
        .values("id", "number", "latitude", "longitude")
    }
    from sasaeai.core.text import kanji_numeral

    for (town_id, block_id), unit in units.items():
        town = towns[town_id]
        unit.area_id = town["area_id"]
        point = blocks.get(block_id) if block_id else town
        if block_id:
            unit.name = f"{town['name']}{kanji_numeral(blocks[block_id]['number'])}丁目"
        else:
            unit.name = town["name"]
        if point and point["latitude"] is not None and point["longitude"] is not None:
            unit.latitude, unit.longitude = float(point["latitude"]), float(point["longitude"])
        else:
            unit.no_point = True
    return units


def _category_ids(category: Category) -> list[int]:
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def weekly_places(
    municipality: Municipality,
    *,
    reference_day: dt.date,
    category: Category | None = None,
    target_codes: tuple[str, ...] = (),
    weekly_only: bool = True,
) -> list[Place]:
    """Active services of the municipality with a point, and their frequency bin; only those
    meeting at least weekly unless `weekly_only` is False."""
    services = Service.objects.filter(
        municipality=municipality, status=Service.Status.ACTIVE, location__isnull=False
    )
    if category is not None:
        services = services.filter(categories__in=_category_ids(category))
    for code in target_codes:
        services = services.filter(target_groups__code=code)
    if category is not None or target_codes:
        services = services.distinct()
    found = list(services.order_by().values_list("id", "name", "location_id", "town_id"))
    # The places' points and schedules are read by the ids of the city's services, a few
    # thousand at a time: joined to the services in SQL, PostgreSQL hashes every hosted
    # municipality's places and schedules to keep this city's (100,079 and 115,205 rows read
    # at the prefecture size for 1,828 services; docs/benchmarks.md, issue 26). A place's bin
    # is decided from its rules' parts, cached per distinct set of parts (`frequency`).
    points: dict[int, tuple] = {}
    schedules: dict[int, list[ScheduleParts]] = defaultdict(list)
    for start in range(0, len(found), ID_CHUNK):
        chunk = found[start : start + ID_CHUNK]
        for location_id, lat, lon, block_id in Location.objects.filter(
            pk__in=[row[2] for row in chunk], latitude__isnull=False, longitude__isnull=False
        ).values_list("id", "latitude", "longitude", "town_block_id"):
            points[location_id] = (lat, lon, block_id)
        for values in (
            Schedule.objects.filter(service_id__in=[row[0] for row in chunk])
            .order_by()
            .values_list(
                "service_id", "freq", "interval", "byday", "bymonthday", "valid_from", "valid_to"
            )
        ):
            schedule = ScheduleParts(*values[1:])
            if frequency.schedule_in_effect(schedule, reference_day):
                schedules[values[0]].append(schedule)
    rows = [
        (pk, name, *points[location_id][:2], town_id, points[location_id][2])
        for pk, name, location_id, town_id in found
        if location_id in points
    ]
    places = []
    for pk, name, lat, lon, town_id, block_id in rows:
        bin_ = frequency.frequency_bin(schedules.get(pk, []))
        if weekly_only and bin_ != frequency.WEEKLY:
            continue
        places.append(Place(pk, name, float(lat), float(lon), town_id, block_id, bin_))
    return places


def _grid_key(lat: float, lon: float, cell_deg_lat: float, cell_deg_lon: float) -> tuple[int, int]:
    return (math.floor(lat / cell_deg_lat), math.floor(lon / cell_deg_lon))


def _count_within(units: list[GapRow], places: list[Place], straight_m: float) -> None:
    """Each unit's places within `straight_m` (great-circle distance, as `haversine_m`). The
    places are bucketed on a grid of `straight_m`, so a unit looks at its 3 × 3 cells only;
    within them the haversine term is compared with its value at `straight_m` (the same test
    without the arcsine), after a latitude band that no nearer place can lie outside."""
    if not places:
        return
    cell_lat = math.degrees(straight_m / EARTH_RADIUS_M)
    mean_lat = sum(p.latitude for p in places) / len(places)
    cell_lon = cell_lat / max(0.01, math.cos(math.radians(mean_lat)))
    grid: dict[tuple[int, int], list[tuple[float, float, float, int]]] = defaultdict(list)
    for place in places:
        phi = math.radians(place.latitude)
        grid[_grid_key(place.latitude, place.longitude, cell_lat, cell_lon)].append(
            (phi, math.cos(phi), math.radians(place.longitude), place.id)
        )
    max_dphi = straight_m / EARTH_RADIUS_M
    a_max = math.sin(max_dphi / 2) ** 2
    sin = math.sin
    for unit in units:
        if unit.no_point:
            continue
        gy, gx = _grid_key(unit.latitude, unit.longitude, cell_lat, cell_lon)
        phi1 = math.radians(unit.latitude)
        cos1 = math.cos(phi1)
        lmb1 = math.radians(unit.longitude)
        within = unit.places_within
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for phi2, cos2, lmb2, pk in grid.get((gy + dy, gx + dx), ()):
                    dphi = phi2 - phi1
                    if dphi > max_dphi or -dphi > max_dphi:
                        continue
                    a = sin(dphi / 2) ** 2 + cos1 * cos2 * sin((lmb2 - lmb1) / 2) ** 2
                    if a <= a_max:
                        within.append(pk)
        unit.weekly_places_within = len(within)


def _mark_approximate(units: list[GapRow], walk_m: int) -> None:
    located = [u for u in units if not u.no_point]
    reach = 2 * walk_m
    cell = math.degrees(reach / 6_371_000.0)
    grid: dict[tuple[int, int], list[GapRow]] = defaultdict(list)
    for unit in located:
        grid[_grid_key(unit.latitude, unit.longitude, cell, cell)].append(unit)
    for unit in located:
        gy, gx = _grid_key(unit.latitude, unit.longitude, cell, cell)
        near = any(
            other is not unit
            and haversine_m(unit.latitude, unit.longitude, other.latitude, other.longitude) <= reach
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
            for other in grid.get((gy + dy, gx + dx), ())
        )
        unit.approximate = not near


def _participation(
    municipality: Municipality, units: dict[tuple[int, int | None], GapRow], day: dt.date
) -> None:
    """Each place's latest month within the 12 months before `day`, by the place's town."""
    since = (day.replace(day=1) - dt.timedelta(days=365)).replace(day=1)
    latest: dict[int, tuple[dt.date, int, int | None, int | None]] = {}
    records = ParticipationRecord.objects.filter(
        municipality=municipality, month__gte=since, month__lte=day
    ).values_list(
        "service_id",
        "month",
        "aged_65_plus",
        "service__town_id",
        "service__location__town_block_id",
    )
    for service_id, month, aged, town_id, block_id in records:
        if service_id not in latest or latest[service_id][0] < month:
            latest[service_id] = (month, aged, town_id, block_id)
    for _, aged, town_id, block_id in latest.values():
        unit = units.get((town_id, block_id)) or units.get((town_id, None))
        if unit is not None:
            unit.participants_65_plus = (unit.participants_65_plus or 0) + aged


def gap_analysis(
    *,
    municipality: Municipality,
    walk_m: int = DEFAULT_WALK_M,
    category: Category | None = None,
    target_codes: tuple[str, ...] = (),
    reference_day: dt.date | None = None,
    as_of: dt.date | None = None,
) -> GapAnalysis:
    """The towns ranked worst gap first (see the module's note)."""
    day = reference_day or dt.date.today()
    walk_m = max(MIN_WALK_M, min(MAX_WALK_M, int(walk_m)))
    dataset = latest_dataset(municipality, as_of)
    places = weekly_places(
        municipality, reference_day=day, category=category, target_codes=target_codes
    )
    if dataset is None:
        return GapAnalysis(municipality, None, walk_m, day, [], places, category, target_codes)
    units = _units(dataset)
    rows = list(units.values())
    _count_within(rows, places, walk_m / WALK_FACTOR)
    _mark_approximate(rows, walk_m)
    _participation(municipality, units, day)
    rows.sort(key=lambda r: (-r.gap_score, -r.residents_65_plus, r.name))
    return GapAnalysis(municipality, dataset, walk_m, day, rows, places, category, target_codes)
