"""What a report is about: its period (fiscal year, half year, month or any range) and its
scope (one coordinator, one area, several areas side by side, all of tier 1 or tier 2, the
whole municipality), read from query strings and command-line options, and who may ask for
which. The scope is the counting module's one `Scope` (sasaeai.activities.counting), so a
report counts exactly as the home page does.

Both the web views and the `sasaeai report` command go through `period_parse` and
`scope_parse`, so that a bad value gets the same Japanese message wherever it was typed.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User
from sasaeai.activities.counting import Scope, ScopeKind
from sasaeai.core import periods
from sasaeai.core.eras import parse_japanese_date
from sasaeai.core.periods import Period
from sasaeai.core.text import nfkc, search_key
from sasaeai.org.models import Area, Municipality

from .policy import AGGREGATE_ONLY_ROLES


class ReportRequestError(ValueError):
    """A period or scope that cannot be read; `field` names the input it came from."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- periods ----------------------------------------------------------------------------------

HALVES = {"first": "first", "second": "second", "1": "first", "2": "second"}
HALVES.update({"上半期": "first", "下半期": "second", "上": "first", "下": "second"})

_YEAR_MONTH = re.compile(r"^(\d{4})[-/年.](\d{1,2})月?$")

# Fiscal years the system accepts (the first coordinators were placed in 2014, 平成26年度).
FIRST_FISCAL_YEAR = 2000
LAST_FISCAL_YEAR = 2100


def _int(value: object, *, field: str, what: str) -> int:
    text = nfkc(str(value))
    if not text.isdecimal():
        raise ReportRequestError(
            f"{what}は半角数字で入力してください（「{value}」）。", field=field
        )
    return int(text)


def _fiscal_year(value: object) -> int:
    year = _int(value, field="fiscal_year", what="年度")
    if not FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR:
        raise ReportRequestError(
            f"年度「{value}」は扱えません。西暦の4桁（例: 2015）で入力してください。",
            field="fiscal_year",
        )
    return year


