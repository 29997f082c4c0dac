"""The one reader of Japanese schedule text: a typed phrase (毎週火曜, 第2・第4金曜, 月〜金, 隔週,
毎月15日, 偶数月20日) or a sheet's cell (毎週火曜10時〜12時, 第2・4水曜 13:30-15:30, 月2回(不定期),
「月〜金 9:00〜17:00 土日、祝日、年末年始を除く」) read into rule parts, times and a note.

Closing days are told from opening days: a clause ending in 除く, 休み, 休館, 定休 … closes the
days it names (祝日, 年末年始, 土日, 月曜) instead of opening them; closing days that a weekly
rule cannot express (第1・3火曜休館) and sentences about exceptions (「トイレは月曜日でも随時利用
可能」「月曜日が祝日の場合は開館し…」) stay in the note, flagged for a person, never a schedule.
What cannot be read into a recurrence is kept as a note and flagged for a person to check. Pure
functions: no database, and `read_schedule_text` never raises, whatever the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sasaeai.core.text import nfkc

from .rule import DAY_CODES, EVEN_MONTHS, ODD_MONTHS, ByDay, Rule
from .text import closures_text, rule_text

_JP_DAYS = "月火水木金土日"
_DAY_CODE = dict(zip(_JP_DAYS, DAY_CODES, strict=True))
NOTE_MAX = 300

# Words that say "there is no fixed day": the text is then an irregular schedule, not a failure.
_IRREGULAR_WORDS = (
    "不定期",
    "随時",
    "応相談",
    "要相談",
    "問い合わせ",
    "問合せ",
    "問合わせ",
    "要問合",
    "24時間",  # 「24時間対応」: open round the clock, no hours to read (kept as said)
)
_CONNECTORS = {"と", "及び", "および", "毎", "の", "に", "は", "で"}
_FILLER = re.compile(
    r"毎週|毎月|曜日|曜|開催|実施|活動|ごろ|頃|程度|くらい|位|より|から|まで|[()（）「」【】\[\]・,、，。.:：\s〜~\-]"
)


@dataclass(frozen=True)
class ScheduleReading:
    """The result of reading one cell. `schedules` hold Schedule field values; `needs_review`
    says a person should check (with `reason` in Japanese)."""

    text: str
    schedules: tuple[dict, ...] = ()
    needs_review: bool = False
    reason: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


# --- normalising the text ---------------------------------------------------------------------

_DASHES = "‐‑–—―−ー－─"


def _normalise(text: str) -> str:
    """Width, tildes and dashes folded; 午前/午後 kept; どの書き方でも同じ形に."""
    raw = nfkc(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ／ "))
    raw = raw.replace("〜", "~").replace("～", "~").replace("∼", "~")
    # A dash between times or digits is a range (10時ー12時, 13:30−15:30).
    raw = re.sub(rf"(?<=[0-9時分半])\s*[{_DASHES}-]\s*(?=[0-9午])", "~", raw)
    raw = re.sub(r"(?<=[0-9時分半])\s*から\s*(?=[0-9午])", "~", raw)
    raw = re.sub(r"曜日?\s*[{}]\s*(?=[{}])".format(_DASHES + "-", _JP_DAYS), "曜~", raw)
    return raw


# --- times ------------------------------------------------------------------------------------

_TIME = r"(午前|午後|AM|PM|am|pm)?\s*(\d{1,2})\s*(?::\s*(\d{2})|時\s*(?:(\d{1,2})\s*分|(半))?)"
_TIME_RANGE = re.compile(_TIME + r"\s*~\s*" + _TIME + r"(?:\s*まで)?")
_BARE_RANGE = re.compile(r"(?<![0-9:])(\d{1,2})\s*~\s*(\d{1,2})\s*時(?!\s*\d{1,2}\s*分|半)")
_TIME_FROM = re.compile(_TIME + r"\s*(?:~|から|開始|スタート)?")
_NOON = re.compile(r"正午")


def _time_of(meridiem: str | None, hour: str, minute: str | None, minute_jp: str | None, half):
    h = int(hour)
    m = int(minute or minute_jp or (30 if half else 0))
    meridiem = (meridiem or "").lower()
    if meridiem in ("午後", "pm") and h < 12:
        h += 12
    if meridiem in ("午前", "am") and h == 12:
        h = 0
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError
    return dt.time(h, m), meridiem


_ROUND_THE_CLOCK = re.compile(r"24\s*時間")


def _read_times(segment: str) -> tuple[dt.time | None, dt.time | None, str, str]:
    """(opens, closes, the segment without the times, a problem or "")."""
    if _ROUND_THE_CLOCK.search(segment):
        return None, None, segment, ""  # 「24時間対応」: no hours to read, kept as said
    segment = _NOON.sub("12時", segment)
    bare = _BARE_RANGE.search(segment)
    if bare and not _TIME_RANGE.search(segment):
        opens_h, closes_h = int(bare.group(1)), int(bare.group(2))
        if opens_h <= 23 and closes_h <= 23:
            rest = segment[: bare.start()] + " " + segment[bare.end() :]
            return dt.time(opens_h), dt.time(closes_h), rest, ""
    match = _TIME_RANGE.search(segment)
    if match:
        groups = match.groups()
        try:
            opens, meridiem = _time_of(*groups[0:5])
            second_meridiem = groups[5]
            closes, _ = _time_of(*groups[5:10])
        except ValueError:
            return None, None, segment, "時刻として読めない数字があります"
        # 午後1時〜3時: the second time takes the first one's 午後.
        if meridiem in ("午後", "pm") and not second_meridiem and closes.hour < 12:
            closes = closes.replace(hour=closes.hour + 12)
        rest = segment[: match.start()] + " " + segment[match.end() :]
        return opens, closes, rest, ""
    match = _TIME_FROM.search(segment)
    if match:
        try:
            opens, _ = _time_of(*match.groups()[0:5])
        except ValueError:
            return None, None, segment, "時刻として読めない数字があります"
        rest = segment[: match.start()] + " " + segment[match.end() :]
        return opens, None, rest, ""
    return None, None, segment, ""


# --- days ---------------------------------------------------------------------------------------

_DAY_LIST = rf"[{_JP_DAYS}](?:\s*[・,、と&]?\s*[{_JP_DAYS}])*"
_DAY_RANGE = re.compile(rf"(?<![0-9])([{_JP_DAYS}])曜?日?\s*~\s*([{_JP_DAYS}])曜?日?")
_ORDINAL_ITEM = r"(?:\d|最終|最後)"
_ORDINAL_DAYS = re.compile(
    rf"第?\s*({_ORDINAL_ITEM}(?:\s*[・,、と&]\s*第?\s*{_ORDINAL_ITEM})*)\s*({_DAY_LIST})\s*(?:曜日?)?"
)
_LAST_DAYS = re.compile(rf"(?:最終|最後の?)\s*({_DAY_LIST})\s*(?:曜日?)?")
_WEEK_DAYS = re.compile(rf"({_DAY_LIST})\s*曜日?")
_PAREN_DAYS = re.compile(rf"[(（]\s*({_DAY_LIST})\s*[)）]")
_EVERY_WEEK_DAYS = re.compile(rf"毎週\s*({_DAY_LIST})(?![0-9回])")
_MONTH_DAY_ITEM = r"(?:\d{1,2}\s*日?|末日?)"
_MONTH_DAYS = re.compile(
    rf"毎月\s*({_MONTH_DAY_ITEM}(?:\s*[・,、と&]\s*{_MONTH_DAY_ITEM})*)(?![0-9回])"
)
_MONTH_END = re.compile(r"月末|最終日(?!曜)")


def _days_in(text: str) -> list[str]:
    return [_DAY_CODE[ch] for ch in text if ch in _DAY_CODE]


def _ordinal_value(token: str) -> int | None:
    token = token.strip().lstrip("第").strip()
    if token in ("最終", "最後"):
        return -1
    if token.isdecimal() and 1 <= int(token) <= 5:
        return int(token)
    return None


def _sort_weekly(codes: list[str]) -> list[str]:
    return sorted(set(codes), key=DAY_CODES.index)


def _sort_monthly(items: list[tuple[int, str]]) -> list[str]:
    ordered = sorted(
        set(items), key=lambda item: (DAY_CODES.index(item[1]), item[0] == -1, item[0])
    )
    return [f"{ordinal}{day}" for ordinal, day in ordered]


@dataclass
class _Segment:
    freq: str | None = None
    interval: int = 1
    byday: str = ""
    bymonthday: str = ""
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    closed_on_holidays: bool = False
    closed_year_end: bool = False
    bymonth: str = ""
    note: str = ""
    problem: str = ""
    explicitly_irregular: bool = False
    closing_weekdays: tuple[str, ...] = ()
    closure_only: bool = False  # 「土日、祝日、年末年始を除く」 alone: closes, opens nothing


# A clause that names closing days: 「土日、祝日、年末年始を除く」「月曜休館」「第1・3火曜休館」.
_CLOSED_ITEM = (
    rf"第\s*\d(?:\s*[・,、と]\s*第?\s*\d)*\s*[{_JP_DAYS}](?:\s*曜日?)?"
    rf"|(?<![0-9毎隔第])[{_JP_DAYS}](?:\s*曜日?)?"
    r"|土日祝(?:祭日|日)?|土日|祝祭日|祝日|祝|休日|年末年始|年始|年末"
)
_CLOSED_CLAUSE = re.compile(
    rf"((?:{_CLOSED_ITEM})(?:\s*(?:[、・,&]|と|及び|および)\s*(?:{_CLOSED_ITEM}))*)"
    r"\s*(?:は|を|が)?\s*(?:除く|除き|除いて|お?休み|休館日?|休業日?|定休日?|休所|休園|閉館|閉所|休止|休)"
)
# Words that make a sentence about an exception, not a schedule: kept as a note, flagged.
_EXCEPTION_WORDS = re.compile(r"でも|場合|以外|ただし|但し|翌日|前日")


@dataclass
class _Closures:
    holidays: bool = False
    year_end: bool = False
    weekdays: list[str] = field(default_factory=list)
    inexpressible: list[str] = field(default_factory=list)  # 第1・3火曜休館: kept as note


def _closures(text: str) -> tuple[_Closures, str]:
    """The closing days named in the text, and the text without them."""
    found = _Closures()

    def take(match: re.Match) -> str:
        clause = match.group(1)
        if re.search(r"祝|休日", clause):
            found.holidays = True
        if "年末" in clause or "年始" in clause:
            found.year_end = True
        days = re.sub(r"祝祭日|祝日|祝|休日|年末年始|年始|年末", " ", clause)
        if re.search(r"第\s*\d", days):
            found.inexpressible.append(match.group(0).strip())
            return " "
        found.weekdays += _days_in(days)
        return " "

    return found, _CLOSED_CLAUSE.sub(take, text)


def _read_segment(original: str, raw: str) -> _Segment:
    seg = _Segment()
    text = raw
    if _EXCEPTION_WORDS.search(text):
        seg.problem = "例外や条件の説明と読めるため、曜日としては読まず補足に残しました"
        seg.note = original.strip()
        return seg
    closures, text = _closures(text)
    seg.closed_on_holidays = closures.holidays
    seg.closed_year_end = closures.year_end
    seg.closing_weekdays = tuple(closures.weekdays)
    seg.closure_only = bool(
        (closures.holidays or closures.year_end or closures.weekdays)
        and not closures.inexpressible
        and not _FILLER.sub("", text).strip()
    )
    months = re.search(r"偶数月|奇数月|((?:\d{1,2}\s*月\s*[・,、と]\s*)*\d{1,2}\s*月)\s*の", text)
    if months:
        if months.group(0) == "偶数月":
            seg.bymonth = ",".join(str(m) for m in EVEN_MONTHS)
        elif months.group(0) == "奇数月":
            seg.bymonth = ",".join(str(m) for m in ODD_MONTHS)
        else:
            numbers = [int(n) for n in re.findall(r"\d{1,2}", months.group(1))]
            if all(1 <= n <= 12 for n in numbers):
                seg.bymonth = ",".join(str(n) for n in numbers)
        text = text[: months.start()] + " 毎月" + text[months.end() :]
    if re.search(r"祝(?:日|祭日)?(?:は|・?休日は?)?\s*(?:お?休み|休|除く|を除く|なし|休止)", text):
        seg.closed_on_holidays = True
        text = re.sub(
            r"[(（]?\s*祝(?:日|祭日)?(?:は|・?休日は?)?\s*(?:お?休み|休|除く|を除く|なし|休止)\s*[)）]?",
            " ",
            text,
        )
    seg.explicitly_irregular = any(word in text for word in _IRREGULAR_WORDS)
    opens, closes, text, problem = _read_times(text)
    seg.opens_at, seg.closes_at = opens, closes
    if problem:
        seg.problem = problem
    if opens and closes and closes <= opens:
        seg.problem = "終了時刻が開始時刻より前（または同じ）です"
        seg.opens_at = seg.closes_at = None

    weeks = re.search(r"隔週|(\d{1,2})\s*週(?:間)?(?:ごと|毎|おき|に1回)", text)
    months = re.search(r"隔月|(\d{1,2})\s*[かヶケカ]?月(?:ごと|毎|おき|に1回)", text)
    week_interval = (int(weeks.group(1)) if weeks.group(1) else 2) if weeks else 1
    month_interval = (int(months.group(1)) if months.group(1) else 2) if months else 1
    text = re.sub(r"隔週|\d{1,2}\s*週(?:間)?(?:ごと|毎|おき|に1回)", " ", text)
    # 「隔月15日」「3か月ごと1日」: the month days that follow read as 毎月's.
    text = re.sub(r"隔月|\d{1,2}\s*[かヶケカ]?月(?:ごと|毎|おき|に1回)", " 毎月", text)

    monthly_items: list[tuple[int, str]] = []
    for match in _ORDINAL_DAYS.finditer(text):
        if not (match.group(0).lstrip().startswith("第") or "最" in match.group(1)):
            continue  # 「2水曜」without 第 is not an ordinal
        ordinals = [_ordinal_value(t) for t in re.split(r"[・,、と&]", match.group(1))]
        if any(o is None for o in ordinals):
            seg.problem = seg.problem or "第何週かの数字が1〜5ではありません"
            continue
        for day in _days_in(match.group(2)):
            monthly_items += [(o, day) for o in ordinals if o is not None]
    text = _ORDINAL_DAYS.sub(
        lambda m: " " if m.group(0).lstrip().startswith("第") or "最" in m.group(1) else m.group(0),
        text,
    )
    for match in _LAST_DAYS.finditer(text):
        monthly_items += [(-1, day) for day in _days_in(match.group(1))]
    text = _LAST_DAYS.sub(" ", text)
    if monthly_items:
        seg.freq = "MONTHLY"
        seg.byday = ",".join(_sort_monthly(monthly_items))
        seg.interval = month_interval
    else:
        numbers: list[int] = []
        if _MONTH_END.search(text):
            numbers.append(-1)
            text = _MONTH_END.sub(" ", text)
        month_days = _MONTH_DAYS.search(text)
        if month_days and ("日" in month_days.group(1) or "末" in month_days.group(1)):
            for token in re.split(r"[・,、と&]", month_days.group(1)):
                token = token.replace("日", "").strip()
                value = -1 if token == "末" else int(token) if token.isdecimal() else None
                if value is None or not (value == -1 or 1 <= value <= 31):
                    seg.problem = seg.problem or "日付が1〜31ではありません"
                    continue
                numbers.append(value)
            text = text[: month_days.start()] + " " + text[month_days.end() :]
        if numbers:
            seg.freq = "MONTHLY"
            seg.bymonthday = ",".join(
                str(n) for n in sorted(set(numbers), key=lambda n: (n == -1, n))
            )
            seg.interval = month_interval
    if seg.freq is None:
        weekly: list[str] = []
        if re.search(r"平日", text):
            weekly += ["MO", "TU", "WE", "TH", "FR"]
            text = text.replace("平日", " ")
        if re.search(r"土日|週末", text):
            weekly += ["SA", "SU"]
            text = re.sub(r"土日祝?|週末", " ", text)
        for match in _DAY_RANGE.finditer(text):
            start, end = (
                DAY_CODES.index(_DAY_CODE[match.group(1)]),
                DAY_CODES.index(_DAY_CODE[match.group(2)]),
            )
            if start <= end:
                weekly += list(DAY_CODES[start : end + 1])
            else:
                weekly += list(DAY_CODES[start:]) + list(DAY_CODES[: end + 1])
        text = _DAY_RANGE.sub(" ", text)
        for pattern in (_WEEK_DAYS, _PAREN_DAYS, _EVERY_WEEK_DAYS):
            for match in pattern.finditer(text):
                weekly += _days_in(match.group(1))
            text = pattern.sub(" ", text)
        if closures.weekdays and not weekly and not monthly_items:
            weekly = [code for code in DAY_CODES if code not in closures.weekdays]
        weekly = [code for code in weekly if code not in closures.weekdays]
        if weekly:
            if re.search(r"月\s*\d\s*回", text) and not re.search(r"週", text):
                # 月1回（火曜）: which week is unknown.
                seg.freq = None
                seg.problem = seg.problem or "月に何回とありますが、第何週の何曜日かわかりません"
            else:
                seg.freq = "WEEKLY"
                seg.byday = ",".join(_sort_weekly(weekly))
                seg.interval = week_interval
    every_days = re.search(r"毎日|(\d{1,2})\s*日(?:ごと|おき)", text)
    if seg.freq is None and every_days:
        seg.freq = "DAILY"
        seg.interval = int(every_days.group(1)) if every_days.group(1) else 1
        text = text[: every_days.start()] + " " + text[every_days.end() :]
    # What is left after the recognised parts: kept as a note.
    leftover = text
    leftover = (
        re.sub(r"(?:毎週|週)\s*\d\s*回|月\s*\d\s*回(?:程度)?", " ", leftover)
        if seg.freq
        else leftover
    )
    cleaned = "".join(
        token for token in re.split(r"\s+", _FILLER.sub(" ", leftover)) if token not in _CONNECTORS
    )
    if seg.freq is not None and cleaned:
        tokens = [
            token.strip(" ・,、/()（）")
            for token in re.split(r"\s+", leftover)
            if _FILLER.sub("", token) and token not in _CONNECTORS
        ]
        seg.note = " ".join(t for t in tokens if t and t not in _CONNECTORS)
        if re.search(r"\d", cleaned):
            seg.problem = seg.problem or f"「{seg.note}」は読み取れなかったため補足に残しました"
    if closures.inexpressible:
        closing = "、".join(closures.inexpressible)
        seg.note = f"{seg.note} {closing}".strip() if seg.freq else seg.note
        seg.problem = (
            seg.problem or f"休みの日「{closing}」は曜日の繰り返しで表せないため補足に残しました"
        )
    if seg.freq is None or (seg.problem and not seg.note):
        seg.note = original.strip()
    return seg


_COMPLETE = re.compile(
    rf"[{_JP_DAYS}]\s*曜|[(（]\s*[{_JP_DAYS}]\s*[)）]|毎日|平日|土日|不定期|随時|\d\s*回|\d{{1,2}}\s*日"
)
_STARTS = re.compile(
    rf"[{_JP_DAYS}]\s*曜|[(（]\s*[{_JP_DAYS}]\s*[)）]|第\s*\d|毎日|毎月|毎週|隔週|隔月|平日|土日|最終|不定期|随時|[月週]\s*\d\s*回"
)


def _segments(raw: str) -> list[str]:
    """Splits a cell into its schedules: on line breaks, slashes and semicolons, and on 「、」
    only where the next part starts a new recurrence and the part before is complete
    (「第2、第4水曜」 and 「火、木曜」 stay one)."""
    parts: list[str] = []
    chunks: list[str] = []
    for line in raw.split("/"):
        if re.match(r"\s*不定期\s*[:：]", line):
            chunks.append(line)  # 「不定期：」+ a note, as exports write it: one schedule
        else:
            chunks.extend(re.split(r"[;；。]", line))
    for chunk in chunks:
        if re.match(r"\s*不定期\s*[:：]", chunk):
            parts.append(chunk)
            continue
        current = ""
        for fragment in re.split(r"[、,]", chunk):
            if not current.strip():
                current = fragment
                continue
            if (
                _STARTS.search(fragment)
                and _COMPLETE.search(current)
                and not re.search(r"第\s*\d\s*$", current)
            ):
                parts.append(current)
                current = fragment
            else:
                current += "、" + fragment
        if current.strip():
            parts.append(current)
    return [p.strip() for p in parts if p.strip(" ・,、")]


def read_schedule_text(text: object) -> ScheduleReading:
    """Reads one cell of schedule text. Never raises: anything unreadable becomes an irregular
    schedule whose note is the text, with `needs_review` set."""
    original = "" if text is None else str(text)
    original = original.strip()
    if not original:
        return ScheduleReading(text="")
    try:
        return _read(original)
    except Exception:  # a parser bug must not stop an import: keep the text for a person
        return _unreadable(original, "開催日時を読み取れませんでした。補足として残します")


def _unreadable(original: str, reason: str) -> ScheduleReading:
    note, truncated = _note(original)
    return ScheduleReading(
        text=original,
        schedules=(_irregular(note),),
        needs_review=True,
        reason=reason + ("（長すぎるため300字で切りました）" if truncated else ""),
    )


def _note(text: str) -> tuple[str, bool]:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= NOTE_MAX:
        return text, False
    return text[: NOTE_MAX - 1] + "…", True


def _irregular(note: str) -> dict:
    return {
        "freq": "IRREGULAR",
        "interval": 1,
        "byday": "",
        "bymonthday": "",
        "opens_at": None,
        "closes_at": None,
        "closed_on_holidays": False,
        "closed_year_end": False,
        "note": note,
    }


def _read(original: str) -> ScheduleReading:
    raw = _normalise(original)
    schedules: list[dict] = []
    reasons: list[str] = []
    review = False
    segments = _segments(raw)
    last_regular: dict | None = None
    for segment in segments:
        seg = _read_segment(original if len(segments) == 1 else segment, segment)
        if last_regular is not None and (seg.closure_only or seg.freq is None):
            # After the opening days: closing days close them, other words add to the note.
            _attach(last_regular, seg, segment)
            if not seg.closure_only and (seg.problem or not seg.explicitly_irregular):
                review = True
                reasons.append(
                    f"「{segment}」: {seg.problem or '曜日・日付として読まず補足に残しました'}"
                )
            continue
        if seg.freq is None:
            note, truncated = _note(re.sub(r"^不定期\s*[:：]\s*", "", seg.note) or seg.note)
            schedules.append(_irregular(note))
            if seg.explicitly_irregular and not seg.problem and not truncated:
                continue
            review = True
            reasons.append(
                f"「{segment}」: {seg.problem}"
                if seg.problem
                else f"「{segment}」の曜日・日付を読み取れませんでした"
            )
            continue
        if seg.bymonth:
            seg.problem = (
                seg.problem or "月の指定（偶数月など）は開催日時に保存できないため補足に残しました"
            )
            seg.note = f"{seg.note} {segment}".strip()
        note, truncated = _note(seg.note)
        last_regular = {"freq": seg.freq}
        schedules.append(last_regular)
        last_regular.update(
            {
                "freq": seg.freq,
                "interval": seg.interval,
                "byday": seg.byday,
                "bymonthday": seg.bymonthday,
                "opens_at": seg.opens_at,
                "closes_at": seg.closes_at,
                "closed_on_holidays": seg.closed_on_holidays,
                "closed_year_end": seg.closed_year_end,
                "note": note,
            }
        )
        if seg.problem or truncated:
            review = True
            reasons.append(f"「{segment}」: {seg.problem or '補足が長すぎるため300字で切りました'}")
    if not schedules:
        return _unreadable(original, "開催日時を読み取れませんでした。補足として残します")
    return ScheduleReading(
        text=original,
        schedules=tuple(schedules),
        needs_review=review,
        reason="。".join(reasons),
    )


def _attach(schedule: dict, seg: _Segment, segment: str) -> None:
    """A segment after a schedule in the same cell: its closing days close the schedule's days
    (holidays, year end, weekdays of a weekly schedule); anything else joins its note."""
    if seg.closed_on_holidays:
        schedule["closed_on_holidays"] = True
    if seg.closing_weekdays and schedule["freq"] == "WEEKLY":
        kept = [d for d in schedule["byday"].split(",") if d and d not in seg.closing_weekdays]
        if kept:
            schedule["byday"] = ",".join(kept)
    if seg.closed_year_end:
        schedule["closed_year_end"] = True
    notes = [schedule["note"]] if schedule["note"] else []
    if not seg.closure_only:
        notes.append(re.sub(r"^不定期\s*[:：]\s*", "", segment).strip())
    schedule["note"] = _note("。".join(notes))[0]


def schedule_key(values: dict) -> tuple:
    """A comparable form of one schedule's values (for "has anything changed?")."""

    def t(value):
        if value is None or value == "":
            return ""
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        return str(value)[:5]

    return (
        values.get("freq") or "",
        int(values.get("interval") or 1),
        (values.get("byday") or "").upper(),
        values.get("bymonthday") or "",
        t(values.get("opens_at")),
        t(values.get("closes_at")),
        bool(values.get("closed_on_holidays")),
        bool(values.get("closed_year_end")),
        values.get("note") or "",
    )


