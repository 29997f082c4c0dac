"""The calendar: recurrence in Japanese (毎週, 第2火曜, 偶数月20日) and its expansion, holidays
marked, week and month views, the one click from a past entry to its pre-filled record, the
tier-1 team view, and the private iCalendar feed that parses back round-trip."""

import datetime as dt

import icalendar
import pytest
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.activities import selectors, services
from sasaeai.activities.models import CalendarEntry, CalendarFeed, Visit
from sasaeai.activities.recurrence import (
    occurrences,
    recurrence_parse_japanese,
    recurrence_text,
)
from sasaeai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("phrase", "parts", "label"),
    [
        ("毎週火曜", {"freq": "WEEKLY", "byday": "TU", "interval": 1}, "毎週火曜"),
        ("隔週金曜", {"freq": "WEEKLY", "byday": "FR", "interval": 2}, "隔週金曜"),
        ("第2火曜", {"freq": "MONTHLY", "byday": "2TU"}, "第2火曜"),
        ("第２・第４水曜", {"freq": "MONTHLY", "byday": "2WE,4WE"}, "第2・第4水曜"),
        ("最終金曜", {"freq": "MONTHLY", "byday": "-1FR"}, "最終金曜"),
        ("毎月15日", {"freq": "MONTHLY", "bymonthday": "15", "bymonth": ""}, "毎月15日"),
        (
            "偶数月20日",
            {"freq": "MONTHLY", "bymonthday": "20", "bymonth": "2,4,6,8,10,12"},
            "偶数月20日",
        ),
    ],
)
def test_japanese_phrases_read_and_written(phrase, parts, label):
    parsed = recurrence_parse_japanese(phrase)
    for key, value in parts.items():
        assert parsed[key] == value
    entry = CalendarEntry(date=D(2026, 4, 1), **parsed)
    assert recurrence_text(entry) == label


def test_an_unreadable_phrase_says_so():
    with pytest.raises(ValueError, match="繰り返し「そのうち」を読み取れませんでした"):
        recurrence_parse_japanese("そのうち")


def test_occurrences_of_each_kind_of_rule():
    second_tuesday = CalendarEntry(date=D(2026, 4, 1), freq="MONTHLY", byday="2TU")
    assert occurrences(second_tuesday, D(2026, 4, 1), D(2026, 7, 31)) == [
        D(2026, 4, 14),
        D(2026, 5, 12),
        D(2026, 6, 9),
        D(2026, 7, 14),
    ]
    even_months = CalendarEntry(
        date=D(2026, 1, 1), freq="MONTHLY", bymonthday="20", bymonth="2,4,6,8,10,12"
    )
    assert occurrences(even_months, D(2026, 1, 1), D(2026, 8, 31)) == [
        D(2026, 2, 20),
        D(2026, 4, 20),
        D(2026, 6, 20),
        D(2026, 8, 20),
    ]
    # 毎週月曜, resting on holidays: 2026-05-04 (みどりの日) is left out, a skipped date too.
    mondays = CalendarEntry(date=D(2026, 4, 27), freq="WEEKLY", byday="MO", skip_holidays=True)
    assert occurrences(mondays, D(2026, 4, 27), D(2026, 5, 18), skipped={D(2026, 5, 11)}) == [
        D(2026, 4, 27),
        D(2026, 5, 18),
    ]
    once = CalendarEntry(date=D(2026, 5, 1))
    assert occurrences(once, D(2026, 4, 1), D(2026, 5, 31)) == [D(2026, 5, 1)]
    assert occurrences(once, D(2026, 6, 1), D(2026, 6, 30)) == []


@pytest.fixture
def tier2(musashino):
    return User.objects.get(username="tier2-1")


@pytest.fixture
def client_t2(tier2):
    client = Client()
    client.force_login(tier2)
    return client


