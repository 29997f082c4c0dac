"""The year-end closure (年末年始休み, 12/29–1/3) is a schedule field, not words in its note: the
public finder's and the staff list's 「この日にやっているもの」 leave such a schedule out over the
closure, its next dates skip it, its text says it, and the resource form (the checkbox or a
typed phrase) sets it.

The case reported: a salon 毎週火曜 年末年始休み was listed as open on 2026-12-29."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sasaeai.org.models import Town
from sasaeai.resources.models import Service
from sasaeai.resources.schedules import schedule_next_dates, schedule_text

from .factories import LocationFactory, ScheduleFactory, ServiceFactory, category
from .test_views import form_data, login

pytestmark = pytest.mark.django_db

CLOSED = [dt.date(2026, 12, 29), dt.date(2027, 1, 2)]  # a Tuesday and a Saturday
OPEN = dt.date(2027, 1, 5)  # the first Tuesday after the closure


@pytest.fixture
def salons(musashino):
    sakura = Town.objects.get(municipality=musashino, name="桜堤")

    def make(name, **schedule):
        service = ServiceFactory(
            name=name,
            location=LocationFactory(town=sakura),
            is_public=True,
            publication_consent=True,
            categories=[category("salon")],
        )
        ScheduleFactory(service=service, **schedule)
        return service

    return {
        "closed": make("年末年始休みサロン", freq="WEEKLY", byday="TU,SA", closed_year_end=True),
        "open": make("年末も開くサロン", freq="WEEKLY", byday="TU,SA"),
        "daily": make("毎日の居場所", freq="DAILY", closed_year_end=True),
    }


def _names(response) -> set[str]:
    return {s.name for s in response.context["page"]}


def test_the_public_finder_leaves_a_year_end_closure_out_of_the_closed_days(client, salons):
    url = f"/finder/{salons['closed'].municipality.code}/"
    for day in CLOSED:
        content = client.get(url, {"q": "サロン", "open_on": day.isoformat()}).content.decode()
        assert "年末年始休みサロン" not in content, day
        assert "年末も開くサロン" in content, day
    content = client.get(url, {"q": "サロン", "open_on": OPEN.isoformat()}).content.decode()
    assert "年末年始休みサロン" in content


def test_the_staff_list_leaves_a_year_end_closure_out_of_the_closed_days(client, salons):
    login(client, "tier1")
    for day in CLOSED:
        found = _names(client.get(reverse("resources:list"), {"open_on": day.isoformat()}))
        assert "年末年始休みサロン" not in found and "毎日の居場所" not in found, day
        assert "年末も開くサロン" in found, day
    found = _names(client.get(reverse("resources:list"), {"open_on": OPEN.isoformat()}))
    assert {"年末年始休みサロン", "毎日の居場所"} <= found


def test_next_dates_and_text_skip_and_say_the_closure(salons):
    schedule = salons["closed"].schedules.get()
    dates = schedule_next_dates(schedule, start=dt.date(2026, 12, 26), count=3)
    assert dates == [dt.date(2026, 12, 26), dt.date(2027, 1, 5), dt.date(2027, 1, 9)]
    assert "年末年始休み" in schedule_text(schedule)
    assert "年末年始" not in schedule.note


def test_the_detail_page_next_dates_skip_the_closure(client, salons, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 12, 26))
    login(client, "tier1")
    response = client.get(reverse("resources:detail", args=[salons["closed"].pk]))
    assert [day for day, _ in response.context["next_dates"]][:3] == [
        dt.date(2026, 12, 26),
        dt.date(2027, 1, 5),
        dt.date(2027, 1, 9),
    ]
    assert "毎週火・土曜（年末年始休み）" in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"schedules-0-closed_year_end": "on"},
        {"schedules-0-phrase": "第2・第4水曜 13:30〜15:30 年末年始休み"},
    ],
    ids=["checkbox", "phrase"],
)
def test_the_resource_form_stores_the_closure(client, musashino, fields):
    login(client, "tier2-6")
    response = client.post(reverse("resources:create"), form_data(musashino, **fields))
    assert response.status_code == 302
    schedule = Service.objects.get(name="新しいサロン").schedules.get()
    assert schedule.closed_year_end is True
    assert schedule.note == ""
    assert schedule.text() == "第2・第4水曜 13:30〜15:30（年末年始休み）"


def test_the_resource_form_keeps_the_ticked_closure_when_it_shows_errors(client, musashino):
    login(client, "tier2-6")
    data = form_data(musashino, name="", **{"schedules-0-closed_year_end": "on"})
    response = client.post(reverse("resources:create"), data)
    assert response.status_code == 400  # shown again with the errors
    assert response.context["formset"].forms[0]["closed_year_end"].value() is True
