"""The indicators a municipality reports upward each fiscal year, as far as Sasaeai's records
answer them. Each carries how it is counted (which records, which rule) and its source: the
document and the item, as found in the published material. Where the official wording of an
item was not found, the row says so and shows no value (never an invented item); what needs
data Sasaeai does not hold is 「未集計」 with the reason: the 通いの場 items are counted from the
participation app once the fiscal year has participation records (and, for the rate, a
population imported)."""

from __future__ import annotations

from dataclasses import dataclass

from sasaeai.activities import counting
from sasaeai.activities.counting import Scope
from sasaeai.core.periods import Period

NOT_COUNTED = "未集計"
WORDING_NOT_FOUND = "公式の文言未確認"

SURVEY_SUPPORT = (
    "介護予防・日常生活支援総合事業及び生活支援体制整備事業の実施状況に関する調査研究事業"
    "（令和元年度 老人保健健康増進等事業、厚生労働省補助）"
)
SURVEY_COMPREHENSIVE = (
    "介護予防・日常生活支援総合事業等（地域支援事業）の実施状況に関する調査（厚生労働省）"
)
GRANT_INDICATORS = (
    "保険者機能強化推進交付金・介護保険保険者努力支援交付金に係る評価指標（市町村分）（令和7年度）"
)


@dataclass(frozen=True)
class Indicator:
    name: str
    value: int | float | None
    unit: str
    rule: str  # which records, which rule
    document: str
    item: str
    status: str = ""  # "" (counted) | 未集計 | 公式の文言未確認
    reason: str = ""

    @property
    def shown(self) -> int | str:
        return self.value if self.value is not None and not self.status else self.status


def indicators_build(period: Period, scope: Scope) -> list[Indicator]:
    coordinators = counting.coordinators_by_tier(period, scope)
    councils = counting.council_meetings(period, scope)
    placed_rule = (
        "期間中に活動記録（訪問・相談・会議・その他の活動）が1件以上あるコーディネーターの"
        "実人数。層は記録したときの層。"
    )
    council_rule = (
        "期間中の会議の記録のうち、協議体に結び付けたもの（協議体の層で数える）と、"
        "種類を「第1層協議体」とした記録の件数。"
    )
    return [
        Indicator(
            "生活支援コーディネーター（第1層）",
            coordinators.get(1, 0),
            "人",
            placed_rule,
            SURVEY_SUPPORT,
            "生活支援コーディネーターの配置（第1層）",
        ),
        Indicator(
            "生活支援コーディネーター（第2層）",
            coordinators.get(2, 0),
            "人",
            placed_rule,
            SURVEY_SUPPORT,
            "生活支援コーディネーターの配置（第2層）",
        ),
        Indicator(
            "協議体の開催（第1層）",
            councils.get(1, 0),
            "回",
            council_rule,
            SURVEY_SUPPORT,
            "協議体の設置（第1層）",
        ),
        Indicator(
            "協議体の開催（第2層）",
            councils.get(2, 0),
            "回",
            council_rule,
            SURVEY_SUPPORT,
            "協議体の設置（第2層）",
        ),
        *_kayoinoba_indicators(period, scope),
        Indicator(
            "生活支援体制整備事業に関する評価指標",
            None,
            "",
            "—",
            GRANT_INDICATORS,
            "該当する項目の番号と文言を確認できていません",
            WORDING_NOT_FOUND,
            "評価指標（市町村分）の該当項目の公式の文言を確認できていないため、値を載せていません。",
        ),
    ]


KAYOINOBA_ITEM = "主な調査事項 Ⅱ 介護予防に資する住民主体の通いの場の展開状況"


def _kayoinoba_indicators(period: Period, scope: Scope) -> list[Indicator]:
    """The 通いの場 items, from the participation app's survey figures (participation/survey.py)
    for the fiscal year the period is; 「未集計」 with the reason where the data is missing."""
    from sasaeai.activities.counting.scope import ScopeKind
    from sasaeai.participation.models import ParticipationRecord
    from sasaeai.participation.survey import survey_figures

    names = (
        ("介護予防に資する住民主体の通いの場の数", "か所"),
        ("通いの場の参加者実人数", "人"),
        ("通いの場への参加率（高齢者人口に対する割合）", "%"),
    )

    def missing(reason: str, reasons: dict[int, str] | None = None) -> list[Indicator]:
        return [
            Indicator(
                name,
                None,
                unit,
                "—",
                SURVEY_COMPREHENSIVE,
                KAYOINOBA_ITEM,
                NOT_COUNTED,
                (reasons or {}).get(i, reason),
            )
            for i, (name, unit) in enumerate(names)
        ]

    if scope.kind != ScopeKind.MUNICIPALITY:
        return missing("通いの場の項目は市区町村全体の報告でのみ集計します。")
    if not ParticipationRecord.objects.filter(
        municipality=scope.municipality, month__gte=period.start, month__lte=period.end
    ).exists():
        return missing(
            "この年度の通いの場の参加者数の記録がないため（通いの場の参加実績で入力できます）。"
        )
    fiscal_year = period.start.year if period.start.month >= 4 else period.start.year - 1
    figures = survey_figures(municipality=scope.municipality, fiscal_year=fiscal_year)
    place_rule = (
        "活動の種類が全国調査の区分（体操・会食・茶話会など）に当たり、開催日時から月1回以上"
        "開いている活動中の社会資源のうち、住民主体のものの数（運営主体が住民個人・住民団体のもの。"
        "職員が住民主体かどうかを判断した場所はその判断による）。"
    )
    people_rule = (
        "それらの通いの場の参加者実人数の合計。各通いの場の3月の記録、なければ年度内の最新の月。"
    )
    result = [
        Indicator(
            names[0][0],
            len(figures.resident_led_places),
            "か所",
            place_rule,
            SURVEY_COMPREHENSIVE,
            KAYOINOBA_ITEM,
        ),
        Indicator(
            names[1][0],
            figures.participants,
            "人",
            people_rule,
            SURVEY_COMPREHENSIVE,
            KAYOINOBA_ITEM,
        ),
    ]
    rate = figures.participation_rate
    if rate is None:
        result.append(missing("", {2: "高齢者人口（町丁別年齢別人口）を取り込んでいないため。"})[2])
    else:
        result.append(
            Indicator(
                names[2][0],
                round(rate * 100, 1),
                "%",
                "参加者のうち65歳以上の実人数 ÷ 65歳以上人口（取り込んだ町丁別年齢別人口のうち"
                f"年度末以前で最新のもの、{figures.population_as_of}現在）。",
                SURVEY_COMPREHENSIVE,
                KAYOINOBA_ITEM,
            )
        )
    return result