def test_entry_form_takes_a_phrase_and_moves_to_the_first_occurrence(client_t2, tier2):
    response = client_t2.post(
        "/activities/calendar/entries/new/",
        {
            "title": "家族介護者サロン",
            "kind": "visit",
            "date": "2026-04-01",  # a Wednesday
            "start_time": "10:00",
            "end_time": "12:00",
            "recurrence_text": "第2火曜",
            "interval": "1",
            "area": tier2.areas.first().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    entry = CalendarEntry.objects.get()
    assert (entry.freq, entry.byday, entry.date) == ("MONTHLY", "2TU", D(2026, 4, 14))
    assert entry.coordinator == tier2
    assert entry.history.count() == 1


def test_entry_form_refuses_bad_input_and_keeps_it(client_t2, tier2):
    response = client_t2.post(
        "/activities/calendar/entries/new/",
        {
            "title": "地域協議会",
            "kind": "meeting",
            "date": "2026-04-01",
            "start_time": "15:00",
            "end_time": "14:00",
            "recurrence_text": "ときどき",
            "interval": "1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "終了時刻が開始時刻より前" in html
    assert "繰り返し「ときどき」を読み取れませんでした" in html
    assert 'value="地域協議会"' in html
    assert not CalendarEntry.objects.exists()


def test_service_validates_rule_parts(tier2):
    with pytest.raises(ValidationError) as error:
        services.calendar_entry_save(
            user=tier2,
            fields={"title": "x", "date": D(2026, 4, 1), "freq": "WEEKLY", "byday": "2TU"},
        )
    assert "毎月" in str(error.value.message_dict["byday"])


def test_week_view_marks_holidays_and_offers_record_on_past_entries(client_t2, tier2):
    today = timezone.localdate()
    entry = services.calendar_entry_save(
        user=tier2,
        fields={
            "title": "たんぽぽサロン訪問",
            "kind": "visit",
            "venue": "たんぽぽサロン",
            "date": today - dt.timedelta(days=14),
            "start_time": dt.time(10),
            "end_time": dt.time(11, 30),
            "freq": "WEEKLY",
            "byday": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][today.weekday()],
            "area": tier2.areas.first(),
        },
    )
    html = client_t2.get(f"/activities/calendar/?date={today.isoformat()}").content.decode()
    assert "たんぽぽサロン訪問" in html
    assert f"/activities/calendar/entries/{entry.pk}/record/?date={today.isoformat()}" in html
    # 2026-05-03 (憲法記念日) is marked in its week.
    html = client_t2.get("/activities/calendar/?date=2026-05-03").content.decode()
    assert "祝日: 憲法記念日" in html
    month = client_t2.get("/activities/calendar/?view=month&date=2026-05-01").content.decode()
    assert "こどもの日" in month


def test_one_click_from_a_past_entry_to_the_prefilled_record(client_t2, tier2):
    today = timezone.localdate()
    day = today - dt.timedelta(days=7)
    entry = services.calendar_entry_save(
        user=tier2,
        fields={
            "title": "ふれあいルーム",
            "kind": "visit",
            "venue": "ふれあいルーム",
            "date": day,
            "start_time": dt.time(13, 30),
            "end_time": dt.time(15),
            "area": tier2.areas.first(),
        },
    )
    response = client_t2.get(
        f"/activities/calendar/entries/{entry.pk}/record/?date={day.isoformat()}"
    )
    assert response.status_code == 302
    form = client_t2.get(response["Location"]).content.decode()
    assert f'value="{day.isoformat()}"' in form
    assert 'value="13:30"' in form and 'value="15:00"' in form
    assert 'value="ふれあいルーム"' in form
    # Saving it links the record to the entry; the calendar then says 記録済み.
    client_t2.post(
        response["Location"],
        {
            "calendar_entry": entry.pk,
            "occurrence_date": day.isoformat(),
            "date": day.isoformat(),
            "start_time": "13:30",
            "end_time": "15:00",
            "place_name": "ふれあいルーム",
            "area": tier2.areas.first().pk,
            "then": "done",
        },
    )
    visit = Visit.objects.get()
    assert (visit.calendar_entry, visit.occurrence_date, visit.minutes) == (entry, day, 90)
    html = client_t2.get(f"/activities/calendar/?date={day.isoformat()}").content.decode()
    assert "記録済み" in html
    again = client_t2.get(f"/activities/calendar/entries/{entry.pk}/record/?date={day.isoformat()}")
    assert again["Location"] == f"/activities/visits/{visit.pk}/"


def test_skip_one_date_of_a_recurring_entry(client_t2, tier2):
    entry = services.calendar_entry_save(
        user=tier2,
        fields={
            "title": "体操",
            "kind": "visit",
            "date": D(2026, 6, 1),
            "freq": "WEEKLY",
            "byday": "MO",
            "area": tier2.areas.first(),
        },
    )
    page = client_t2.post(
        f"/activities/calendar/entries/{entry.pk}/skip/", {"date": "2026-06-08"}, follow=True
    )
    assert "6月8日の「体操」を休みにしました。" in page.content.decode()
    days = selectors.calendar_days(
        user=tier2, coordinators=[tier2.pk], start=D(2026, 6, 1), end=D(2026, 6, 15)
    )[tier2.pk]
    mondays = {
        day.date: [o.entry.title for o in day.occurrences]
        for day in days
        if day.date.weekday() == 0
    }
    assert mondays == {D(2026, 6, 1): ["体操"], D(2026, 6, 8): [], D(2026, 6, 15): ["体操"]}


def test_team_view_shows_every_coordinators_week(musashino, tier2):
    services.calendar_entry_save(
        user=tier2,
        fields={
            "title": "地域ケア会議",
            "kind": "meeting",
            "date": D(2026, 6, 3),
            "area": tier2.areas.first(),
        },
    )
    tier1 = Client()
    tier1.force_login(User.objects.get(username="tier1"))
    html = tier1.get("/activities/calendar/team/?date=2026-06-03").content.decode()
    assert "地域ケア会議" in html
    for username in ["tier2-1", "tier2-6"]:
        assert User.objects.get(username=username).name in html
    # A tier-2 coordinator sees the colleagues of its own areas only.
    other = Client()
    other.force_login(User.objects.get(username="tier2-2"))
    html = other.get("/activities/calendar/team/?date=2026-06-03").content.decode()
    assert User.objects.get(username="tier2-2").name in html
    assert tier2.name not in html and "地域ケア会議" not in html


def test_others_calendars_cannot_be_changed(musashino, tier2):
    entry = services.calendar_entry_save(
        user=tier2, fields={"title": "予定", "date": D(2026, 6, 3), "area": tier2.areas.first()}
    )
    someone = Client()
    someone.force_login(User.objects.get(username="tier2-2"))
    assert someone.get(f"/activities/calendar/entries/{entry.pk}/edit/").status_code == 404
    assert someone.post(f"/activities/calendar/entries/{entry.pk}/delete/").status_code == 404
    assert CalendarEntry.objects.filter(pk=entry.pk).exists()


def test_the_feed_parses_back_round_trip(client_t2, tier2):
    weekly = services.calendar_entry_save(
        user=tier2,
        fields={
            "title": "家族介護者サロン",
            "kind": "visit",
            "venue": "コミュニティセンター",
            "note": "内部メモ（送らない）",
            "date": timezone.localdate(),
            "start_time": dt.time(10),
            "end_time": dt.time(12),
            "freq": "MONTHLY",
            "byday": "2TU",
            "until": timezone.localdate() + dt.timedelta(days=300),
            "area": tier2.areas.first(),
        },
    )
    services.calendar_occurrence_skip(
        user=tier2,
        entry=weekly,
        date=occurrences(weekly, weekly.date, weekly.date + dt.timedelta(days=70))[1],
    )
    news = services.calendar_entry_save(
        user=tier2,
        fields={
            "title": "安心・安全ニュース発行",
            "kind": "other_activity",
            "date": D(2026, 1, 1),
            "freq": "MONTHLY",
            "bymonthday": "20",
            "bymonth": "2,4,6,8,10,12",
            "area": tier2.areas.first(),
        },
    )
    page = client_t2.post("/activities/calendar/subscription/", {"action": "create"})
    html = page.content.decode()
    url = html.split('id="feed-url" class="input token" type="text" readonly value="')[1].split(
        '"'
    )[0]
    assert "/activities/calendar/feed/" in url
    path = url.split("testserver")[1]
    response = Client().get(path)  # no login: calendar programs cannot log in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "内部メモ" not in response.content.decode()
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"家族介護者サロン", "安心・安全ニュース発行"}
    salon = events["家族介護者サロン"]
    start = salon.decoded("dtstart")
    assert start.date() == weekly.date and start.hour == 10 and str(start.tzinfo) == "Asia/Tokyo"
    assert salon.decoded("dtend").hour == 12
    assert str(salon["location"]) == "コミュニティセンター"
    rule = salon["rrule"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["BYDAY"] == ["2TU"]
    # The rule and exceptions expand back to exactly the dates Sasaeai shows.
    expanded = rrulestr(rule.to_ical().decode(), dtstart=start)
    exdates = {d.dt.date() for group in [salon["exdate"]] for d in group.dts}
    horizon = weekly.date + dt.timedelta(days=120)
    from_feed = [
        m.date()
        for m in expanded.between(start, start + dt.timedelta(days=120), inc=True)
        if m.date() not in exdates
    ]
    skipped = set(weekly.exceptions.values_list("date", flat=True))
    assert from_feed == occurrences(weekly, weekly.date, horizon, skipped=skipped)
    paper = events["安心・安全ニュース発行"]
    assert paper.decoded("dtstart") == D(2026, 2, 20)  # all-day, the first 偶数月20日
    assert paper["rrule"]["BYMONTHDAY"] == [20] and paper["rrule"]["BYMONTH"] == [
        2,
        4,
        6,
        8,
        10,
        12,
    ]
    assert news.pk and AuditEvent.objects.filter(summary="予定表の購読URLを発行").exists()


def test_the_feed_url_is_revocable_and_only_one_lives(client_t2, tier2):
    _, first = services.calendar_feed_create(user=tier2)
    assert Client().get(f"/activities/calendar/feed/{first}.ics").status_code == 200
    _, second = services.calendar_feed_create(user=tier2)
    assert Client().get(f"/activities/calendar/feed/{first}.ics").status_code == 404
    client_t2.post("/activities/calendar/subscription/", {"action": "revoke"})
    assert Client().get(f"/activities/calendar/feed/{second}.ics").status_code == 404
    assert Client().get("/activities/calendar/feed/not-a-token.ics").status_code == 404
    assert CalendarFeed.objects.filter(user=tier2, revoked_at__isnull=True).count() == 0


def test_the_calendar_headings_say_the_era_like_every_other_date(client_t2):
    """The week and month headings in 令和 (issue 21), never 2026年 beside era dates."""
    week = client_t2.get("/activities/calendar/", {"date": "2026-10-22"}).content.decode()
    assert "令和8年10月19日（月）からの週" in week
    assert "2026年" not in week
    month = client_t2.get(
        "/activities/calendar/", {"date": "2026-10-22", "view": "month"}
    ).content.decode()
    assert "令和8年10月" in month and "2026年" not in month
