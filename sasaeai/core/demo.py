"""`sasaeai demo`: the whole demo installation, one idempotent step per app.

Each app adds its step to DEMO_STEPS (a dotted path to `load(municipality)`), in dependency
order: resources before the records that point to them, records before reports and councils.
"""

from django.db import transaction
from django.utils.module_loading import import_string

from sasaeai.accounts import demo as accounts_demo
from sasaeai.councils import demo as councils_demo
from sasaeai.org import demo as org_demo

DEMO_STEPS: list[str] = [
    "sasaeai.resources.demo.load",
    "sasaeai.cases.demo.load",
    "sasaeai.activities.demo.load",
    "sasaeai.councils.demo.load_thread",
    "sasaeai.reports.seed_demo.load",
]


# Managed lists seeded by data migrations. A test database flushed between transactional tests
# loses them, so the demo seeds them again (each seed is idempotent).
SEED_MIGRATIONS = [
    "sasaeai.resources.migrations.0003_seed_taxonomy",
    "sasaeai.activities.migrations.0002_seed_topics",
    "sasaeai.councils.migrations.0003_seed_themes",
]


def _seed_managed_lists() -> None:
    from importlib import import_module

    from django.apps import apps

    for module in SEED_MIGRATIONS:
        import_module(module).seed(apps, None)


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    _seed_managed_lists()
    municipality = org_demo.load()
    councils_demo.load(municipality)
    logins = accounts_demo.load(municipality)
    for step in DEMO_STEPS:
        import_string(step)(municipality)
    return logins
