"""Every CSV and Excel download, from the registry of exports (sasaeai.core.exports): each
formula prefix planted in every text column of every record the exports read, then every
registered export downloaded the way users do; no cell may start a formula. That no view
answers a spreadsheet without being in the registry: tests/test_exports_registered.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.core.exports import (
    EXPORTS,
    Export,
    export_of,
    formula_safe,
    formula_unescape,
)

pytestmark = pytest.mark.django_db

# What OWASP names (= + - @ TAB CR), LF, and the full-width forms Japanese input converts.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
MARKER = "cmd|"
# The apps whose records any export reads; their text columns get the payloads.
PLANTED_APPS = ("org", "resources", "activities", "cases", "councils", "reports")


def payload(prefix: str, pk: int) -> str:
    return f"{prefix}1+{pk}+{MARKER}' /C calc'!A0"


def _starts_formula(text: str) -> bool:
    return text.startswith(DANGEROUS) and not NUMBER.fullmatch(text)


# --- the rule itself --------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", DANGEROUS)
def test_every_prefix_is_escaped_and_undone_by_the_importer(prefix):
    text = payload(prefix, 1)
    assert formula_safe(text) == "'" + text
    assert formula_unescape(formula_safe(text)) == text


@pytest.mark.parametrize("number", ["-1", "+3", "-0.5", "12", "-12.25"])
def test_plain_numbers_stay_numbers(number):
    assert formula_safe(number) == number


@pytest.mark.parametrize("value", [-1, 3.5, None, dt.date(2026, 1, 1), True])
def test_values_that_are_not_text_are_untouched(value):
    assert formula_safe(value) is value


# --- the registry -----------------------------------------------------------------------------


def _registered_urls() -> dict[int, tuple[str, Export]]:
    """id(export) → (URL name, export), found by walking the resolver."""
    found: dict[int, tuple[str, Export]] = {}

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or None
                walk(pattern, f"{namespace}:{inner}" if namespace and inner else inner or namespace)
            elif isinstance(pattern, URLPattern):
                export = export_of(pattern.callback)
                if export is not None and pattern.name:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    found[id(export)] = (name, export)

    walk(get_resolver(), None)
    return found


def test_every_registered_export_has_a_url():
    found = _registered_urls()
    assert EXPORTS, "no export registered"
    missing = [e.name for e in EXPORTS if id(e) not in found]
    assert not missing, f"registered exports without a URL: {missing}"


# --- every prefix in every text column of every export ------------------------------------------


# Machine-read columns (codes, recurrence rules, search index, keys), not text people write.
SKIPPED_FIELDS = {"code", "rrule", "byday", "bymonth", "bymonthday", "postal_code", "name_reading"}
SKIPPED_FIELDS |= {"scope_key", "prefix", "digest", "number"}


def _text_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not isinstance(f, (models.EmailField, models.URLField, models.SlugField))
        and not f.choices
        and not f.primary_key
        and f.name not in SKIPPED_FIELDS
        and "search_" not in f.name
        and (f.max_length is None or f.max_length >= 8)
    ]


def _plant(prefix: str) -> int:
    """Every text column of every row of the planted apps → a payload; returns how many."""
    planted = 0
    for label in PLANTED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            fields = _text_fields(model)
            if not fields:
                continue
            for pk in model._default_manager.values_list("pk", flat=True):
                values = {f.name: payload(prefix, pk)[: f.max_length] for f in fields}
                model._default_manager.filter(pk=pk).update(**values)
                planted += 1
    return planted


@pytest.fixture
def records(musashino):
    from sasaeai.activities.tests.factories import (
        ConsultationFactory,
        MeetingFactory,
        OtherActivityFactory,
        VisitFactory,
    )
    from sasaeai.org.models import Town
    from sasaeai.resources.tests.factories import (
        LocationFactory,
        OrganizationFactory,
        ScheduleFactory,
        ServiceFactory,
    )

    tier1 = User.objects.get(username="tier1")
    tier2 = User.objects.get(username="tier2-1")
    town = Town.objects.filter(municipality=musashino).first()
    location = LocationFactory(town=town, is_approximate=False)
    service = ServiceFactory(
        location=location,
        organization=OrganizationFactory(municipality=musashino),
        is_public=True,
        publication_consent=True,
        contact_is_public=True,
    )
    ScheduleFactory(service=service)
    today = timezone.localdate()
    for coordinator in (tier1, tier2):
        VisitFactory(coordinator=coordinator, date=today)
        ConsultationFactory(coordinator=coordinator, date=today)
        MeetingFactory(coordinator=coordinator, date=today)
        OtherActivityFactory(coordinator=coordinator, date=today)
    return musashino


def _query(name: str) -> dict[str, str]:
    """Widest selection per export, so that every planted record is in the file."""
    today = timezone.localdate()
    return {
        "activities:export": {"period": "fy", "mine": "0"},
        "reports:download": {
            "kind": "range",
            "from": (today - dt.timedelta(days=31)).isoformat(),
            "to": today.isoformat(),
            "scope": "municipality",
        },
    }.get(name, {})


def _downloader(export: Export) -> Client:
    for username in ("tier1", "admin"):
        user = User.objects.get(username=username)
        if policy.has(user, export.allow):
            client = Client()
            client.force_login(user)
            return client
    raise AssertionError(f"no demo user may download {export.name}")


def _cells(content: bytes, fmt: str):
    """(where, value, is_formula) of every cell of a CSV or a workbook."""
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        for r, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
            for c, value in enumerate(row):
                yield f"row {r + 1} column {c + 1}", value, False
        return
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                yield f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type == "f"


@pytest.mark.parametrize("prefix", DANGEROUS, ids=[repr(p) for p in DANGEROUS])
def test_no_export_writes_a_formula(records, prefix):
    assert _plant(prefix) > 0
    registered = _registered_urls()
    failures: list[str] = []
    for name, export in sorted(registered.values(), key=lambda pair: pair[0]):
        client = _downloader(export)
        for fmt in export.formats:
            kwargs = {export.format_kwarg: fmt} if export.format_kwarg else {}
            response = client.get(reverse(name, kwargs=kwargs), _query(name))
            assert response.status_code == 200, f"{name} {fmt}: {response.status_code}"
            carried = False
            for where, value, is_formula in _cells(response.content, fmt):
                if is_formula:
                    failures.append(f"{name} {fmt} {where}: a formula cell {value!r}")
                if isinstance(value, str):
                    carried = carried or MARKER in value
                    if _starts_formula(value):
                        failures.append(f"{name} {fmt} {where}: starts a formula {value!r}")
            if not carried:
                failures.append(f"{name} {fmt}: no planted value reached the file")
    assert not failures, "\n".join(failures)
