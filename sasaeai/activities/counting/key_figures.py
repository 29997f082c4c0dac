"""The key figures: the handful of numbers a report compares with the previous period and
between areas, and the home page's activity panel shows. Each is computed only when asked
for, from the same counts as the report's sections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from sasaeai.accounts.models import Tier
from sasaeai.core.periods import Period

from . import consultations, meetings, others, referrals, visits
from .scope import Scope

# (key, label, unit), in the order reports show them.
KEY_FIGURES: list[tuple[str, str, str]] = [
    ("visits", "訪問（延べ）", "件"),
    ("visit_places", "訪問（実）", "か所"),
    ("visit_hours", "訪問の総時間", "時間"),
    ("consultations", "相談対応", "件"),
    ("consultations_office", "うち来所・電話", "件"),
    ("consultations_referred", "在宅介護支援センター等につないだ相談", "件"),
    ("meetings", "話し合いへの参加", "件"),
    ("referrals_new", "個別ケースのつなぎ（新規）", "件"),
    ("trainings", "研修・セミナー等への出席", "件"),
    ("lectures", "講演", "件"),
    ("visitors", "視察対応", "件"),
]
KEY_LABELS = {key: (label, unit) for key, label, unit in KEY_FIGURES}
OTHER_LIST_KEYS = ("trainings", "lectures", "visitors")


# What a comparison period with no record at all shows instead of its figures.
NO_RECORDS = "記録なし"


def comparable(before: Mapping[str, int | float]) -> bool:
    """Is a comparison period a comparison? Only when at least one record was counted in it:
    a period before the records began (or a scope that had no work then) is 「記録なし」, and
    no change is worked out from it (never 「+55」 from zero). The report's 前期・前年同期
    and the home panel's 前年同期 both ask here."""
    return any(value for value in before.values() if isinstance(value, int | float))


def change(now: int, before: Mapping[str, int | float], key: str) -> int | None:
    """now − before for one figure; None when the comparison period has no record."""
    if not comparable(before):
        return None
    return now - int(before.get(key, 0))


def round_half_up(value: float | Decimal) -> int:
    """Japanese reports round halves up (93.5 → 94), not to even."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def hours(minutes: int) -> int:
    return round_half_up(Decimal(minutes) / 60)


def _visit_values(totals: visits.VisitTotals) -> dict[str, int]:
    return {
        "visits": totals.total,
        "visit_places": totals.distinct_places,
        "visit_hours": hours(totals.minutes),
    }


def _consultation_values(totals: consultations.ConsultationTotals) -> dict[str, int]:
    return {
        "consultations": totals.total,
        "consultations_office": totals.office,
        "consultations_referred": totals.referred_to_support_center,
    }


def key_figures(
    period: Period,
    scope: Scope,
    keys: Iterable[str] | None = None,
    *,
    referrals_new: int | None = None,
) -> dict[str, int]:
    """key → value of the key figures asked for (all when `keys` is None), in a query or two
    per kind of record. `referrals_new` passes the new referrals when the caller has counted
    them already (`referrals.referrals_new_in`)."""
    wanted = set(KEY_LABELS if keys is None else keys)
    unknown = wanted - set(KEY_LABELS)
    if unknown:
        raise ValueError(f"unknown key figures: {sorted(unknown)}")
    values: dict[str, int] = {}
    if wanted & {"visits", "visit_places", "visit_hours"}:
        values.update(_visit_values(visits.visit_totals(period, scope)))
    if wanted & {"consultations", "consultations_office", "consultations_referred"}:
        values.update(_consultation_values(consultations.consultation_totals(period, scope)))
    if "meetings" in wanted:
        values["meetings"] = meetings.meeting_totals(period, scope).talks
    if "referrals_new" in wanted:
        values["referrals_new"] = (
            referrals.referrals_new(period, scope) if referrals_new is None else referrals_new
        )
    if wanted & set(OTHER_LIST_KEYS):
        lists = others.other_list_counts(period, scope)
        values.update({key: lists[key] for key in OTHER_LIST_KEYS})
    return {key: values[key] for key, _, _ in KEY_FIGURES if key in wanted}


def key_figures_by_area(
    period: Period,
    scope: Scope,
    area_ids: list[int],
    *,
    new_by_area: dict[int | None, int] | None = None,
) -> dict[int, dict[str, int]]:
    """area → key figures of the scope's records in that area (records of the whole
    municipality, without an area, are in none). `new_by_area` passes the new referrals by
    area when the caller has counted them already (the report's referral pass)."""
    return _key_figures_by(period, scope, "area_id", area_ids, new_by=new_by_area)


def key_figures_by_tier(
    period: Period, scope: Scope, *, new_by_tier: dict[int | None, int] | None = None
) -> dict[int, dict[str, int]]:
    """tier (1, 2) → key figures of the scope's records written in that tier: the same
    figures as `key_figures` of `Scope.for_tier`, in one grouped query per kind of record
    instead of one set of queries per tier. `new_by_tier` passes the new referrals by the
    case's tier when counted already."""
    return _key_figures_by(period, scope, "tier", [Tier.TIER1, Tier.TIER2], new_by=new_by_tier)


def _key_figures_by(
    period: Period,
    scope: Scope,
    field: str,
    keys: list[int],
    *,
    new_by: dict[int | None, int] | None = None,
) -> dict[int, dict[str, int]]:
    """Value of `field` (stored on the records, and on the cases for referrals) → key
    figures of the scope's records with that value."""
    if not keys:
        return {}
    values: dict[int, dict[str, int]] = {key: {} for key in keys}
    for key, totals in visits.visit_totals_by(period, scope, field, keys).items():
        values[key].update(_visit_values(totals))
    for key, totals in consultations.consultation_totals_by(period, scope, field, keys).items():
        values[key].update(_consultation_values(totals))
    for key, n in meetings.talks_by(period, scope, field, keys).items():
        values[key]["meetings"] = n
    lists = others.other_list_counts_by(period, scope, field, keys, OTHER_LIST_KEYS)
    for key, counts in lists.items():
        values[key].update(counts)
    if new_by is None:
        new_by = referrals.referrals_new_by(period, scope, field, keys)
    for key, n in new_by.items():
        if key in values:
            values[key]["referrals_new"] = n
    return {key: {k: v.get(k, 0) for k, _, _ in KEY_FIGURES} for key, v in values.items()}
