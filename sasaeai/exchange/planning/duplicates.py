"""Likely duplicates of a new row among the existing resources, to offer for merging: the same or
a similar name in the same town, the same name elsewhere, the same phone number, the same
address with a similar name."""

from __future__ import annotations

from collections import defaultdict

from .context import ImportContext
from .folding import address_fold, core_name, fold, phone_digits
from .plan import Candidate, RowPlan


def candidates(row: RowPlan, ctx: ImportContext, exclude: set[int]) -> list[Candidate]:
    name = row.typed.get("name", "")
    town_id = row.town.pk if row.town else None
    found: dict[int, list[str]] = defaultdict(list)
    for pk in ctx.by_name_town.get((fold(name), town_id), []):
        found[pk].append("同じ町に同じ名称")
    for pk in ctx.by_core_town.get((core_name(name), town_id), []):
        if pk not in found:
            found[pk].append("同じ町に似た名称")
    for pk in ctx.by_name.get(fold(name), []):
        if pk not in found:
            found[pk].append("同じ名称（別の町）")
    phone = phone_digits(row.typed.get("contact_phone") or "")
    if phone:
        for pk in ctx.by_phone.get(phone, []):
            found[pk].append("電話番号が同じ")
    address = row.typed.get("address")
    if address:
        key = address_fold(address, ctx.municipality)
        core = set(_bigrams(core_name(name)))
        for pk in ctx.by_address.get(key, []):
            other = set(_bigrams(core_name(ctx.service_names[pk][0])))
            if core and other and len(core & other) / len(core | other) >= 0.3:
                found[pk].append("住所が同じで名称が似ている")
    return [
        Candidate(pk, ctx.service_names[pk][0], ctx.town_name(ctx.service_names[pk][1]), reasons)
        for pk, reasons in sorted(found.items())
        if pk not in exclude
    ][:5]


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or [text]
