"""The report laid out once, as sections of simple blocks (paragraphs, lists, tables, a pie),
in the wording of the seed's 活動報告. The web page, the PDF, the Excel workbook and the Word
file all render this one layout, so they say the same thing in the same order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from sasaeai.activities import counting
from sasaeai.core.eras import era_date

from .figures import (
    KEY_FIGURES,
    Comparison,
    ConsulterRow,
    DatedEntry,
    ReportFigures,
    Series,
    percent,
    series_of,
)
from .models import FOOTNOTE_PREFIX, FOOTNOTE_SECTIONS, TextSection

Cell = str | int | Decimal | dt.date | None

_SIGNED = re.compile(r"^(?:[+±-]\d+|\d+(?:\.\d+)?%)$")


@dataclass
class Para:
    text: str
    # body | figure (a headline figure) | label (＜主な訪問先＞) | note | alert (to check)
    style: str = "body"
    kind: str = "para"


@dataclass
class Items:
    items: list[str]
    kind: str = "items"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    widths: list[float] | None = None  # relative column widths for PDF and Word
    total_row: bool = False  # the last row is a total (bold)
    # A detail table repeats, cell by cell, what the list above it says, or is the full list
    # the main report rolls up: the spreadsheet and the web page show it (folded), the main
    # PDF and Word leave it out, the appendix (`appendix_build`) prints it.
    detail: bool = False
    kind: str = "table"

    @cached_property
    def numeric_columns(self) -> set[int]:
        """Columns to right-align: numbers, and changes written +3 / -2 / ±0. Worked out once
        (the web page's template asks for every cell; rows are not changed once laid out)."""
        found: set[int] = set()
        for row in self.rows:
            for index, cell in enumerate(row):
                if (isinstance(cell, int | Decimal) and not isinstance(cell, bool)) or (
                    isinstance(cell, str) and _SIGNED.match(cell)
                ):
                    found.add(index)
        return found


@dataclass
class Pie:
    """A share chart; `slices` are (label, count). Excel draws it from the table just above
    it in the same section (label column 0, count column 1)."""

    title: str
    slices: list[tuple[str, int]]
    kind: str = "pie"

    @property
    def total(self) -> int:
        return sum(value for _, value in self.slices)


@dataclass
class Bars:
    """Counts by month as grouped bars; `series` are (name, one count per category). Excel
    draws it from the table just above it (one row per series, a column per category)."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[int]]]
    kind: str = "bars"

    @property
    def largest(self) -> int:
        return max((v for _, values in self.series for v in values), default=0)


@dataclass
class Photo:
    """A photo with its caption; `data` is the stored file's bytes, which the PDF, Word and
    Excel embed, `report_id`/`photo_id` the web page's address of it."""

    data: bytes
    caption: str
    width: int
    height: int
    report_id: int
    photo_id: int
    kind: str = "photo"


Block = Para | Items | Table | Pie | Bars | Photo


@dataclass
class Section:
    key: str
    title: str
    sheet: str  # the Excel sheet name (at most 31 characters)
    blocks: list[Block] = field(default_factory=list)
    number: str = ""  # (1) … (11) as in the seed


@dataclass
class Document:
    title: str
    lines: list[str]  # under the title: scope, period, when it was made
    sections: list[Section]


# --- wording ----------------------------------------------------------------------------------


def dated(entry: DatedEntry, *, with_people: str = "") -> str:
    """平成27年4月28日(火)総合事業自治体フォーラム; a two-day entry reads
    平成27年7月30日(木)〜31日(金)…; `with_people` adds (34名出席) or (2名)."""
    when = era_date(entry.date)
    if entry.end_date and entry.end_date != entry.date:
        end = entry.end_date
        if (end.year, end.month) == (entry.date.year, entry.date.month):
            when += f"〜{end.day}日({'月火水木金土日'[end.weekday()]})"
        else:
            when += f"〜{era_date(end)}"
    text = f"{when}{entry.title}"
    if entry.counterpart and entry.counterpart not in entry.title:
        text += f"（{entry.counterpart}）"
    if entry.head_count is not None and with_people:
        text += with_people.format(n=entry.head_count)
    if entry.records > 1:
        text += f"（コーディネーター{entry.records}人）"
    return text


def series_text(s: Series, people: str) -> str:
    """生活支援コーディネーター養成研修（4回、コーディネーター延べ9人）; with head counts, 計N名."""
    parts = [f"{count(s.events)}回"]
    if s.records > s.events:
        parts.append(f"コーディネーター延べ{count(s.records)}人")
    if people and s.people:
        parts.append(f"計{count(s.people)}名")
    return f"{s.title}（{'、'.join(parts)}）"


def count(value: int) -> str:
    """A count with thousands separators: 5,160."""
    return f"{value:,}"


def topic_text(row: ConsulterRow, support_center_label: str) -> str:
    """The 内容 column: 個別ケース(9件)(※うち6件は在宅介護支援センター等につないだ)、…"""
    parts: list[str] = []
    for topic in row.topics:
        text = f"{topic.name}({topic.count}件)"
        if topic.referred:
            if topic.referred == topic.count:
                whole = f"{topic.count}件とも" if topic.count <= 3 else "すべて"
                text += f"(※{whole}{support_center_label}につないだ)"
            else:
                text += f"(※うち{topic.referred}件は{support_center_label}につないだ)"
        parts.append(text)
    if row.untagged:
        parts.append(f"内容の記録なし({row.untagged}件)")
    body = "、".join(parts)
    if row.bodies:
        return f"{'、'.join(row.bodies)}より: {body}" if body else f"{'、'.join(row.bodies)}より"
    return body


def topic_summary(row: ConsulterRow, support_center_label: str) -> str:
    """The 内容 cell of a long row (over TOPIC_TEXT_MAX characters), short: the
    TOPICS_LISTED most frequent topics, the rest
    as 「ほかN項目(M件)」, and the referrals as one note (the full text is the appendix's)."""
    full = topic_text(row, support_center_label)
    if len(full) <= TOPIC_TEXT_MAX or len(row.topics) <= TOPICS_LISTED:
        return full
    shown = row.topics[:TOPICS_LISTED]
    rest = row.topics[TOPICS_LISTED:]
    parts = [f"{t.name}({count(t.count)}件)" for t in shown]
    parts.append(f"ほか{len(rest)}項目({count(sum(t.count for t in rest))}件)")
    if row.untagged:
        parts.append(f"内容の記録なし({count(row.untagged)}件)")
    body = "、".join(parts)
    if row.referred:
        body += f"（※うち{count(row.referred)}件は{support_center_label}につないだ）"
    if row.bodies:
        names = row.bodies[:BODIES_LISTED]
        more = f"ほか{len(row.bodies) - len(names)}者" if len(row.bodies) > len(names) else ""
        return f"{'、'.join(names)}{more}より: {body}"
    return body


def compared_cells(value: int, other: Comparison, key: str) -> list[Cell]:
    """The other period's figure and the change; 「記録なし」 and 「—」 when the other period
    has no records at all (counting.change: a change from nothing says nothing)."""
    difference = counting.change(value, other.values, key)
    if difference is None:
        return [counting.NO_RECORDS, "—"]
    return [other.values.get(key, 0), signed(difference)]


def ratio(value: int, other: Comparison, key: str) -> str:
    """前年同期比 as officials write it (104.2%); 「—」 when there is nothing to divide by."""
    before = other.values.get(key, 0)
    if other.empty or not before:
        return "—"
    return f"{percent(value, before)}%"


def signed(value: int) -> str:
    return f"+{value}" if value > 0 else ("±0" if value == 0 else str(value))


# How far the main report lists before it rolls up (the full lists are the appendix's).
PLACES_IN_FULL = 30  # a visit table up to this many places is printed whole
PLACES_ROLLED_UP = 15  # else the most visited and 「ほかNか所」
ITEMS_LISTED = 12  # dated events, programmes, publications
TOPICS_LISTED = 10  # topics per consulter type in a summarised 内容 cell
TOPIC_TEXT_MAX = 320  # characters of a 内容 cell printed whole (the seed's longest is shorter)
BODIES_LISTED = 8


# --- the sections -----------------------------------------------------------------------------


def _summary(f: ReportFigures) -> Section:
    values = f.key_values()
    rows: list[list[Cell]] = [[label, values[key], unit] for key, label, unit in KEY_FIGURES]
    return Section(
        "summary",
        "主な数字",
        "概要",
        [Table(["項目", "件数など", "単位"], rows, widths=[5, 2, 1.2])],
    )


def _visits(f: ReportFigures) -> Section:
    v = f.visits
    blocks: list[Block] = [Para(f"延べ{count(v.total)}件(実{count(v.distinct)}件)", "figure")]
    if v.total:
        blocks.append(
            Para(
                "住民主体のサロン、趣味活動、体験教室等の高齢者が集まる場や主に高齢者を対象とした"
                "ボランティア団体の活動を中心に訪問した。"
                f"総時間{'' if v.hours_exact else '約'}{count(v.hours)}時間"
                f"(1件あたり平均約{v.average_minutes}分訪問)"
            )
        )
        if v.timed < v.total:
            blocks.append(
                Para(
                    f"※時間は開始・終了時刻を記録した{v.timed}件から計算"
                    f"（記録のない訪問{v.total - v.timed}件を除く）。",
                    "note",
                )
            )
        blocks.append(Para("＜主な訪問先＞", "label"))
        blocks.append(Para("、".join(p.display for p in v.main_places)))
        columns = ["訪問先", "町", "訪問回数", "時間（分）"]
        rows: list[list[Cell]] = [[p.name, p.town, p.visits, p.minutes] for p in v.places]
        rows.append(["合計", "", v.total, v.minutes])
        caption = f"訪問先別の回数（{v.distinct}か所）"
        if len(v.places) <= PLACES_IN_FULL:
            blocks.append(
                Table(columns, rows, caption=caption, widths=[5, 2, 1.4, 1.4], total_row=True)
            )
        else:
            # The most visited places, the rest in one line; the full list in the appendix.
            top = v.places[:PLACES_ROLLED_UP]
            rest = v.places[PLACES_ROLLED_UP:]
            main: list[list[Cell]] = [[p.name, p.town, p.visits, p.minutes] for p in top]
            main.append(
                [
                    f"ほか{count(len(rest))}か所",
                    "",
                    sum(p.visits for p in rest),
                    sum(p.minutes for p in rest),
                ]
            )
            main.append(["合計", "", v.total, v.minutes])
            blocks.append(
                Table(
                    columns,
                    main,
                    caption=f"訪問の多い訪問先（上位{len(top)}か所、全{count(v.distinct)}か所の"
                    "一覧は付録とExcel）",
                    widths=[5, 2, 1.4, 1.4],
                    total_row=True,
                )
            )
            blocks.append(
                Table(
                    columns,
                    rows,
                    caption=caption,
                    widths=[5, 2, 1.4, 1.4],
                    total_row=True,
                    detail=True,
                )
            )
    else:
        blocks.append(Para("この期間の訪問の記録はありません。", "note"))
    return Section(
        "visits",
        "高齢者向けサロン等の訪問による高齢者のニーズおよび社会資源の把握",
        "(1)訪問",
        blocks,
        "(1)",
    )


def _support(f: ReportFigures) -> Section:
    c, r = f.consultations, f.referrals
    blocks: list[Block] = [
        Para(
            "高齢者本人・家族・ケアマネジャー・民生委員からの相談 "
            f"延べ{count(c.support_needs)}件"
            f"（{c.support_center_label}につないだ相談は、全体で{count(c.referred_to_support_center)}件）",
            "figure",
        ),
        Para("＜個別ケースのつなぎ＞", "label"),
        Para(
            f"この期間に受け付けた個別ケース{r.cases}件、新たなつなぎ{r.new}件、"
            f"期間中に動きのあったつなぎ{r.active}件、終了・中断{r.closed}件。"
        ),
    ]
    if r.by_status:
        blocks.append(
            Table(
                ["つなぎの状態（期間末）", "件数"],
                [[s.label, s.count] for s in r.by_status],
                caption="状態別",
                widths=[5, 2],
            )
        )
    if r.by_outcome:
        blocks.append(
            Table(
                ["終了・中断したつなぎの結果", "件数"],
                [[s.label, s.count] for s in r.by_outcome],
                caption="結果別",
                widths=[5, 2],
            )
        )
    if not f.stories:
        blocks.append(Para("この報告書に載せる事例は選ばれていません。", "note"))
    return Section(
        "support",
        f"支援を必要とする人への社会資源の紹介(相談対応) 延べ{count(c.support_needs)}件",
        "(2)社会資源の紹介",
        blocks,
        "(2)",
    )


def _activity_consultations(f: ReportFigures) -> Section:
    c = f.consultations
    rows = [r for r in c.rows if r.code in ACTIVITY_TYPES]
    blocks: list[Block] = [
        Para(
            f"地域活動者・福祉施設・事業所・その他関係機関等からの相談 延べ{count(c.activity_related)}件",
            "figure",
        )
    ]
    if rows:
        blocks.append(Items([f"{r.label} {count(r.count)}件" for r in rows]))
    return Section(
        "activity_consultations",
        "すでに活動している人や高齢者向けの活動を検討している人からの相談 "
        f"延べ{count(c.activity_related)}件",
        "(3)活動者からの相談",
        blocks,
        "(3)",
    )


# Consulter types counted in section (3) (the rest are section (2)).
ACTIVITY_TYPES = ("activist", "facility", "other_body")


def _meetings(f: ReportFigures) -> Section:
    m = f.meetings
    blocks: list[Block] = []
    if m.rows:
        blocks.append(Items([f"{r.label}への参加 {count(r.count)}件" for r in m.rows]))
        examples = [e for r in m.rows for e in r.examples][:ITEMS_LISTED]
        if examples:
            blocks.append(Para("＜具体例＞", "label"))
            blocks.append(Para("\n".join(examples) + " など"))
        blocks.append(
            Table(
                ["会議の種類", "件数"],
                [*[[r.label, r.count] for r in m.rows], ["合計", m.total]],
                widths=[5, 2],
                total_row=True,
                detail=True,
            )
        )
    else:
        blocks.append(Para("この期間の会議の記録はありません。", "note"))
    return Section(
        "meetings",
        f"地域住民および関係団体等との話し合いへの参加 {count(m.total)}件",
        "(4)話し合い",
        blocks,
        "(4)",
    )


def _programmes(f: ReportFigures) -> Section:
    m = f.meetings
    blocks: list[Block] = []
    if m.programmes:
        shown = m.programmes[:ITEMS_LISTED]
        blocks.append(
            Items(
                [f"{p.title}への参加" + (f"（{p.count}回）" if p.count > 1 else "") for p in shown]
            )
        )
        if len(m.programmes) > len(shown):
            rest = m.programmes[len(shown) :]
            blocks.append(
                Para(
                    f"ほか{count(len(rest))}件（{count(sum(p.count for p in rest))}回）"
                    "（一覧は付録とExcel）",
                    "note",
                )
            )
        blocks.append(
            Table(
                ["事業・会議", "回数", "初回", "最終回"],
                [[p.title, p.count, p.first, p.last] for p in m.programmes],
                widths=[5, 1.2, 2.6, 2.6],
                detail=True,
            )
        )
    else:
        blocks.append(Para("この期間の記録はありません。", "note"))
    return Section(
        "programmes", "既存の事業の見直しや新規事業の検討への参加", "(5)事業の検討", blocks, "(5)"
    )


def _publications(f: ReportFigures) -> Section:
    blocks: list[Block] = []
    publications = f.others.publications
    for pub in publications[:ITEMS_LISTED]:
        blocks.append(Para(f"{pub.title}の作成、配布"))
        run = f"1回{pub.copies_per_issue}部発行" if pub.copies_per_issue else ""
        schedule = pub.schedule
        detail = (
            "".join([run, f"({schedule})" if schedule and run else schedule])
            or f"{len(pub.issues)}回発行"
        )
        blocks.append(
            Para(
                f"※{detail}（期間中{count(len(pub.issues))}回、計{count(pub.copies_total)}部）",
                "note",
            )
        )
        if pub.distribution:
            blocks.append(Para("＜主な配布先＞", "label"))
            blocks.append(Para(pub.distribution))
        blocks.append(
            Table(
                ["発行日", "誌名", "部数"],
                [[d, pub.title, n] for d, n in zip(pub.issues, pub.copies, strict=True)],
                caption=f"発行の記録（{pub.title}）",
                widths=[3, 5, 1.4],
                detail=True,
            )
        )
    if len(publications) > ITEMS_LISTED:
        rest = publications[ITEMS_LISTED:]
        blocks.append(
            Para(
                f"ほか{count(len(rest))}誌（{count(sum(len(p.issues) for p in rest))}回発行）"
                "（一覧は付録とExcel）",
                "note",
            )
        )
    if not publications:
        blocks.append(Para("この期間の広報誌の発行はありません。", "note"))
    return Section("publications", "その他（広報誌の作成・配布）", "(6)広報誌", blocks, "(6)")


def _dated_section(
    f: ReportFigures, key: str, number: str, title: str, sheet: str, people: str
) -> Section:
    entries: list[DatedEntry] = getattr(f.others, key)
    blocks: list[Block] = []
    if entries and len(entries) <= ITEMS_LISTED:
        blocks.append(Items([dated(e, with_people=people) for e in entries]))
    elif entries:
        # Many events: one line per name (a training series, a visiting body) with how often
        # and how many took part; the dated list in the appendix.
        series = series_of(entries)
        shown = series[:ITEMS_LISTED]
        blocks.append(
            Para(
                f"{count(f.others.events(key))}回（記録{count(f.others.total(key))}件）。"
                "名称ごとにまとめています（日付ごとの一覧は付録とExcel）。",
                "note",
            )
        )
        blocks.append(Items([series_text(s, people) for s in shown]))
        if len(series) > len(shown):
            rest = series[len(shown) :]
            blocks.append(
                Para(f"ほか{count(len(rest))}件（{count(sum(s.events for s in rest))}回）", "note")
            )
    if f.others.unlisted(key):
        blocks.append(
            Para(
                f"ほか{count(f.others.unlisted(key))}回（一覧は最初の{count(len(entries))}回まで）",
                "note",
            )
        )
    if entries:
        columns: list[tuple[str, float, object]] = [
            ("日付", 3, lambda e: e.date),
            ("終了日", 3, lambda e: e.end_date),
            ("名称", 5, lambda e: e.title),
            ("相手先・主催", 3, lambda e: e.counterpart),
            ("人数", 1.1, lambda e: e.head_count),
            ("コーディネーター数", 2, lambda e: e.records if e.records > 1 else None),
        ]
        # Leave out columns no entry fills (終了日 of one-day events, 人数 of trainings).
        used = [c for c in columns if any(c[2](e) not in (None, "") for e in entries)]
        blocks.append(
            Table(
                [c[0] for c in used],
                [[c[2](e) for c in used] for e in entries],
                widths=[c[1] for c in used],
                detail=True,
            )
        )
    else:
        blocks.append(Para("この期間の記録はありません。", "note"))
    return Section(key, title, sheet, blocks, number)


_QUOTED = re.compile(r"(\d[\d,]*)\s*(件|か所|時間)")


def stale_numbers(text: str, then: dict[str, int], now: dict[str, int]) -> list[str]:
    """The numbers a text quotes that were a key figure when it was written and that figure
    has changed since: 「総時間86時間」 written when the visits came to 86 hours reads
    「86時間（訪問の総時間）: 書いた時点は86時間、現在は90時間」. A number counts as quoted
    only with its figure's unit, and only if no figure of that unit still has that value."""
    if not then:
        return []
    found: list[str] = []
    for match in _QUOTED.finditer(text):
        value, unit = int(match.group(1).replace(",", "")), match.group(2)
        keys = [key for key, _, u in KEY_FIGURES if u == unit and then.get(key) == value]
        if not keys or any(now.get(key) == value for key, _, u in KEY_FIGURES if u == unit):
            continue
        labels = {key: label for key, label, _ in KEY_FIGURES}
        for key in keys:
            note = (
                f"「{match.group(0)}」（{labels[key]}）: 書いた時点は{count(value)}{unit}、"
                f"現在は{count(now.get(key, 0))}{unit}"
            )
            if note not in found:
                found.append(note)
    return found


def _text_blocks(f: ReportFigures, section: str) -> list[Block]:
    """A written section's paragraphs and, when numbers it quotes no longer match the records,
    a notice saying which."""
    text = f.texts.get(section, "").strip()
    blocks: list[Block] = [Para(p) for p in text.split("\n") if p.strip()]
    stale = stale_numbers(text, f.text_figures.get(section, {}), f.key_values())
    if stale:
        blocks.append(
            Para(
                "※本文の数字が現在の集計と合いません（記録が変わりました。本文を見直してください）: "
                + "／".join(stale),
                "alert",
            )
        )
    return blocks


def _texts(f: ReportFigures) -> Section:
    blocks: list[Block] = []
    for section, label in ((TextSection.ACHIEVEMENTS, "成果"), (TextSection.CHALLENGES, "課題")):
        blocks.append(Para(f"＜{label}＞", "label"))
        text = f.texts.get(section, "").strip()
        if text:
            blocks.extend(_text_blocks(f, section))
        else:
            blocks.append(Para("（まだ書かれていません）", "note"))
    return Section("texts", "活動の成果と課題", "(11)成果と課題", blocks, "(11)")


def _consultation_table(f: ReportFigures) -> Section:
    c = f.consultations
    blocks: list[Block] = [
        Para(f"【参考】{f.period.label}相談対応件数 合計{count(c.total)}件", "figure"),
        Para(f"(来所及び電話{count(c.office)}件：それ以外{count(c.other)}件)"),
    ]
    if c.rows:
        columns = ["相談者", "相談件数", "割合（%）", "内容"]
        rows: list[list[Cell]] = [
            [r.label, r.count, c.share(r), topic_text(r, c.support_center_label)] for r in c.rows
        ]
        rows.append(["合計", c.total, percent(c.total, c.total), ""])
        long_rows = any(len(str(row[3])) > TOPIC_TEXT_MAX for row in rows[:-1])
        main = rows
        if long_rows:
            main = [
                [r.label, r.count, c.share(r), topic_summary(r, c.support_center_label)]
                for r in c.rows
            ]
            main.append(rows[-1])
        blocks.append(
            Table(
                columns,
                main,
                caption="相談者別の件数と内容"
                + (
                    f"（内容は多い順に{TOPICS_LISTED}項目まで、全項目は付録とExcel）"
                    if long_rows
                    else ""
                ),
                widths=[2.4, 1.5, 1.4, 8.7],
                total_row=True,
            )
        )
        if long_rows:
            blocks.append(
                Table(
                    columns,
                    rows,
                    caption="相談者別の件数と内容（全項目）",
                    widths=[2.4, 1.5, 1.4, 8.7],
                    total_row=True,
                    detail=True,
                )
            )
        blocks.append(Pie("《相談者別の割合》", [(r.label, r.count) for r in c.rows]))
        if c.destinations:
            blocks.append(
                Table(
                    ["つないだ先", "件数"],
                    [[d.label, d.count] for d in c.destinations],
                    caption="相談をつないだ先",
                    widths=[5, 2],
                )
            )
    else:
        blocks.append(Para("この期間の相談の記録はありません。", "note"))
    return Section("consultation_table", "相談対応件数と相談者別割合", "相談者別割合", blocks)


def _comparisons(f: ReportFigures) -> list[Section]:
    sections: list[Section] = []
    current = f.key_values()
    if f.previous is not None:
        compared = [f.previous] + ([f.previous_year] if f.previous_year is not None else [])
        columns = ["項目", f.period.label, f.previous.label, "増減"]
        widths = [4.6, 2.1, 2.1, 1.3]
        if f.previous_year is not None:
            columns += [f"{f.previous_year.label}（前年同期）", "増減", "前年同期比"]
            widths += [2.3, 1.3, 1.6]
        rows: list[list[Cell]] = []
        for key, label, unit in KEY_FIGURES:
            row: list[Cell] = [label, current[key]]
            for other in compared:
                row.extend(compared_cells(current[key], other, key))
            if f.previous_year is not None:
                row.append(ratio(current[key], f.previous_year, key))
            rows.append([*row, unit])
        title = f"前期（{f.previous.label}）との比較"
        if f.previous_year is not None:
            title = f"前期（{f.previous.label}）・前年同期（{f.previous_year.label}）との比較"
        blocks: list[Block] = [Table([*columns, "単位"], rows, widths=[*widths, 1])]
        empty = [c.label for c in compared if c.empty]
        if empty:
            blocks.append(
                Para(
                    f"{'・'.join(empty)}は記録がないため「記録なし」とし、増減を出していません。",
                    "note",
                )
            )
        sections.append(Section("previous", title, "前期との比較", blocks))
    if f.areas:
        columns = ["項目", *[a.label for a in f.areas], "単位"]
        rows = [
            [label, *[a.values.get(key, 0) for a in f.areas], unit]
            for key, label, unit in KEY_FIGURES
        ]
        sections.append(
            Section(
                "areas",
                "圏域別の比較",
                "圏域別の比較",
                [
                    Para(
                        "圏域の記録がある活動だけを圏域ごとに数えています（市全域の活動は含みません）。",
                        "note",
                    ),
                    Table(columns, rows, widths=[3.8, *[1.7] * len(f.areas), 0.9]),
                ],
            )
        )
    return sections


def _trends(f: ReportFigures) -> list[Section]:
    from sasaeai.activities.counting import MONTHLY_FIGURES

    sections: list[Section] = []
    if f.monthly:
        categories = [month_label(m.month, f.monthly[0].month) for m in f.monthly]
        rows: list[list[Cell]] = [
            [label, *[m.values[key] for m in f.monthly], sum(m.values[key] for m in f.monthly)]
            for key, label in MONTHLY_FIGURES
        ]
        first, last = f.monthly[0].month, f.monthly[-1].month
        span = f"{month_label(first, first)}〜{month_label(last, last)}"
        sections.append(
            Section(
                "trends",
                "月別の推移",
                "月別の推移",
                [
                    Table(
                        ["項目", *[f"{m.month.month}月" for m in f.monthly], "合計"],
                        rows,
                        caption=f"月別の件数（{span}）",
                        widths=[3.2, *[1] * len(f.monthly), 1.3],
                    ),
                    Bars(
                        "《月別の件数》",
                        categories,
                        [
                            (label, [m.values[key] for m in f.monthly])
                            for key, label in MONTHLY_FIGURES
                        ],
                    ),
                ],
            )
        )
    if f.tiers:
        rows = [
            [label, *[t.values.get(key, 0) for t in f.tiers], unit]
            for key, label, unit in KEY_FIGURES
        ]
        sections.append(
            Section(
                "tiers",
                "層別の内訳",
                "層別の内訳",
                [
                    Table(
                        ["項目", *[t.label for t in f.tiers], "単位"],
                        rows,
                        widths=[5, *[2] * len(f.tiers), 1],
                    ),
                    Para(
                        "記録したときのコーディネーターの層で数えています（後の異動で過去の数は変わりません）。",
                        "note",
                    ),
                ],
            )
        )
    return sections


def _indicators(f: ReportFigures) -> list[Section]:
    if not f.indicators:
        return []
    documents: list[str] = []
    for i in f.indicators:
        if i.document not in documents:
            documents.append(i.document)
    rows: list[list[Cell]] = [
        [
            i.name,
            i.shown,
            i.unit,
            i.reason if i.status else i.rule,
            f"[{documents.index(i.document) + 1}] {i.item}",
        ]
        for i in f.indicators
    ]
    return [
        Section(
            "indicators",
            "国・都道府県への報告に使う指標",
            "国への報告指標",
            [
                Para(
                    "記録から数えられる指標と、その数え方・出典（資料と項目）です。"
                    "「未集計」は必要なデータをまだ持っていないもの、「公式の文言未確認」は"
                    "出典の項目の文言を確認できていないもので、どちらも値を載せていません。",
                    "note",
                ),
                Table(
                    ["指標", "値", "単位", "数え方（未集計の理由）", "出典の項目"],
                    rows,
                    widths=[3.4, 1.7, 0.9, 5, 3.6],
                ),
                Para("出典の資料", "label"),
                Items([f"[{n}] {d}" for n, d in enumerate(documents, start=1)]),
            ],
        )
    ]


def month_label(month: dt.date, first: dt.date) -> str:
    """4月 … 3月; with the era year at the first month and at each January (令和2年1月)."""
    if month == first or month.month == 1:
        return f"{era_date(month, weekday=False).split('月')[0]}月"
    return f"{month.month}月"


AUTOMATIC_NOTES = [
    "延べ件数は訪問の回数、実件数は訪問先（社会資源、または社会資源に登録のない訪問先の名称）の数です。",
    "総時間と1件あたりの平均は、開始・終了時刻を記録した訪問から計算し、"
    "平均は分単位で四捨五入しています。",
    "相談内容は1件の相談に複数選べるため、内容別の件数の合計は相談件数と一致しないことがあります。",
    "「来所・電話」は相談の方法が来所または電話のもの、「それ以外」は訪問先・出先、メール・FAX などです。",
    "(2) は高齢者（本人）・家族・ケアマネジャー・民生委員からの相談、(3) は地域活動者・"
    "福祉施設・事業所・その他関係機関等からの相談です。",
    "(4) は地域ケア会議（事前打ち合わせ・反省会を含む）など地域の話し合いへの参加、(5) は"
    "庁内会議として記録した事業の検討への参加です。",
    "個人を特定できる情報は載せていません。事例は匿名化し、確認を経て公開されたものだけを載せています。",
]


def _notes(f: ReportFigures) -> Section:
    blocks: list[Block] = [Items(AUTOMATIC_NOTES)]
    text = f.texts.get(TextSection.NOTES, "").strip()
    if text:
        blocks.append(Para("＜この報告書についての注記＞", "label"))
        blocks.extend(_text_blocks(f, TextSection.NOTES))
    return Section("notes", "集計についての注記", "注記", blocks)


def appendix_build(f: ReportFigures) -> Document:
    """The appendix: the full lists the main report rolls up (every place visited, every
    dated event, every issue, every topic), section by section, for whoever checks a figure."""
    main = document_build(f)
    sections = []
    for section in main.sections:
        tables = [
            replace(b, detail=False) for b in section.blocks if isinstance(b, Table) and b.detail
        ]
        if tables:
            sections.append(replace(section, blocks=list(tables)))
    if not sections:
        sections.append(
            Section(
                "appendix",
                "付録",
                "付録",
                [Para("本文に載せきれなかった一覧はありません。", "note")],
            )
        )
    return Document(f"{f.title} 付録（一覧）", main.lines, sections)


def _story_blocks(story) -> list[Block]:
    blocks: list[Block] = [
        Para(f"＜{story.title}＞", "label"),
        Para(f"{story.profile}（{story.area}）", "note"),
        Para("【相談内容】", "label"),
        Para(story.consultation),
        Para("【対応】", "label"),
        Para(story.response),
    ]
    if story.outcome:
        blocks += [Para("【その後】", "label"), Para(story.outcome)]
    return blocks


def _placed(f: ReportFigures, section: Section) -> None:
    """Adds what the coordinator placed in a section: its case stories, photos (each with
    its caption) and footnotes (※…), in that order, after the counted blocks."""
    for story in f.stories:
        if story.section == section.key:
            section.blocks.extend(_story_blocks(story))
    for photo in f.photos:
        if photo.section == section.key:
            section.blocks.append(
                Photo(
                    photo.data,
                    photo.caption,
                    photo.width,
                    photo.height,
                    photo.report_id,
                    photo.photo_id,
                )
            )
    if section.key in FOOTNOTE_SECTIONS:
        text = f.texts.get(f"{FOOTNOTE_PREFIX}{section.key}", "").strip()
        section.blocks.extend(
            Para(line.strip(), "note") for line in text.split("\n") if line.strip()
        )


def _opening(f: ReportFigures) -> list[Section]:
    """The seed's 1 生活支援コーディネーターとは and 2 活動内容, when written (the
    municipality's wording or the report's own)."""
    sections = []
    for key, sheet in ((TextSection.INTRODUCTION, "はじめに"), (TextSection.OUTLINE, "活動内容")):
        text = f.texts.get(key, "").strip()
        if not text:
            continue
        blocks: list[Block] = []
        bullets = [line.strip() for line in text.split("\n") if line.strip()]
        if all(_ITEM.match(line) for line in bullets):
            blocks.append(Items([_ITEM.sub("", line, count=1) for line in bullets]))
        else:
            blocks.extend(Para(line) for line in bullets)
        sections.append(Section(key, TextSection(key).label, sheet, blocks))
    return sections


# A line written as a list item (「- (1) …」 or 「・…」) is printed as one.
_ITEM = re.compile(r"^[-・•]\s*")


def document_build(f: ReportFigures) -> Document:
    lines = [
        f"範囲: {f.scope_label}",
        f"期間: {era_date(f.period.start, weekday=False)}〜{era_date(f.period.end, weekday=False)}",
    ]
    department = f.texts.get(TextSection.DEPARTMENT, "").strip()
    if department:
        lines.insert(0, " ".join(department.split()))
    if f.placement_line:
        lines.append(f"コーディネーターの担当圏域（期間中）: {f.placement_line}")
    if f.generated_at is not None:
        lines.append(f"作成: {era_date(f.generated_at, weekday=False)} {f.generated_at:%H:%M}")
    sections = [
        *_opening(f),
        _summary(f),
        _visits(f),
        _support(f),
        _activity_consultations(f),
        _meetings(f),
        _programmes(f),
        _publications(f),
        _dated_section(
            f,
            "preparations",
            "(7)",
            "体制づくりの検討・勉強会の開催",
            "(7)体制づくり",
            "({n}名出席)",
        ),
        _dated_section(f, "trainings", "(8)", "研修・セミナー等への出席", "(8)研修", ""),
        _dated_section(f, "lectures", "(9)", "活動報告等の講演", "(9)講演", "({n}名)"),
        _dated_section(f, "visitors", "(10)", "視察対応", "(10)視察対応", "({n}名)"),
        _texts(f),
        _consultation_table(f),
        *_comparisons(f),
        *_trends(f),
        *_indicators(f),
        _notes(f),
    ]
    for section in sections:
        _placed(f, section)
    return Document(f.title, lines, sections)
