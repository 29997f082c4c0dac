"""The MHLW 通いの場 survey for one fiscal year, in the shape of 「介護予防・日常生活支援総合事業等
（地域支援事業）の実施状況に関する調査」's section on 介護予防に資する住民主体の通いの場 (see
docs/participation.md for what was followed and what was not found).

1. A place counts when it is an active service with an activity the survey classifies (the
   category's 全国調査での区分: 体操（運動）, 会食, 茶話会, 認知症予防, 趣味活動 …) and its schedules
   meet at least monthly (`frequency`): the survey counts places meeting at least once a month.
2. Its main activity is its first such category in the taxonomy's order; its operator is the
   organisation's 運営主体の種別, its venue the location's 場所の種別 (「未設定」 when not set).
   The survey's subject is 介護予防に資する住民主体の通いの場: a place is 住民主体 when run by
   住民個人 or 住民団体 (RESIDENT_OPERATORS), or when staff record that residents run it with
   others (the survey's typology counts a place run by others where residents take the lead);
   介護予防に資する is the municipality's judgement, by default a surveyed activity. Staff's
   `SurveyJudgement` of a place overrides either default. Places counted but not 住民主体 are
   kept and shown apart, so that the totals of both are visible.
3. Participants are the place's record for March of the fiscal year (the survey's 「可能ならば
   3月時点」), else its latest month in the year; places without a record count as places with
   no participants known (shown apart).
4. The figures go to an Excel workbook: counts of places and participants (実人数, of which 65+)
   by main activity, operator, venue and frequency bin, and the list of places counted."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from sasaeai.core.eras import era_year
from sasaeai.core.exports import formula_safe
from sasaeai.org.models import Municipality
from sasaeai.resources.models import Category, Service

from . import frequency
from .models import ParticipationRecord, PopulationDataset, SurveyJudgement

COUNTED_BINS = (frequency.WEEKLY, frequency.TWICE_MONTHLY, frequency.MONTHLY)
UNSET = "未設定"
RESIDENT_OPERATORS = ("op-resident", "op-resident-group")
RESIDENT_LED = "住民主体"
NOT_RESIDENT_LED = "住民主体以外"
RESIDENT_UNKNOWN = "運営主体が未設定"


@dataclass
class SurveyPlace:
    name: str
    activity: str
    operator: str
    venue: str
    frequency: str
    participants: int | None
    aged_65_plus: int | None
    month: dt.date | None
    resident_led: str = RESIDENT_UNKNOWN
    basis: str = ""
    service_id: int | None = None


@dataclass
class SurveyFigures:
    municipality: Municipality
    fiscal_year: int
    places: list[SurveyPlace] = field(default_factory=list)
    residents_65_plus: int | None = None
    population_as_of: dt.date | None = None

    def breakdown(self, attribute: str, order: list[str]) -> list[tuple[str, int, int, int]]:
        """(label, places, participants, of which 65+) for each value, in the survey's order."""
        rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for place in self.places:
            row = rows[getattr(place, attribute)]
            row[0] += 1
            row[1] += place.participants or 0
            row[2] += place.aged_65_plus or 0
        labels = [label for label in order if label in rows or attribute != "frequency"]
        labels += [label for label in rows if label not in labels]
        return [(label, *rows.get(label, [0, 0, 0])) for label in labels]

    @property
    def resident_led_places(self) -> list[SurveyPlace]:
        """The survey's subject: the places counted that are 住民主体."""
        return [p for p in self.places if p.resident_led == RESIDENT_LED]

    @property
    def participants(self) -> int:
        return sum(p.participants or 0 for p in self.places)

    @property
    def participants_65_plus(self) -> int:
        return sum(p.aged_65_plus or 0 for p in self.places)

    @property
    def participation_rate(self) -> float | None:
        if not self.residents_65_plus:
            return None
        return self.participants_65_plus / self.residents_65_plus


def _label(category: Category | None) -> str:
    if category is None:
        return UNSET
    return category.survey_label or category.name


def _resident_led(operator: Category | None, judgement) -> tuple[str, str]:
    """(住民主体 / 住民主体以外 / 運営主体が未設定, why)."""
    if judgement is not None and judgement.resident_led is not None:
        return (
            RESIDENT_LED if judgement.resident_led else NOT_RESIDENT_LED,
            "職員の判断" + (f"（{judgement.note}）" if judgement.note else ""),
        )
    if operator is None:
        return RESIDENT_UNKNOWN, "運営主体の種別が未設定"
    if operator.code in RESIDENT_OPERATORS:
        return RESIDENT_LED, f"運営主体: {operator.name}"
    return NOT_RESIDENT_LED, f"運営主体: {operator.name}"


