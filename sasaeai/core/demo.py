"""`sasaeai demo`: the whole demo installation, one idempotent step per app."""

from django.db import transaction

from sasaeai.accounts import demo as accounts_demo
from sasaeai.councils import demo as councils_demo
from sasaeai.org import demo as org_demo


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    municipality = org_demo.load()
    councils_demo.load(municipality)
    logins = accounts_demo.load(municipality)
    return logins