def schedule_to_text(schedule) -> str:
    """One schedule written so that `read_schedule_text` reads it back to the same fields
    (exports are re-importable): 「第2・第4水曜 13:30〜15:30 祝日休み 年末年始休み（雨天中止）」."""
    if schedule.freq == "IRREGULAR":
        note = (schedule.note or "").strip()
        if any(word in note for word in _IRREGULAR_WORDS) and not re.search(r"[/;；。、,]", note):
            return note
        return f"不定期：{note}" if note else "不定期"
    try:
        rule = Rule.from_parts(
            freq=schedule.freq,
            interval=schedule.interval,
            byday=schedule.byday,
            bymonthday=schedule.bymonthday,
            closed_on_holidays=schedule.closed_on_holidays,
            closed_year_end=getattr(schedule, "closed_year_end", False),
        )
    except ValueError:
        return f"不定期：{schedule.note}" if schedule.note else "不定期"
    parts = [rule_text(rule)]
    if schedule.opens_at:
        times = schedule.opens_at.strftime("%H:%M") + "〜"
        if schedule.closes_at:
            times += schedule.closes_at.strftime("%H:%M")
        parts.append(times)
    parts += closures_text(rule)
    text = " ".join(parts)
    if schedule.note:
        text += f"（{schedule.note}）"
    return text