def survey_figures(*, municipality: Municipality, fiscal_year: int) -> SurveyFigures:
    start, end = dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)
    services = (
        Service.objects.filter(municipality=municipality, status=Service.Status.ACTIVE)
        .select_related("organization__operator_type", "location__place_type")
        .prefetch_related("categories__parent", "schedules")
        .order_by("name_kana", "name")
    )
    records: dict[int, ParticipationRecord] = {}
    for record in ParticipationRecord.objects.filter(
        municipality=municipality, month__gte=start, month__lte=end
    ).order_by("month"):
        records[record.service_id] = record  # the latest month wins; March is the last
    figures = SurveyFigures(municipality=municipality, fiscal_year=fiscal_year)
    judgements = {
        j.service_id: j for j in SurveyJudgement.objects.filter(service__municipality=municipality)
    }
    for service in services:
        surveyed = sorted(
            (
                c.parent if c.parent_id and not c.survey_label else c
                for c in service.categories.all()
            ),
            key=lambda c: (c.order, c.pk),
        )
        surveyed = [c for c in surveyed if c.survey_label]
        judgement = judgements.get(service.pk)
        prevention = judgement.prevention if judgement else None
        if prevention is False or (prevention is None and not surveyed):
            continue  # not judged 介護予防に資する (by staff, or no surveyed activity)
        schedules = [s for s in service.schedules.all() if frequency.schedule_in_effect(s, end)]
        bin_ = frequency.frequency_bin(schedules)
        if bin_ not in COUNTED_BINS:
            continue
        operator = service.organization.operator_type if service.organization else None
        resident_led, basis = _resident_led(operator, judgement)
        record = records.get(service.pk)
        figures.places.append(
            SurveyPlace(
                name=service.name,
                activity=surveyed[0].survey_label if surveyed else UNSET,
                operator=_label(operator),
                venue=_label(service.location.place_type if service.location else None),
                frequency=frequency.BIN_LABELS[bin_],
                participants=record.participants if record else None,
                aged_65_plus=record.aged_65_plus if record else None,
                month=record.month if record else None,
                resident_led=resident_led,
                basis=basis,
                service_id=service.pk,
            )
        )
    dataset = (
        PopulationDataset.objects.filter(municipality=municipality, as_of__lte=end)
        .order_by("-as_of")
        .first()
    )
    if dataset is not None:
        from django.db.models import Sum

        figures.residents_65_plus = (
            dataset.counts.filter(age_from__gte=65).aggregate(n=Sum("count"))["n"] or 0
        )
        figures.population_as_of = dataset.as_of
    return figures


def _order(axis: str) -> list[str]:
    categories = Category.objects.filter(axis=axis, parent__isnull=True, municipality__isnull=True)
    if axis == Category.Axis.ACTIVITY:
        return [c.survey_label for c in categories.exclude(survey_label="").order_by("order")]
    return [_label(c) for c in categories.order_by("order")] + [UNSET]


def survey_workbook(figures: SurveyFigures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "通いの場の状況"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    year = figures.fiscal_year
    sheet.append(
        [
            f"介護予防に資する住民主体の通いの場の展開状況（{era_year(dt.date(year, 4, 1), prefer_end=True)}度・{year}年度）"
        ]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [formula_safe(f"市区町村: {figures.municipality.name}（{figures.municipality.code}）")]
    )
    sheet.append(
        [
            "月1回以上開催している通いの場を活動会場ごとに計上。参加者は3月（記録がなければ年度内の最新の月）の実人数。"
        ]
    )
    sheet.append([])
    resident = figures.resident_led_places
    sheet.append(["通いの場の数", len(figures.places)])
    sheet.append(
        [
            "うち住民主体",
            len(resident),
            "運営主体が住民個人・住民団体、または職員が住民主体と判断したもの",
        ]
    )
    sheet.append(["参加者実人数", figures.participants])
    sheet.append(["うち住民主体の通いの場の参加者", sum(p.participants or 0 for p in resident)])
    sheet.append(["うち65歳以上", figures.participants_65_plus])
    if figures.residents_65_plus is not None:
        sheet.append(["65歳以上人口", figures.residents_65_plus, f"{figures.population_as_of}現在"])
        rate = figures.participation_rate
        sheet.append(
            [
                "参加率（65歳以上人口に対する割合）",
                round(rate * 100, 1) if rate is not None else "",
                "%",
            ]
        )
    else:
        sheet.append(["65歳以上人口", "未取込", "町丁別年齢別人口を取り込むと計算します"])
    unknown = sum(1 for p in figures.places if p.participants is None)
    if unknown:
        sheet.append(["参加者数の記録がない通いの場", unknown])
    sections = [
        ("（1）主な活動内容別", "activity", _order(Category.Axis.ACTIVITY)),
        ("（2）主な運営主体別", "operator", _order(Category.Axis.OPERATOR)),
        ("（3）主な活動場所別", "venue", _order(Category.Axis.PLACE)),
        ("（4）開催頻度別", "frequency", [label for _, label in frequency.BINS[:3]]),
        (
            "（5）住民主体かどうか",
            "resident_led",
            [RESIDENT_LED, NOT_RESIDENT_LED, RESIDENT_UNKNOWN],
        ),
    ]
    for title, attribute, order in sections:
        sheet.append([])
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(["区分", "箇所数", "参加者実人数", "うち65歳以上"])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = bold, header_fill
        for label, places, people, aged in figures.breakdown(attribute, order):
            sheet.append([formula_safe(label), places, people, aged])
        sheet.append(
            ["合計", len(figures.places), figures.participants, figures.participants_65_plus]
        )
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.column_dimensions["A"].width = 40
    for column in "BCD":
        sheet.column_dimensions[column].width = 16
    places = book.create_sheet("通いの場一覧")
    places.append(
        [
            "名称",
            "主な活動内容",
            "運営主体",
            "活動場所",
            "開催頻度",
            "住民主体",
            "住民主体の判断の根拠",
            "参加者実人数",
            "うち65歳以上",
            "参加者数の月",
        ]
    )
    for cell in places[1]:
        cell.font, cell.fill = bold, header_fill
        cell.alignment = Alignment(wrap_text=True)
    for place in figures.places:
        places.append(
            [
                formula_safe(place.name),
                formula_safe(place.activity),
                formula_safe(place.operator),
                formula_safe(place.venue),
                place.frequency,
                place.resident_led,
                formula_safe(place.basis),
                place.participants if place.participants is not None else "記録なし",
                place.aged_65_plus if place.aged_65_plus is not None else "記録なし",
                f"{place.month:%Y-%m}" if place.month else "",
            ]
        )
    places.column_dimensions["A"].width = 36
    for column in "BCDEFG":
        places.column_dimensions[column].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
