"""Reading a population file (住民基本台帳 町丁別・年齢別人口) into counts per town and age band.

1. The file is read by the exchange app's readers (CSV in UTF-8/CP932/UTF-16, Excel with title
   rows above the header and merged headers): the first sheet with a town column is used.
2. The layout is recognised from the headers:
   - wide: a town column and one column per age band or single age (「0～4歳」「65歳」「100歳以上」);
   - long: a town column, an age column (年齢・年齢階級) and a count column (人口・人数・計・総数),
     or 男 and 女 columns that are added up.
   A total column (総数・合計) is ignored: the bands are added up instead.
3. Each town is read as the city writes it (吉祥寺東町一丁目, 吉祥寺東町1丁目, 吉祥寺東町１丁目) by the
   organisation's address reader; rows of totals (合計, 市計, 「吉祥寺東町 計」) are left out, and a
   town's own row is left out when its 丁目 have rows (it is their sum).
4. Every problem is kept with its row and column, in Japanese; the import writes nothing while
   any remains (all or nothing). Bands must not straddle 65 or 75, the ages the analysis adds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sasaeai.core.text import nfkc
from sasaeai.exchange.readers import ReadError, Sheet, read_table
from sasaeai.org.addresses import AddressResolver
from sasaeai.org.models import Municipality

TOWN_HEADERS = ("町丁", "町名", "町丁名", "町丁目", "地区", "地域", "町字", "住所", "町")
AGE_HEADERS = ("年齢階級", "年齢区分", "年齢", "年齢(各歳)", "年齢（各歳）", "歳")
COUNT_HEADERS = ("計", "総数", "人口", "人数", "合計", "人口総数", "総人口")
TOTAL_WORDS = ("合計", "総計", "総数", "市計", "区計", "町計", "計", "全体", "小計", "市全体")
KEY_AGES = (65, 75)

_AGE_RANGE = re.compile(r"^(\d{1,3})歳?(?:[~\-－―ー〜～から]+)(\d{1,3})歳?$")
_AGE_OVER = re.compile(r"^(\d{1,3})歳?(?:以上|~|〜|～|\+|-)$")
_AGE_ONE = re.compile(r"^(\d{1,3})歳?$")
_AGE_UNDER = re.compile(r"^(\d{1,3})歳未満$")


@dataclass(frozen=True)
class Band:
    age_from: int
    age_to: int | None  # None: and over

    def label(self) -> str:
        if self.age_to is None:
            return f"{self.age_from}歳以上"
        if self.age_to == self.age_from:
            return f"{self.age_from}歳"
        return f"{self.age_from}～{self.age_to}歳"


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def text(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"{self.row}行目")
        if self.column:
            where.append(self.column if self.column.endswith("列目") else f"{self.column}列")
        return ("・".join(where) + "：" if where else "") + self.message


@dataclass
class PopulationReading:
    """What the file says: counts per (town id, block id or None, band), the units named, and
    every problem. `ok` when nothing stops the import."""

    layout: str = ""
    sheet: str = ""
    counts: dict[tuple[int, int | None, Band], int] = field(default_factory=dict)
    names: dict[tuple[int, int | None], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped_totals: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.counts)

    def totals(self) -> list[dict]:
        """Per town (丁目): name, residents, 65+ and 75+, for the preview."""
        rows: dict[tuple[int, int | None], dict] = {}
        for (town, block, band), count in self.counts.items():
            row = rows.setdefault(
                (town, block),
                {"name": self.names[(town, block)], "total": 0, "aged_65": 0, "aged_75": 0},
            )
            row["total"] += count
            if band.age_from >= 65:
                row["aged_65"] += count
            if band.age_from >= 75:
                row["aged_75"] += count
        return sorted(rows.values(), key=lambda r: r["name"])


def read_band(text: str) -> Band | None:
    """「65～69歳」「65-69」「65歳」「100歳以上」「5歳未満」 as a band (None: not an age)."""
    value = nfkc(text or "").replace(" ", "").replace("才", "歳")
    value = value.replace("以下", "")
    if match := _AGE_RANGE.match(value):
        low, high = int(match[1]), int(match[2])
        return Band(low, high) if low <= high <= 130 else None
    if match := _AGE_OVER.match(value):
        return Band(int(match[1]), None)
    if match := _AGE_UNDER.match(value):
        return Band(0, int(match[1]) - 1) if int(match[1]) > 0 else None
    if match := _AGE_ONE.match(value):
        age = int(match[1])
        return Band(age, age) if age <= 130 else None
    return None


def _count(text: str) -> int | None:
    value = nfkc(text or "").replace(",", "").replace(" ", "")
    if value in ("", "-", "－", "―", "…", "x", "X", "*"):
        return 0
    if value.isdigit():
        return int(value)
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 0 else None


def _header_index(headers: list[str], names: tuple[str, ...]) -> int | None:
    folded = [nfkc(h).replace(" ", "") for h in headers]
    for name in names:
        for i, header in enumerate(folded):
            if header == name:
                return i
    return None


def _straddles(band: Band) -> int | None:
    for age in KEY_AGES:
        if band.age_from < age and (band.age_to is None or band.age_to >= age):
            return age
    return None


def _contains_others(band: Band, bands: set[Band]) -> bool:
    """The band covers another band of the same town: it is a subtotal."""
    high = band.age_to if band.age_to is not None else 999
    for other in bands:
        if other == band:
            continue
        other_high = other.age_to if other.age_to is not None else 999
        if band.age_from <= other.age_from and other_high <= high:
            return True
    return False


def _is_total(text: str) -> bool:
    value = nfkc(text).replace(" ", "").replace("　", "")
    return value in TOTAL_WORDS or (value.endswith(("計", "合計")) and len(value) <= 4)


def read_population(content: bytes, kind: str, *, municipality: Municipality) -> PopulationReading:
    """The file read as the module's note says; never raises for the file's content."""
    reading = PopulationReading()
    try:
        table = read_table(content, kind)
    except ReadError as exc:
        reading.problems.append(Problem(None, "", str(exc)))
        return reading
    sheet = next(
        (s for s in table.sheets if _header_index(s.headers, TOWN_HEADERS) is not None), None
    )
    if sheet is None:
        reading.problems.append(
            Problem(
                None,
                "",
                "町名の列が見つかりません。見出しを「町丁名」「町名」「地区」のいずれかにしてください。",
            )
        )
        return reading
    reading.sheet = sheet.name
    _read_sheet(sheet, reading, AddressResolver(municipality))
    if not reading.counts and not reading.problems:
        reading.problems.append(Problem(None, "", "人数の入った行がありません。"))
    return reading


def _read_sheet(sheet: Sheet, reading: PopulationReading, resolver: AddressResolver) -> None:
    town_col = _header_index(sheet.headers, TOWN_HEADERS)
    age_col = _header_index(sheet.headers, AGE_HEADERS)
    band_cols = [
        (i, band)
        for i, header in enumerate(sheet.headers)
        if i != town_col and (band := read_band(header)) is not None
    ]
    if age_col is not None:
        reading.layout = "long"
        count_cols = [c for c in [_header_index(sheet.headers, COUNT_HEADERS)] if c is not None]
        if not count_cols:
            count_cols = [
                c
                for c in (
                    _header_index(sheet.headers, ("男", "男性")),
                    _header_index(sheet.headers, ("女", "女性")),
                )
                if c is not None
            ]
        if not count_cols:
            reading.problems.append(
                Problem(
                    sheet.header_row,
                    "",
                    "人数の列が見つかりません。見出しを「人口」「人数」「計」か、「男」「女」にしてください。",
                )
            )
            return
    elif band_cols:
        reading.layout = "wide"
    else:
        reading.problems.append(
            Problem(
                sheet.header_row,
                "",
                "年齢の列が見つかりません。横に年齢区分（「0～4歳」「65歳」など）を並べるか、"
                "「年齢」の列と「人口」の列を置いてください。",
            )
        )
        return
    town_rows: dict[tuple[int, int | None], list[tuple[int, Band, int]]] = {}
    for number, cells in sheet.rows:
        name = cells[town_col].strip() if town_col < len(cells) else ""
        if not name or _is_total(name):
            reading.skipped_totals += 1 if name else 0
            continue
        resolved = resolver.resolve(name)
        if resolved is None or (resolved.rest and not _is_total(resolved.rest)):
            reading.problems.append(
                Problem(
                    number,
                    sheet.columns[town_col],
                    f"町名「{name}」がこの市区町村の町に見つかりません。町丁の書き方を確かめてください"
                    "（例: 吉祥寺東町一丁目、吉祥寺東町1丁目）。",
                )
            )
            continue
        if resolved.rest:  # 「吉祥寺東町 計」
            reading.skipped_totals += 1
            continue
        key = (resolved.town.pk, resolved.block.pk if resolved.block else None)
        reading.names.setdefault(key, str(resolved.block) if resolved.block else resolved.town.name)
        values: list[tuple[Band, int]] = []
        if reading.layout == "wide":
            for col, band in band_cols:
                cell = cells[col] if col < len(cells) else ""
                count = _count(cell)
                if count is None:
                    reading.problems.append(
                        Problem(
                            number,
                            sheet.columns[col],
                            f"人数「{cell}」を数として読めません（0以上の整数で入力してください）。",
                        )
                    )
                    continue
                values.append((band, count))
        else:
            cell = cells[age_col] if age_col < len(cells) else ""
            band = read_band(cell)
            if band is None:
                if _is_total(cell):
                    reading.skipped_totals += 1
                    continue
                reading.problems.append(
                    Problem(
                        number,
                        sheet.columns[age_col],
                        f"年齢「{cell}」を読めません（例: 65～69歳、65歳、100歳以上）。",
                    )
                )
                continue
            total = 0
            for col in count_cols:
                value = cells[col] if col < len(cells) else ""
                count = _count(value)
                if count is None:
                    reading.problems.append(
                        Problem(
                            number,
                            sheet.columns[col],
                            f"人数「{value}」を数として読めません（0以上の整数で入力してください）。",
                        )
                    )
                    total = None
                    break
                total += count
            if total is None:
                continue
            values.append((band, total))
        town_rows.setdefault(key, []).extend((number, band, count) for band, count in values)
    # A town's own row is the sum of its 丁目 when they have rows: keep the 丁目.
    towns_with_blocks = {town for town, block in town_rows if block is not None}
    reported: set[Band] = set()  # a band that straddles 65 or 75 is reported once
    for (town, block), entries in town_rows.items():
        if block is None and town in towns_with_blocks:
            reading.skipped_totals += 1
            continue
        bands = {band for _, band, _ in entries}
        for number, band, count in entries:
            if _contains_others(band, bands):
                continue  # a subtotal such as 65歳以上 beside 65～69歳 …
            age = _straddles(band)
            if age is not None:
                if band not in reported:
                    reported.add(band)
                    reading.problems.append(
                        Problem(
                            number,
                            "",
                            f"年齢区分「{band.label()}」は{age}歳の境をまたいでいます。"
                            f"{age}歳以上の人数を数えられるよう、5歳階級か各歳の表にしてください。",
                        )
                    )
                continue
            key = (town, block, band)
            if key in reading.counts:
                reading.problems.append(
                    Problem(
                        number,
                        "",
                        f"「{reading.names[(town, block)]}」の{band.label()}が2回出てきます。",
                    )
                )
                continue
            reading.counts[key] = count
    if reading.layout == "wide" and not any(b.age_from >= 65 for _, b in band_cols):
        reading.problems.append(
            Problem(sheet.header_row, "", "65歳以上の年齢区分の列がありません。")
        )
