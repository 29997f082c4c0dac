"""The private iCalendar feed of a coordinator's calendar (for Outlook and Google Calendar),
written with the `icalendar` library. Entries carry their title, place and recurrence only:
the notes stay in Sasaeai, since a feed leaves the system."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.core.recurrence import dates_between, holidays_between

from . import selectors
from .models import CalendarEntry
from .recurrence import entry_rule, ical_rrule

TOKYO = ZoneInfo(settings.TIME_ZONE)


def _moment(day: dt.date, time: dt.time | None) -> dt.date | dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TOKYO) if time else day


def entry_event(entry: CalendarEntry, *, skipped: list[dt.date], host: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"calendar-entry-{entry.pk}@{host}")
    event.add("dtstamp", entry.updated_at if entry.updated_at else timezone.now())
    event.add("last-modified", entry.updated_at or timezone.now())
    event.add("summary", entry.title)
    if entry.venue or entry.service_id:
        event.add("location", entry.venue or entry.service.name)
    event.add("dtstart", _moment(entry.date, entry.start_time))
    if entry.start_time and entry.end_time:
        event.add("dtend", _moment(entry.date, entry.end_time))
    elif not entry.start_time and entry.date < dt.date.max:
        # A day-long event ends the next day (RFC 5545); on 9999-12-31 DTSTART alone says it.
        event.add("dtend", entry.date + dt.timedelta(days=1))
    event.add("categories", [entry.get_kind_display()])
    rule = ical_rrule(entry)
    if rule:
        if entry.until and entry.start_time:
            # With a zoned DTSTART, UNTIL is written in UTC (RFC 5545 3.3.10).
            rule["UNTIL"] = dt.datetime.combine(
                entry.until, dt.time(23, 59, 59), tzinfo=TOKYO
            ).astimezone(dt.UTC)
        event.add("rrule", rule)
        if skipped:
            event.add("exdate", [_moment(day, entry.start_time) for day in sorted(skipped)])
    return event


def calendar_ics(*, user: User, host: str = "sasaeai") -> bytes:
    """The user's calendar as an iCalendar document (a year back, recurring entries with
    their rules; holidays an entry rests on and skipped dates as EXDATE)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Sasaeai//ささえあい 予定表//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"ささえあい予定表（{user.name}）")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=730)
    holidays = None
    for entry in selectors.feed_entries(user=user):
        skipped = [exception.date for exception in entry.exceptions.all()]
        if entry.freq and entry.skip_holidays:
            if holidays is None:
                holidays = holidays_between(today - dt.timedelta(days=366), horizon)
            # The holidays it would meet on were it open on holidays: EXDATE for the feed.
            skipped += [
                day
                for day in dates_between(
                    entry_rule(entry, skip_holidays=False),
                    max(entry.date, today - dt.timedelta(days=366)),
                    horizon,
                )
                if day in holidays
            ]
        calendar.add_component(entry_event(entry, skipped=sorted(set(skipped)), host=host))
    calendar.add_missing_timezones()
    return calendar.to_ical()
