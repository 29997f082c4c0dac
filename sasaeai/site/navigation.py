"""The modules of Sasaeai as they appear in the navigation, each behind a capability.

A module whose URL is not installed yet is left out, so later apps slot in by adding a line.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sasaeai.accounts.policy import Capability


@dataclass(frozen=True)
class Module:
    label: str  # a lazy translation
    url_name: str
    capability: Capability | None
    description: str = ""
    # The path prefix of the pages that belong to the module, when wider than its URL's.
    section: str = ""


MODULES: list[Module] = [
    Module(_("ホーム"), "home", None, _("今日の予定と担当の状況")),
    Module(
        _("社会資源"),
        "resources:list",
        Capability.VIEW_RESOURCES,
        _("サロン・通いの場などの社会資源を探す・登録する"),
    ),
    Module(
        _("情報提供"),
        "directory:queue",
        Capability.EDIT_RESOURCES,
        _("主催者・住民からの変更の知らせを確認して反映する"),
        section="/directory/",
    ),
    Module(
        _("データ取込・出力"),
        "exchange:import_start",
        Capability.IMPORT_RESOURCES,
        _("社会資源の台帳（Excel・CSV）の取り込みとオープンデータの出力"),
        section="/exchange/",
    ),
    Module(
        _("活動記録"),
        "activities:list",
        Capability.VIEW_ACTIVITIES,
        _("訪問・相談・会議などの記録"),
    ),
    Module(_("予定表"), "activities:calendar", Capability.VIEW_ACTIVITIES, _("週・月の予定")),
    Module(_("個別ケース"), "cases:list", Capability.VIEW_CASES, _("個別ケースとつなぎの経過")),
    Module(
        _("通いの場と空白地域"),
        "participation:index",
        Capability.VIEW_ACTIVITIES,
        _("通いの場の参加実績と、町丁別の人口から見た空白地域"),
    ),
    Module(_("報告書"), "reports:index", Capability.VIEW_REPORTS, _("半期・年度の活動報告")),
    Module(
        _("地域課題・協議体"),
        "councils:index",
        Capability.VIEW_COUNCILS,
        _("地域課題から政策提言まで"),
    ),
    Module(_("組織"), "org:overview", Capability.VIEW_ORG, _("圏域・町・支援センター")),
    Module(_("利用者管理"), "accounts:user_list", Capability.MANAGE_USERS, _("利用者と担当圏域")),
    Module(_("監査ログ"), "audit:list", Capability.VIEW_AUDIT, _("閲覧・変更・ログインの記録")),
]


def current_section(path: str, sections: list[str]) -> str | None:
    """The one section the page at `path` belongs to: the longest section prefix the path
    starts with at a segment boundary (the calendar at /activities/calendar/ is 予定表, not
    also 活動記録 at /activities/). The home page "/" is current only on itself."""
    best: str | None = None
    for url in sections:
        if url == "/":
            matches = path == "/"
        else:
            matches = path == url or path.startswith(url if url.endswith("/") else url + "/")
        if matches and (best is None or len(url) > len(best)):
            best = url
    return best
