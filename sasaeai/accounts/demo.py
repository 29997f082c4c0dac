"""Demo logins for Musashino: admin, tier1, tier2-1 … tier2-6, official and council.

Musashino placed its tier-2 coordinators in three areas in April 2016 and in all six in April
2017 (the seed's first half, 平成27年度, had the tier-1 coordinator only): the demo's area
assignments start on those days, so a report of an earlier period shows no tier-2 placement.
Which three areas came first is not in our sources; the demo takes the first three.
"""

import datetime as dt

from django.conf import settings

from sasaeai.org.models import Area, Municipality

from . import services
from .models import Role, User

DEMO_USERS = [
    ("admin", "管理 太郎", Role.ADMIN),
    ("tier1", "横山 美江", Role.TIER1),
    ("official", "高齢 支援", Role.OFFICIAL),
    ("council", "協議 委員", Role.COUNCIL),
]

TIER2_NAMES = ["東 さくら", "北 一郎", "中 みどり", "八幡 健", "境 花子", "南 誠"]
# (how many areas, from when): tier-2 coordinators' placement over time.
TIER2_PLACEMENT = [(3, dt.date(2016, 4, 1)), (6, dt.date(2017, 4, 1))]


def _placed_from(index: int) -> dt.date:
    """The day the coordinator of the index-th area (1-based) was placed."""
    return next(day for areas, day in TIER2_PLACEMENT if index <= areas)


def load(municipality: Municipality) -> list[tuple[str, str]]:
    """Creates the demo users (once) and returns (username, role label) pairs."""
    password = settings.DEMO_PASSWORD
    created: list[tuple[str, str]] = []

    def ensure(
        username: str, name: str, role: str, areas: list[Area], since: dt.date | None = None
    ) -> None:
        if not User.objects.filter(username=username).exists():
            services.user_create(
                username=username,
                password=password,
                municipality=municipality,
                role=role,
                areas=areas,
                areas_from=since,
                display_name=name,
                must_change_password=False,  # demo logins share one known password
            )
        created.append((username, Role(role).label))

    for username, name, role in DEMO_USERS[:2]:
        ensure(username, name, role, [])
    for index, area in enumerate(Area.objects.filter(municipality=municipality), start=1):
        name = TIER2_NAMES[(index - 1) % len(TIER2_NAMES)]
        since = _placed_from(min(index, TIER2_PLACEMENT[-1][0]))
        ensure(f"tier2-{index}", name, Role.TIER2, [area], since)
    for username, name, role in DEMO_USERS[2:]:
        ensure(username, name, role, [])
    return created
