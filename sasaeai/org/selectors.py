"""Reads about the organisation, and resolving a typed address to its town and block."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from sasaeai.accounts import policy
from sasaeai.accounts.models import User

from . import gazetteer
from .addresses import AddressResolver, ResolvedAddress
from .models import Area, Municipality, SupportCenter, Town, TownBlock

__all__ = [
    "ResolvedAddress",
    "address_resolve",
    "area_list_visible_to",
    "municipalities_visible_to",
    "postal_candidates",
    "setup_state",
    "support_center_list_visible_to",
    "town_groups",
    "town_list_visible_to",
    "town_points",
]


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


def address_resolve(*, municipality: Municipality, address: str) -> ResolvedAddress | None:
    """Finds the town (and 丁目) in a typed address: 「吉祥寺北町２丁目３－４」, 「吉祥寺北町2-3-4」,
    「東京都武蔵野市吉祥寺北町二丁目」 all resolve to 吉祥寺北町 2丁目 (see org/addresses.py; for
    many addresses, keep one AddressResolver)."""
    return AddressResolver(municipality).resolve(address)


# --- the administrator's setup pages ------------------------------------------------------------


def setup_state(*, municipality: Municipality) -> dict:
    """What a new municipality has so far: towns (with and without a point), areas with their
    town counts, towns without an area, support centres, users by role."""
    from django.db.models import Count

    from sasaeai.accounts.models import Role

    towns = Town.objects.filter(municipality=municipality)
    users = User.objects.filter(municipality=municipality, is_active=True)
    roles = dict(users.values_list("role").annotate(n=Count("id")))
    return {
        "town_count": towns.count(),
        "towns_without_point": towns.filter(latitude__isnull=True).count(),
        "block_count": TownBlock.objects.filter(town__municipality=municipality).count(),
        "areas": list(
            Area.objects.filter(municipality=municipality).annotate(
                town_count=Count("towns", distinct=True),
                user_count=Count("users", distinct=True),
            )
        ),
        "unassigned_count": towns.filter(area__isnull=True).count(),
        "centers": list(
            SupportCenter.objects.filter(municipality=municipality).select_related("area")
        ),
        "user_counts": [(Role(r).label, roles[r]) for r in Role.values if r in roles],
        "user_count": sum(roles.values()),
        "waiting_users": users.filter(must_change_password=True).count(),
    }


KANA_ROWS = [
    ("ア行", "アイウエオヴァィゥェォ"),
    ("カ行", "カキクケコガギグゲゴヵヶ"),
    ("サ行", "サシスセソザジズゼゾ"),
    ("タ行", "タチツテトダヂヅデドッ"),
    ("ナ行", "ナニヌネノ"),
    ("ハ行", "ハヒフヘホバビブベボパピプペポ"),
    ("マ行", "マミムメモ"),
    ("ヤ行", "ヤユヨャュョ"),
    ("ラ行", "ラリルレロ"),
    ("ワ行", "ワヲンヮ"),
]
GROUP_ABOVE = 40  # towns: fewer are listed in one group


def town_groups(*, municipality: Municipality, towns: list[Town], widgets: list) -> list[dict]:
    """The towns of the area form in groups an administrator can scan: by ward in a 政令指定
    都市, else by the kana row of the reading (ア行, カ行…) when there are many. `widgets` are
    the checkbox subwidgets of the form's `towns` field, matched to the towns by id."""
    by_id = {int(str(w.data["value"])): w for w in widgets}
    wards = [w.name for w in gazetteer.wards_of(municipality.code)]

    def key(town: Town) -> str:
        if wards:
            return next((w for w in wards if town.name.startswith(w)), "その他")
        if len(towns) <= GROUP_ABOVE:
            return "町"
        initial = (town.name_kana or " ")[0]
        return next((label for label, kana in KANA_ROWS if initial in kana), "読み未登録")

    order = wards or [label for label, _ in KANA_ROWS]
    groups: dict[str, list] = {}
    for town in towns:
        groups.setdefault(key(town), []).append({"town": town, "widget": by_id.get(town.pk)})
    return [
        {"label": label, "items": groups[label]}
        for label in sorted(groups, key=lambda g: order.index(g) if g in order else len(order))
    ]


def town_points(*, towns: list[Town]) -> list[dict]:
    """The towns' representative points for the area map (a point layer: no tiles needed)."""
    return [
        {
            "id": t.pk,
            "name": t.name,
            "lat": float(t.latitude),
            "lng": float(t.longitude),
            "area": t.area_id,
            "areaName": t.area.name if t.area_id else "",
        }
        for t in towns
        if t.latitude is not None and t.longitude is not None
    ]


@dataclass(frozen=True)
class PostalCandidate:
    entry: gazetteer.PostalEntry
    address: str  # what to put in an address field: prefecture, municipality and 町域
    in_municipality: bool
    town: Town | None


def postal_candidates(
    *, municipality: Municipality | None, postal_code: str
) -> list[PostalCandidate]:
    """The 町域 of a postal code, each with the user's town it names (if any)."""
    entries = gazetteer.postal_lookup(postal_code)
    resolver = None
    candidates = []
    for entry in entries:
        own = municipality is not None and municipality.code in (
            entry.municipality.code,
            entry.municipality.city,
        )
        town = None
        if own and entry.town:
            resolver = resolver or AddressResolver(municipality)
            resolved = resolver.resolve(entry.address)
            town = resolved.town if resolved else None
        candidates.append(
            PostalCandidate(entry=entry, address=entry.address, in_municipality=own, town=town)
        )
    return candidates
