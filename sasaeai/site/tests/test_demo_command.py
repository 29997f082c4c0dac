"""`manage.py demo` / `sasaeai demo`: loads the whole demo once, prints the logins, and loading
again changes nothing; `--if-empty` leaves a database with data alone."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command, get_commands

pytestmark = pytest.mark.django_db

COUNTED = [
    "org.Municipality",
    "accounts.User",
    "resources.Service",
    "cases.Case",
    "activities.Visit",
    "activities.Consultation",
    "activities.Meeting",
    "councils.RegionalIssue",
    "reports.Report",
]


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_command_is_the_sites():
    assert get_commands()["demo"] == "sasaeai.site"


def test_demo_loads_once_and_prints_the_logins():
    output = _demo()
    assert "デモデータを読み込みました（武蔵野市）。" in output
    for username in ["admin", "tier1", "tier2-1", "tier2-6", "official", "council"]:
        assert f"  {username}" in output
    loaded = _counts()
    assert all(loaded.values()), loaded

    _demo()
    assert _counts() == loaded

    output = _demo("--if-empty")
    assert "データベースにデータがあるため、デモデータは読み込みません。" in output
    assert "  tier2-6" in output
    assert _counts() == loaded
