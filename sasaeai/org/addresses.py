"""Reading a written address as a person would: which town (町丁目・大字) and which 丁目.

- Width, kana, 「ヶ/ケ」 and kanji numerals are folded, so 「吉祥寺北町二丁目3番4号」,
  「吉祥寺北町２丁目３－４」 and 「吉祥寺北町2-3-4」 are one place.
- A postal code, the prefecture, the 郡 and the municipality may be written or left out.
- 大字 and 字 are optional: 「末武上」 is 「大字末武上」 and the other way round.
- In a 政令指定都市 towns are named with their ward (中区相生町); an address without the ward
  still finds a town whose name is unique in the city.
- A 丁目 is read after the town when the town has it (「2丁目」「二丁目」「2-」「2の」).
- `AddressResolver.place` also takes a town column (such as 所在地_町字 of the national open
  data formats) for rows without an address, and a point: a row whose town is unknown but whose
  latitude and longitude are good is matched to the nearest town, with a warning saying so.

An `AddressResolver` loads a municipality's towns once and remembers what it resolved, so an
import of thousands of rows costs a query per distinct town at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from sasaeai.core.geo import haversine_m
from sasaeai.core.text import kanji_number, search_key

from . import gazetteer
from .models import Municipality, Town, TownBlock

# Beyond this distance from every town's point, a point is taken to be outside the municipality.
NEAREST_LIMIT_M = 10_000

_KANJI_RUN = re.compile(r"[〇一二三四五六七八九十]+")
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)[-‐‑‒–—―−ーｰ](?=\d)")
_POSTAL_CODE = re.compile(r"^〒?\d{3}-?\d{4}")
_OAZA = re.compile(r"^(大字|字)")
_BLOCK = re.compile(r"^(\d+)(?:丁目|-|ノ|$)")  # の is folded to ノ


def fold_address(text: str) -> str:
    """The form addresses are compared in: width, kana and case folded, spaces dropped, kanji
    numerals read as digits, dashes between digits made one."""
    text = search_key(text or "").replace(" ", "")
    text = _KANJI_RUN.sub(lambda m: str(kanji_number(m.group()) or m.group()), text)
    return _DASH_BETWEEN_DIGITS.sub("-", text)


@dataclass(frozen=True)
class ResolvedAddress:
    town: Town
    block: TownBlock | None
    rest: str  # what follows the town and 丁目 (folded): the 番地, building and so on

    @property
    def latitude(self) -> Decimal | None:
        return self.block.latitude if self.block else self.town.latitude

    @property
    def longitude(self) -> Decimal | None:
        return self.block.longitude if self.block else self.town.longitude


@dataclass(frozen=True)
class NearestTown:
    town: Town
    block: TownBlock | None
    distance_m: float


@dataclass(frozen=True)
class Placement:
    """Where a row goes: its town and 丁目, how they were found ("address", "town", "point"
    or "" when not at all), and warnings in Japanese to show beside the row."""

    town: Town | None
    block: TownBlock | None
    source: str
    warnings: tuple[str, ...] = field(default=())


_AMBIGUOUS = object()


class AddressResolver:
    """A municipality's towns, loaded once, to resolve any number of addresses against."""

    def __init__(self, municipality: Municipality, towns: list[Town] | None = None):
        self.municipality = municipality
        self.towns = list(towns) if towns is not None else list(municipality.towns.order_by("pk"))
        self._exact: dict[str, Town] = {}
        self._loose: dict[str, object] = {}
        wards = [fold_address(w.name) for w in gazetteer.wards_of(municipality.code)]
        for town in self.towns:
            full = fold_address(town.name)
            self._exact[full] = town
            names = {full}
            for ward in wards:
                if full.startswith(ward) and len(full) > len(ward):
                    names.add(full[len(ward) :])
            for name in list(names):
                names.add(_OAZA.sub("", name))
            for name in names - {full}:
                if self._loose.get(name, town) is not town:
                    self._loose[name] = _AMBIGUOUS
                else:
                    self._loose[name] = town
        self._longest = max((len(k) for k in (*self._exact, *self._loose)), default=0)
        self._prefecture = fold_address(municipality.prefecture)
        self._name = fold_address(municipality.name)
        self._blocks: dict[int, dict[int, TownBlock]] = {}
        self._cache: dict[str, ResolvedAddress | None] = {}
        self._points: list[tuple[float, float, Town, TownBlock | None]] | None = None

    # --- the town and 丁目 of an address ----------------------------------------------------------

    def resolve(self, address: str) -> ResolvedAddress | None:
        """The town and 丁目 an address names, or None when it names none of this
        municipality's towns."""
        text = fold_address(address)
        if not text:
            return None
        if text not in self._cache:
            self._cache[text] = self._resolve(text)
        return self._cache[text]

    def _resolve(self, text: str) -> ResolvedAddress | None:
        for candidate in self._readings(text):
            town, rest = self._town_at_start(candidate)
            if town is None:
                continue
            block = None
            match = _BLOCK.match(rest)
            if match:
                block = self._blocks_of(town).get(int(match.group(1)))
                if block is not None:
                    rest = rest[match.end() :]
            return ResolvedAddress(town=town, block=block, rest=rest)
        return None

    def _readings(self, text: str) -> list[str]:
        """The address without what may precede the town: a postal code, the prefecture, the
        郡 and the municipality, 大字 or 字; then less stripped, in case a town's own name
        begins like the municipality's."""
        text = _POSTAL_CODE.sub("", text)
        readings = [text]
        if text.startswith(self._prefecture):
            text = text[len(self._prefecture) :]
            readings.append(text)
        position = text.find(self._name)
        if position == 0 or (0 < position <= 6 and text[:position].endswith("郡")):
            text = text[position + len(self._name) :]
            readings.append(text)
        if _OAZA.match(text):
            readings.append(_OAZA.sub("", text))
        return list(reversed(readings))

    def _town_at_start(self, text: str) -> tuple[Town | None, str]:
        for length in range(min(len(text), self._longest), 0, -1):
            key = text[:length]
            town = self._exact.get(key)
            if town is None:
                loose = self._loose.get(key)
                town = loose if isinstance(loose, Town) else None
            if town is not None:
                return town, text[length:]
        return None, text

    def _blocks_of(self, town: Town) -> dict[int, TownBlock]:
        if town.pk not in self._blocks:
            blocks = list(TownBlock.objects.filter(town=town))
            for block in blocks:
                block.town = town
            self._blocks[town.pk] = {b.number: b for b in blocks}
        return self._blocks[town.pk]

    # --- the nearest town to a point --------------------------------------------------------------

    def nearest(self, latitude: float | Decimal, longitude: float | Decimal) -> NearestTown | None:
        """The town (and 丁目) whose representative point is nearest, within NEAREST_LIMIT_M."""
        if self._points is None:
            by_id = {t.pk: t for t in self.towns}
            self._points = [
                (float(t.latitude), float(t.longitude), t, None)
                for t in self.towns
                if t.latitude is not None and t.longitude is not None
            ]
            for block in TownBlock.objects.filter(town_id__in=by_id):
                block.town = by_id[block.town_id]
                self._points.append(
                    (float(block.latitude), float(block.longitude), block.town, block)
                )
        lat, lng = float(latitude), float(longitude)
        best = min(
            (
                (haversine_m(lat, lng, p_lat, p_lng), town, block)
                for p_lat, p_lng, town, block in self._points
            ),
            key=lambda item: item[0],
            default=None,
        )
        if best is None or best[0] > NEAREST_LIMIT_M:
            return None
        return NearestTown(town=best[1], block=best[2], distance_m=best[0])

    # --- placing a row ----------------------------------------------------------------------------

    def place(
        self,
        *,
        address: str = "",
        town: str = "",
        latitude: float | Decimal | None = None,
        longitude: float | Decimal | None = None,
    ) -> Placement:
        """Where a row with an address, a town column (所在地_町字, used when the address
        says nothing this municipality knows) and a point belongs. A point is never moved;
        when neither text names a town, the nearest town to the point is taken, with a
        warning."""
        address, town = (address or "").strip(), (town or "").strip()
        for text, source in ((address, "address"), (town, "town")):
            resolved = self.resolve(text) if text else None
            if resolved is not None:
                return Placement(town=resolved.town, block=resolved.block, source=source)
        if latitude is None or longitude is None:
            return Placement(town=None, block=None, source="")
        written = address or town
        near = self.nearest(latitude, longitude)
        name = self.municipality.name
        if near is None:
            return Placement(
                town=None,
                block=None,
                source="",
                warnings=(
                    f"緯度・経度（{latitude}, {longitude}）は{name}のどの町からも"
                    f"{NEAREST_LIMIT_M // 1000}km以上離れています。位置を確かめてください。",
                ),
            )
        place = str(near.block) if near.block is not None else near.town.name
        said = (
            f"「{written}」は{name}の町として読めません。" if written else "町の記載がありません。"
        )
        return Placement(
            town=near.town,
            block=near.block,
            source="point",
            warnings=(
                f"{said}緯度・経度の位置はそのままにして、いちばん近い町「{place}」"
                f"（代表点から約{_rounded(near.distance_m)}m）としました。",
            ),
        )


def _rounded(metres: float) -> str:
    return f"{round(metres, -1) if metres >= 100 else round(metres):,.0f}"