def read_rule_text(text: str) -> dict:
    """A typed phrase (毎週火曜, 第2・第4金曜, 偶数月20日, 月〜金 祝日休み) read strictly: the rule
    parts (freq, interval, byday, bymonthday, bymonth), closures, times and note. Raises
    ValueError with a Japanese message when the phrase is not one readable recurrence."""
    original = nfkc(text or "").strip()
    if original in ("", "なし", "繰り返さない", "1回のみ", "一回のみ"):
        return {"freq": "", "interval": 1, "byday": "", "bymonthday": "", "bymonth": ""}
    if original.startswith(("不定期", "随時")):
        # 「不定期 年2回、春と秋。…」: no fixed day, whatever the sentences after it say.
        note = re.sub(r"^不定期[\s、。:：]*", "", (text or "").strip()) or (text or "").strip()
        return {**_irregular(note), "bymonth": "", "closed_year_end": False}
    raw = _normalise(original)
    segments = _segments(raw)
    seg = _read_segment(original, segments[0]) if len(segments) == 1 else None
    if seg is None or (seg.freq is None and not seg.explicitly_irregular) or seg.problem:
        reason = f"（{seg.problem}）" if seg is not None and seg.problem else ""
        raise ValueError(
            f"繰り返し「{text}」を読み取れませんでした{reason}。例:「毎週火曜」「第2・第4金曜」"
            "「毎月15日」「月〜金 祝日休み」"
        )
    if seg.freq is None:
        note = re.sub(r"^不定期[\s、。:：]*", "", original) or original
        return {
            **_irregular(note),
            "bymonth": "",
            "closed_year_end": False,
        }
    return {
        "freq": seg.freq,
        "interval": seg.interval,
        "byday": seg.byday,
        "bymonthday": seg.bymonthday,
        "bymonth": seg.bymonth,
        "opens_at": seg.opens_at,
        "closes_at": seg.closes_at,
        "closed_on_holidays": seg.closed_on_holidays,
        "closed_year_end": seg.closed_year_end,
        "note": seg.note,
    }


def read_day_list(text: str) -> list[str]:
    """An open-data day column (月火水木金土日, 月,火,日, 月曜日・日曜日, 月〜金, 平日, 土日祝) as day
    codes in week order; the column only ever lists days, so every day character counts."""
    raw = _normalise(text or "")
    codes: list[str] = []
    if "平日" in raw:
        codes += DAY_CODES[:5]
        raw = raw.replace("平日", " ")
    for match in _DAY_RANGE.finditer(raw):
        start = DAY_CODES.index(_DAY_CODE[match.group(1)])
        end = DAY_CODES.index(_DAY_CODE[match.group(2)])
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
        codes += [DAY_CODES[i] for i in span]
    raw = _DAY_RANGE.sub(" ", raw)
    codes += _days_in(re.sub(r"曜日?|祝日?|祭日", " ", raw))
    return _sort_weekly(codes)


def weekly_text(codes: list[str]) -> str:
    """「毎週月・火・日曜」 for day codes (the text form the reader reads back)."""
    return rule_text(Rule(freq="WEEKLY", byday=tuple(ByDay(None, code) for code in codes)))
