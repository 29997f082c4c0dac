"""Users: in every other municipality an administrator, a tier-1 coordinator, one tier-2
coordinator per area and an official; in Musashino a prefecture-wide reader (`regional`) and the
50 tier-2 coordinators of the load test (`load-01` … `load-50`). Every bench user has the demo
password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password

from bench.vocabulary import FAMILY_NAMES, GIVEN_NAMES
from sasaeai.accounts.models import Role, User

from . import Context

MODELS = ["accounts.User"]

LOAD_USERS = 50
REGIONAL_USERNAME = "regional"


def load_username(n: int) -> str:
    return f"load-{n:02d}"


def generate(ctx: Context) -> None:
    rng = ctx.rng
    writer = ctx.writer
    password = make_password(settings.DEMO_PASSWORD)
    user_id = writer.next_id(User)
    users: list[dict] = []
    user_areas: list[dict] = []

    def person() -> tuple[str, str]:
        family, family_r = rng.choice(FAMILY_NAMES)
        given, given_r = rng.choice(GIVEN_NAMES)
        return f"{family} {given}", f"{family_r} {given_r}"

    def add(username: str, municipality_id: int, role: str, areas: list[int]) -> int:
        nonlocal user_id
        name, kana = person()
        users.append(
            {
                "id": user_id,
                "password": password,
                "username": username,
                "display_name": name,
                "display_name_kana": kana,
                "municipality_id": municipality_id,
                "role": role,
                "is_active": True,
            }
        )
        for area in areas:
            user_areas.append({"user_id": user_id, "area_id": area})
        user_id += 1
        return user_id - 1

    home = ctx.home
    for user in User.objects.filter(municipality_id=home.id).prefetch_related("areas"):
        if user.role in (Role.TIER1, Role.TIER2):
            home.coordinators.append((user.id, user.role, [a.id for a in user.areas.all()]))
    add(REGIONAL_USERNAME, home.id, Role.REGIONAL, [])
    for n in range(1, LOAD_USERS + 1):
        area = home.area_ids[(n - 1) % len(home.area_ids)]
        add(load_username(n), home.id, Role.TIER2, [area])

    for place in ctx.places[1:]:
        add(f"{place.code}-admin", place.id, Role.ADMIN, [])
        place.coordinators.append(
            (add(f"{place.code}-tier1", place.id, Role.TIER1, []), Role.TIER1, [])
        )
        for index, area in enumerate(place.area_ids, start=1):
            uid = add(f"{place.code}-tier2-{index}", place.id, Role.TIER2, [area])
            place.coordinators.append((uid, Role.TIER2, [area]))
        add(f"{place.code}-official", place.id, Role.OFFICIAL, [])

    writer.insert(User, users, desc="利用者", progress=False)
    writer.insert(User.areas.through, user_areas, desc="担当圏域", progress=False)
    ctx.counts["users"] = User.objects.count()
