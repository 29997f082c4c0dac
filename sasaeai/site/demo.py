"""`sasaeai demo`: the whole demo installation, one idempotent step per app.

Each app keeps its own demo data and its `load`; this module runs them in dependency order:
the organisation and its users first, resources before the records that point to them, records
before reports and the councils' thread.
"""

from collections.abc import Callable
from importlib import import_module

from django.apps import apps
from django.db import transaction

from sasaeai.accounts import demo as accounts_demo
from sasaeai.activities import demo as activities_demo
from sasaeai.cases import demo as cases_demo
from sasaeai.councils import demo as councils_demo
from sasaeai.org import demo as org_demo
from sasaeai.org.models import Municipality
from sasaeai.participation import demo as participation_demo
from sasaeai.reports import seed_demo as reports_demo
from sasaeai.resources import demo as resources_demo

# The steps after the organisation and its users, in order: `step(municipality)`.
DEMO_STEPS: list[Callable[[Municipality], object]] = [
    resources_demo.load,
    cases_demo.load,
    activities_demo.load,
    councils_demo.load_thread,
    participation_demo.load,
    reports_demo.load,
]


# Managed lists seeded by data migrations. A test database flushed between transactional tests
# loses them, so the demo seeds them again (each seed is idempotent). Migration modules' names
# start with a digit, so they are imported by name.
SEED_MIGRATIONS = [
    "sasaeai.resources.migrations.0003_seed_taxonomy",
    "sasaeai.activities.migrations.0002_seed_topics",
    "sasaeai.councils.migrations.0003_seed_themes",
]


def _seed_managed_lists() -> None:
    for module in SEED_MIGRATIONS:
        import_module(module).seed(apps, None)


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Loads the Musashino demo (idempotent) and returns the demo logins (username, role)."""
    _seed_managed_lists()
    municipality = org_demo.load()
    councils_demo.load(municipality)
    logins = accounts_demo.load(municipality)
    for step in DEMO_STEPS:
        step(municipality)
    return logins
