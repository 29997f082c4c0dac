"""Demo logins for Musashino: admin, tier1, tier2-1 … tier2-6, official and council."""

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


def load(municipality: Municipality) -> list[tuple[str, str]]:
    """Creates the demo users (once) and returns (username, role label) pairs."""
    password = settings.DEMO_PASSWORD
    created: list[tuple[str, str]] = []

    def ensure(username: str, name: str, role: str, areas: list[Area]) -> None:
        if not User.objects.filter(username=username).exists():
            services.user_create(
                username=username,
                password=password,
                municipality=municipality,
                role=role,
                areas=areas,
                display_name=name,
                must_change_password=False,  # demo logins share one known password
            )
        created.append((username, Role(role).label))

    for username, name, role in DEMO_USERS[:2]:
        ensure(username, name, role, [])
    for index, area in enumerate(Area.objects.filter(municipality=municipality), start=1):
        ensure(f"tier2-{index}", TIER2_NAMES[(index - 1) % len(TIER2_NAMES)], Role.TIER2, [area])
    for username, name, role in DEMO_USERS[2:]:
        ensure(username, name, role, [])
    return created
