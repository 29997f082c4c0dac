"""Recurrence at the ends of the calendar: holidays, "meets on" and the next dates answer for
every date from 0001-01-01 to 9999-12-31 without OverflowError, in the module and through the
pages that ask it (the resource list's 「この日にやっているもの」, the calendar's .ics feed)."""

import datetime as dt
import itertools

import pytest
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.activities import services as activity_services
from sasaeai.core import recurrence
from sasaeai.core.recurrence import Rule
from sasaeai.resources.tests.factories import ServiceFactory

FIRST, LAST = dt.date.min, dt.date.max
LIMITS = [FIRST, FIRST + dt.timedelta(days=1), LAST - dt.timedelta(days=1), LAST]

# One rule of every kind, each with and without holiday and year-end closures.
PATTERNS = [
    dict(freq=""),
    dict(freq="DAILY", interval=3),
    dict(freq="WEEKLY", byday="FR,SU"),
    dict(freq="WEEKLY", byday="TU", interval=2),
    dict(freq="MONTHLY", byday="2TU,4TU"),
    dict(freq="MONTHLY", byday="-1FR"),
    dict(freq="MONTHLY", bymonthday="31,-1"),
    dict(freq="MONTHLY", bymonthday="20", bymonth="12"),
    dict(freq="IRREGULAR"),
]
RULES = [
    Rule.from_parts(**pattern, anchor=anchor, closed_on_holidays=closed, closed_year_end=closed)
    for pattern, anchor, closed in itertools.product(PATTERNS, (FIRST, LAST), (False, True))
]


@pytest.mark.parametrize("day", LIMITS)
def test_holidays_answer_at_the_limits(day):
    assert recurrence.holiday_name(day) in (None, "元日")
    assert isinstance(recurrence.is_holiday(day), bool)
    assert recurrence.holidays_between(day, day).keys() <= {day}
    assert list(recurrence.holidays_between(dt.date(9999, 11, 1), LAST).values()) == [
        "文化の日",
        "勤労感謝の日",
    ]
    assert recurrence.holidays_between(LAST, LAST) == {}


@pytest.mark.parametrize("rule", RULES, ids=str)
def test_meets_on_and_next_dates_answer_at_the_limits(rule):
    for day in LIMITS:
        recurrence.meets_on(rule, day)
        found = recurrence.next_dates(rule, start=day, count=3)
        assert all(day <= found_day <= LAST for found_day in found)
        ahead = dt.date.fromordinal(min(day.toordinal() + 731, LAST.toordinal()))
        assert recurrence.dates_between(rule, day, ahead)[:3] == found
    assert recurrence.first_date(rule) is None or recurrence.first_date(rule) >= rule.anchor
    recurrence.weekday_mask(rule)


def test_a_weekly_rule_meets_on_the_last_friday_of_the_calendar():
    friday = Rule.from_parts(freq="WEEKLY", byday="FR")
    assert LAST.weekday() == 4  # 9999-12-31 is a Friday
    assert recurrence.next_dates(friday, start=LAST - dt.timedelta(days=3), count=5) == [LAST]
    closed = Rule.from_parts(freq="WEEKLY", byday="FR", closed_year_end=True)
    assert recurrence.next_dates(closed, start=LAST - dt.timedelta(days=3), count=5) == []


@pytest.fixture
def tier2(musashino):
    return User.objects.get(username="tier2-1")


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_resource_list_filtered_by_a_limit_date_answers(musashino, day):
    ServiceFactory(name="体操教室")
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    response = client.get("/resources/", {"open_on": day})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("freq", ["", "WEEKLY", "MONTHLY"])
def test_the_calendar_feed_answers_with_an_entry_on_the_last_day(tier2, freq):
    activity_services.calendar_entry_save(
        user=tier2,
        fields={
            "title": "最後の日の予定",
            "kind": "other_activity",
            "date": LAST,
            "freq": freq,
            "byday": "FR" if freq == "WEEKLY" else "",
            "bymonthday": "31" if freq == "MONTHLY" else "",
            "skip_holidays": bool(freq),
            "area": tier2.areas.first(),
        },
    )
    client = Client()
    client.force_login(tier2)
    page = client.post("/activities/calendar/subscription/", {"action": "create"})
    html = page.content.decode()
    url = html.split('id="feed-url" class="input token" type="text" readonly value="')[1]
    path = url.split('"')[0].split("testserver")[1]
    response = Client().get(path)
    assert response.status_code == 200
    assert "最後の日の予定" in response.content.decode()
