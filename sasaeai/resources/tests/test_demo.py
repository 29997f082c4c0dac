"""The demo resources: loaded from the data file, the same as when they were written in Python
(count and a fingerprint of each aspect), loaded once only, and a mistake in the file is an
error that names the place."""

import datetime as dt
import hashlib
import json
import re
from unittest import mock

import pytest
from django.utils import timezone

from sasaeai.core import periods
from sasaeai.resources import demo as resources_demo
from sasaeai.resources.models import Service

pytestmark = pytest.mark.django_db

# Measured on the demo as it was written in Python (sasaeai/resources/demo.py before the data
# moved to resources/data/demo_places.toml). A deliberate change to the demo data changes one
# of these: say so in the commit and put the new value here.
EXPECTED_COUNT = 80
EXPECTED_FINGERPRINTS = {
    "names": "b370f05bc9e84b29",
    "categories": "8eb6d7a9c4cb1eb0",
    "schedules": "fc3746bb042c9001",
    "places": "a20bd4c688020ccd",
    "details": "adda966d81b48341",
    "confirmations": "96fb9cdcd2fc2ad4",
}

SCHEDULE_FIELDS = [
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "closed_on_holidays",
    "note",
]
FISCAL = {"valid_from", "valid_to"}  # demo schedules hold for the fiscal year loaded
DETAIL_FIELDS = [
    "description",
    "status",
    "is_public",
    "publication_consent",
    "is_free",
    "fee_amount",
    "fees_description",
    "capacity",
    "application_required",
    "application_process",
    "welcomes_volunteers",
    "volunteer_roles",
    "has_seating",
    "step_free",
    "contact_name",
    "contact_phone",
    "contact_is_public",
    "source",
    "source_note",
]


def _plain(value, today: dt.date, *, fiscal: bool = False):
    """A value as JSON; dates relative to what the demo derives them from, so that the
    fingerprint holds on any day: `fiscal` dates (a schedule's validity, set to this fiscal
    year) as its start or end, every other date as days from today. (A date from today that
    happens to fall on April 1 must still read as days from today.)"""
    if isinstance(value, dt.date):
        this_year = periods.fiscal_year(periods.fiscal_year_of(today))
        if fiscal and value in (this_year.start, this_year.end):
            return "fiscal year start" if value == this_year.start else "fiscal year end"
        return f"today{(value - today).days:+d}d"
    if isinstance(value, dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def demo_aspects() -> dict[str, list]:
    """Every demo service, by aspect, in external id order."""
    today = timezone.localdate()
    aspects: dict[str, list] = {name: [] for name in EXPECTED_FINGERPRINTS}
    services = (
        Service.objects.filter(external_id__startswith="demo:")
        .select_related(
            "organization__operator_type", "location__town", "location__place_type", "area"
        )
        .prefetch_related("categories", "target_groups", "schedules")
        .order_by("external_id")
    )
    for service in services:
        key = service.external_id
        aspects["names"].append([key, service.name, service.name_kana])
        aspects["categories"].append(
            [
                key,
                sorted(c.code for c in service.categories.all()),
                sorted(t.code for t in service.target_groups.all()),
            ]
        )
        aspects["schedules"].append(
            [
                key,
                sorted(
                    [_plain(getattr(s, f), today, fiscal=f in FISCAL) for f in SCHEDULE_FIELDS]
                    for s in service.schedules.all()
                ),
            ]
        )
        location = service.location
        aspects["places"].append(
            [
                key,
                service.area.name if service.area else None,
                None
                if location is None
                else [
                    location.name,
                    location.address,
                    location.town.name if location.town else None,
                    _plain(location.latitude, today),
                    _plain(location.longitude, today),
                    location.is_approximate,
                    location.is_private_home,
                    location.place_type.code if location.place_type else None,
                ],
            ]
        )
        organization = service.organization
        aspects["details"].append(
            [
                key,
                [_plain(getattr(service, f), today) for f in DETAIL_FIELDS],
                None
                if organization is None
                else [
                    organization.name,
                    organization.description,
                    organization.source,
                    organization.operator_type.code if organization.operator_type else None,
                ],
            ]
        )
        aspects["confirmations"].append(
            [
                key,
                _plain(service.confirmed_at, today),
                service.confirmed_by.username if service.confirmed_by else None,
            ]
        )
    return aspects


def fingerprints(aspects: dict[str, list]) -> dict[str, str]:
    return {
        name: hashlib.sha256(
            json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()[:16]
        for name, rows in aspects.items()
    }


def test_demo_resources_are_as_they_were(musashino):
    resources_demo.load(musashino)
    aspects = demo_aspects()
    assert len(aspects["names"]) == EXPECTED_COUNT
    assert fingerprints(aspects) == EXPECTED_FINGERPRINTS


def _on(day: dt.date):
    """timezone.localdate() answers `day` (for the demo loader and the aspects alike)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    return mock.patch("django.utils.timezone.localdate", localdate)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2027, 4, 1),  # the first day of a fiscal year
        dt.date(2027, 3, 31),  # its last
        dt.date(2026, 12, 7),  # a place confirmed 250 days ago was confirmed on April 1
        dt.date(2028, 2, 29),
    ],
)
def test_the_fingerprints_hold_on_any_day(musashino, day):
    with _on(day):
        resources_demo.load(musashino)
        aspects = demo_aspects()
    assert fingerprints(aspects) == EXPECTED_FINGERPRINTS


def test_loading_the_demo_twice_changes_nothing(musashino):
    resources_demo.load(musashino)
    first = demo_aspects()
    resources_demo.load(musashino)
    assert demo_aspects() == first
    assert Service.objects.filter(external_id__startswith="demo:").count() == EXPECTED_COUNT


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        (
            'key = "a"\nname = "サロン"\nsource = "seed"\nvolunters = "受付"\n',
            "unknown keys volunters",
        ),
        ('key = "a"\nname = "サロン"\n', "lacks source"),
        ('key = "a"\nname = "サロン"\nsource = "made_up"\n', "unknown source 'made_up'"),
    ],
)
def test_a_mistake_in_the_data_file_is_an_error_naming_the_place(tmp_path, entry, error):
    path = tmp_path / "places.toml"
    path.write_text(
        f'[[places]]\nkey = "ok"\nname = "食堂"\nsource = "seed"\n\n[[places]]\n{entry}',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=f"places.toml: place 2 \\(a\\) .*{re.escape(error)}"):
        resources_demo.read_places(path)


def test_a_repeated_key_is_an_error(tmp_path):
    path = tmp_path / "places.toml"
    path.write_text('[[places]]\nkey = "a"\nname = "一"\nsource = "seed"\n' * 2, encoding="utf-8")
    with pytest.raises(ValueError, match="place 2 \\(a\\) repeats a key"):
        resources_demo.read_places(path)
