"""The indicators a municipality reports upward each fiscal year, as far as Sasaeai's records
answer them. Each carries how it is counted (which records, which rule) and its source: the
document and the item, as found in the published material. Where the official wording of an
item was not found, the row says so and shows no value (never an invented item); what needs
data Sasaeai does not hold (participation, population) is 「未集計」 with the reason."""

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
    value: int | None
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
        Indicator(
            "介護予防に資する住民主体の通いの場の数",
            None,
            "か所",
            "—",
            SURVEY_COMPREHENSIVE,
            "主な調査事項 Ⅱ 介護予防に資する住民主体の通いの場の展開状況",
            NOT_COUNTED,
            "社会資源ごとに調査の定義（住民主体・介護予防に資する等）に当てはまるかを"
            "まだ記録していないため。",
        ),
        Indicator(
            "通いの場の参加者実人数",
            None,
            "人",
            "—",
            SURVEY_COMPREHENSIVE,
            "主な調査事項 Ⅱ 介護予防に資する住民主体の通いの場の展開状況",
            NOT_COUNTED,
            "参加者数の記録がまだないため（参加者数の報告は今後追加予定）。",
        ),
        Indicator(
            "通いの場への参加率（高齢者人口に対する割合）",
            None,
            "%",
            "—",
            SURVEY_COMPREHENSIVE,
            "主な調査事項 Ⅱ 介護予防に資する住民主体の通いの場の展開状況",
            NOT_COUNTED,
            "参加者数と高齢者人口をまだ持っていないため。",
        ),
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
