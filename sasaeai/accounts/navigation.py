"""The modules of Sasaeai as they appear in the navigation, each behind a capability.

A module whose URL is not installed yet is left out, so later apps slot in by adding a line.
"""

from dataclasses import dataclass

from .policy import Capability


@dataclass(frozen=True)
class Module:
    label: str
    url_name: str
    capability: Capability | None
    description: str = ""


MODULES: list[Module] = [
    Module("ホーム", "home", None, "今日の予定と担当の状況"),
    Module(
        "社会資源",
        "resources:list",
        Capability.VIEW_RESOURCES,
        "サロン・通いの場などの社会資源を探す・登録する",
    ),
    Module("活動記録", "activities:list", Capability.VIEW_ACTIVITIES, "訪問・相談・会議などの記録"),
    Module("予定表", "activities:calendar", Capability.VIEW_ACTIVITIES, "週・月の予定"),
    Module("個別ケース", "cases:list", Capability.VIEW_CASES, "個別ケースとつなぎの経過"),
    Module("報告書", "reports:index", Capability.VIEW_REPORTS, "半期・年度の活動報告"),
    Module(
        "地域課題・協議体", "councils:index", Capability.VIEW_COUNCILS, "地域課題から政策提言まで"
    ),
    Module("組織", "org:overview", Capability.VIEW_ORG, "圏域・町・支援センター"),
    Module("利用者管理", "accounts:user_list", Capability.MANAGE_USERS, "利用者と担当圏域"),
    Module("監査ログ", "audit:list", Capability.VIEW_AUDIT, "閲覧・変更・ログインの記録"),
]