def _date(value: object, *, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return parse_japanese_date(str(value))
    except ValueError as exc:
        raise ReportRequestError(f"{label}: {exc}", field=field) from exc


def period_parse(
    *,
    fiscal_year: object = None,
    half: object = None,
    month: object = None,
    date_from: object = None,
    date_to: object = None,
) -> Period:
    """The period named by whichever of the inputs is given.

    - `date_from` and `date_to`: any range (2015-04-01, 平成27年4月1日, R7.4.1 …);
    - `month`: "2015-06" (or 6 with `fiscal_year`: June of that fiscal year);
    - `fiscal_year` with `half` ("first"/"second", 上半期/下半期): a half year;
    - `fiscal_year` alone: the whole fiscal year (April to March).
    """
    blank = {None, ""}
    if date_from not in blank or date_to not in blank:
        if date_from in blank or date_to in blank:
            missing = "開始日" if date_from in blank else "終了日"
            raise ReportRequestError(
                f"期間を指定する場合は開始日と終了日の両方を入力してください（{missing}がありません）。",
                field="date_from" if date_from in blank else "date_to",
            )
        start = _date(date_from, field="date_from", label="開始日")
        end = _date(date_to, field="date_to", label="終了日")
        if end < start:
            raise ReportRequestError("終了日が開始日より前になっています。", field="date_to")
        if (end - start).days > 366 * 5:
            raise ReportRequestError("期間は5年以内で指定してください。", field="date_to")
        return periods.date_range(start, end)
    if month not in blank:
        text = nfkc(str(month))
        match = _YEAR_MONTH.match(text)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
        else:
            number = _int(text, field="month", what="月")
            if fiscal_year in blank:
                raise ReportRequestError(
                    "月だけを指定する場合は年度も指定してください（または 2015-06 の形で入力）。",
                    field="month",
                )
            fy = _fiscal_year(fiscal_year)
            year = fy if number >= 4 else fy + 1
        if not 1 <= number <= 12:
            raise ReportRequestError(f"月「{month}」は1〜12で指定してください。", field="month")
        if not FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR + 1:
            raise ReportRequestError(f"「{month}」は扱える年の範囲外です。", field="month")
        return periods.month(year, number)
    if fiscal_year in blank:
        raise ReportRequestError(
            "期間を指定してください（年度、半期、月、または開始日と終了日）。", field="fiscal_year"
        )
    fy = _fiscal_year(fiscal_year)
    if half in blank or half == "year":
        return periods.fiscal_year(fy)
    key = HALVES.get(nfkc(str(half)))
    if key is None:
        raise ReportRequestError(
            f"半期「{half}」は first（上半期）か second（下半期）で指定してください。",
            field="half",
        )
    return periods.half_year(fy, key)


def period_query(period: Period) -> dict[str, str]:
    """The query-string parameters that name a period again (for links and downloads)."""
    label = period.label
    if label.endswith("上半期") or label.endswith("下半期"):
        return {
            "fiscal_year": str(periods.fiscal_year_of(period.start)),
            "half": "first" if label.endswith("上半期") else "second",
        }
    if label.endswith("年度"):
        return {"fiscal_year": str(periods.fiscal_year_of(period.start))}
    if (
        label.endswith("月")
        and period.start.day == 1
        and period == periods.month(period.start.year, period.start.month)
    ):
        return {"month": f"{period.start:%Y-%m}"}
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def period_kind(period: Period) -> str:
    """half / year / month / range: which form the period was asked in."""
    query = period_query(period)
    if "half" in query:
        return "half"
    if "fiscal_year" in query:
        return "year"
    if "month" in query:
        return "month"
    return "range"


# --- scopes -----------------------------------------------------------------------------------


COORDINATOR_ROLES = (Role.TIER1, Role.TIER2)


def _area_lookup(municipality: Municipality, text: str) -> Area:
    text = nfkc(text)
    areas = list(Area.objects.filter(municipality=municipality))
    if text.isdecimal():
        for area in areas:
            if area.pk == int(text):
                return area
    wanted = search_key(text)
    for area in areas:
        if search_key(area.name) == wanted:
            return area
    # 「境南」 finds 境南エリア: accept a unique area whose name starts with what was typed.
    starting = [a for a in areas if search_key(a.name).startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    names = "、".join(a.name for a in areas) or "（圏域が登録されていません）"
    raise ReportRequestError(
        f"圏域「{text}」が{municipality.name}に見つかりません。圏域のIDか名前で指定してください: {names}",
        field="scope",
    )


def scope_parse(text: str, *, municipality: Municipality) -> Scope:
    """Reads municipality, tier1, tier2, area:<id or name>, areas:<a>,<b>,
    coordinator:<username>."""
    raw = nfkc(text or "")
    kind, _, argument = raw.partition(":")
    kind = kind.strip().lower()
    argument = argument.strip()
    if kind in ("", ScopeKind.MUNICIPALITY, "city", "all"):
        return Scope(ScopeKind.MUNICIPALITY, municipality)
    if kind in (ScopeKind.TIER2, "tier-2"):
        return Scope(ScopeKind.TIER2, municipality)
    if kind in (ScopeKind.TIER1, "tier-1"):
        return Scope(ScopeKind.TIER1, municipality)
    if kind == ScopeKind.AREA:
        if not argument:
            raise ReportRequestError(
                "圏域を area:<ID または名前> の形で指定してください。", field="scope"
            )
        return Scope(ScopeKind.AREA, municipality, (_area_lookup(municipality, argument),))
    if kind == ScopeKind.AREAS:
        parts = [p for p in re.split(r"[,、，]", argument) if p.strip()]
        if len(parts) < 2:
            raise ReportRequestError(
                "比べる圏域を areas:<ID>,<ID> の形で2つ以上指定してください。", field="scope"
            )
        found: list[Area] = []
        for part in parts:
            area = _area_lookup(municipality, part.strip())
            if area not in found:
                found.append(area)
        found.sort(key=lambda a: (a.order, a.pk))
        if len(found) == 1:
            return Scope(ScopeKind.AREA, municipality, tuple(found))
        return Scope(ScopeKind.AREAS, municipality, tuple(found))
    if kind == ScopeKind.COORDINATOR:
        if not argument:
            raise ReportRequestError(
                "コーディネーターを coordinator:<ユーザー名> の形で指定してください。",
                field="scope",
            )
        user = User.objects.filter(
            municipality=municipality, username=argument, role__in=COORDINATOR_ROLES
        ).first()
        if user is None:
            raise ReportRequestError(
                f"コーディネーター「{argument}」が{municipality.name}に見つかりません。"
                "第1層・第2層のコーディネーターのユーザー名で指定してください。",
                field="scope",
            )
        return Scope(ScopeKind.COORDINATOR, municipality, coordinator=user)
    raise ReportRequestError(
        f"範囲「{text}」は読めません。municipality、tier1、tier2、area:<圏域>、areas:<圏域>,<圏域>、"
        "coordinator:<ユーザー名> のいずれかで指定してください。",
        field="scope",
    )


def scope_from_storage(key: str, *, municipality: Municipality) -> Scope | None:
    """The scope a saved report was written for (None if its areas or coordinator are gone)."""
    if key.startswith("coordinator#"):
        user = User.objects.filter(pk=key.partition("#")[2], municipality=municipality).first()
        return Scope(ScopeKind.COORDINATOR, municipality, coordinator=user) if user else None
    try:
        return scope_parse(key, municipality=municipality)
    except ReportRequestError:
        return None


def scope_default(user: User, municipality: Municipality) -> Scope:
    """What a user's report page opens on: a tier-2 coordinator its area(s), others the
    whole municipality."""
    if user.role == Role.TIER2:
        areas = tuple(
            Area.objects.filter(pk__in=policy.area_ids(user), municipality=municipality).order_by(
                "order", "pk"
            )
        )
        if len(areas) > 1:
            return Scope(ScopeKind.AREAS, municipality, areas)
        if areas:
            return Scope(ScopeKind.AREA, municipality, areas)
        return Scope(ScopeKind.COORDINATOR, municipality, coordinator=user)
    return Scope(ScopeKind.MUNICIPALITY, municipality)


def scope_choices(
    user: User, municipality: Municipality, *, period: Period | None = None
) -> list[tuple[str, str]]:
    """(key, label) of the scopes the user may choose on the report page; with a period, the
    areas offered are those in effect in it (a past period as it was organised then)."""
    choices: list[tuple[str, str]] = []
    areas_of = Area.objects.filter(municipality=municipality)
    if period is not None:
        areas_of = areas_of.in_effect(period.start, period.end)
    areas = list(areas_of.order_by("order", "pk"))
    if user.role == Role.TIER2:
        own = policy.area_ids(user)
        mine = [a for a in areas if a.pk in own]
        choices += [(f"area:{a.pk}", a.name) for a in mine]
        if len(mine) > 1:
            choices.append(
                ("areas:" + ",".join(str(a.pk) for a in mine), "担当圏域の比較（並べて表示）")
            )
        choices.append((f"coordinator:{user.username}", f"{user.name}（自分の活動）"))
        return choices
    choices.append((ScopeKind.MUNICIPALITY, f"{municipality.name}全体（圏域の比較つき）"))
    choices.append((ScopeKind.TIER1, "第1層全体"))
    choices.append((ScopeKind.TIER2, "第2層全体（圏域の比較つき）"))
    choices += [(f"area:{a.pk}", a.name) for a in areas]
    if len(areas) > 1:
        choices.append(("areas:" + ",".join(str(a.pk) for a in areas), "全圏域を並べて比較"))
    if user.role in AGGREGATE_ONLY_ROLES:  # aggregates only: no one person's work record
        return choices
    coordinators = User.objects.filter(
        municipality=municipality, role__in=COORDINATOR_ROLES, is_active=True
    ).order_by("role", "username")
    choices += [
        (f"coordinator:{c.username}", f"{c.name}（{c.get_role_display()}）") for c in coordinators
    ]
    return choices


def municipality_for(user: User, code: str | None) -> Municipality:
    """The municipality a report is for: the user's own unless a code is given (regional
    readers choose among their prefecture's)."""
    allowed = policy.municipality_ids(user)
    if code:
        municipality = Municipality.objects.filter(code=nfkc(code)).first()
        if municipality is None:
            raise ReportRequestError(
                f"市区町村コード「{code}」の市区町村は登録されていません。", field="municipality"
            )
        if municipality.pk not in allowed:
            raise PermissionDenied("この市区町村の報告書を見る権限がありません。")
        return municipality
    if user.municipality_id is None or user.municipality_id not in allowed:
        raise PermissionDenied("所属する市区町村がないため報告書を表示できません。")
    return user.municipality
