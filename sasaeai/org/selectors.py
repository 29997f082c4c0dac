"""Reads about the organisation, and resolving a typed address to its town and block."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.core.text import kanji_number, nfkc

from .models import Area, Municipality, SupportCenter, Town, TownBlock


def municipalities_visible_to(*, user: User) -> QuerySet[Municipality]:
    return Municipality.objects.filter(id__in=policy.municipality_ids(user))


def area_list_visible_to(*, user: User) -> QuerySet[Area]:
    return (
        policy.in_municipality(Area.objects.all(), user)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("towns", queryset=Town.objects.order_by("name_kana")), "support_centers"
        )
    )


def town_list_visible_to(*, user: User) -> QuerySet[Town]:
    return policy.in_municipality(Town.objects.all(), user).select_related("area")


def support_center_list_visible_to(*, user: User) -> QuerySet[SupportCenter]:
    return policy.in_municipality(SupportCenter.objects.all(), user).select_related("area")


@dataclass(frozen=True)
class ResolvedAddress:
    town: Town
    block: TownBlock | None
    rest: str

    @property
    def latitude(self) -> Decimal | None:
        return self.block.latitude if self.block else self.town.latitude

    @property
    def longitude(self) -> Decimal | None:
        return self.block.longitude if self.block else self.town.longitude


_BLOCK = re.compile(r"^\s*([0-9]+|[一二三四五六七八九十]+)\s*(?:丁目|[-‐－ー−の])?")


def address_resolve(*, municipality: Municipality, address: str) -> ResolvedAddress | None:
    """Finds the town (and 丁目) in a typed address: 「吉祥寺北町２丁目３－４」, 「吉祥寺北町2-3-4」,
    「東京都武蔵野市吉祥寺北町二丁目」 all resolve to 吉祥寺北町 2丁目."""
    text = nfkc(address).replace(" ", "")
    for prefix in (municipality.prefecture, municipality.name):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    towns = sorted(
        Town.objects.filter(municipality=municipality), key=lambda t: len(t.name), reverse=True
    )
    for town in towns:
        position = text.find(town.name)
        if position == -1 or position > 2:
            continue
        rest = text[position + len(town.name) :]
        block = None
        match = _BLOCK.match(rest)
        if match:
            number = kanji_number(match.group(1))
            if number is not None:
                block = town.blocks.filter(number=number).first()
                if block is not None:
                    rest = rest[match.end() :]
        return ResolvedAddress(town=town, block=block, rest=rest)
    return None
