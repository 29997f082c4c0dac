"""Quick entry on a phone (issue 5): a tier-2 coordinator, right after a salon visit, opens the
calendar at 375 px, clicks the past calendar entry, lands on the visit form pre-filled from it,
records the visit with the keyboard only and one consultation on the next screen: two screens
in all. Large text (200 %) stays usable on both screens."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from sasaeai.accounts.models import User
from sasaeai.activities.models import CalendarEntry, Consultation, Visit
from sasaeai.activities.tests.factories import CalendarEntryFactory
from sasaeai.resources.models import Service

from .harness import axe_check, check_text_200, login, phone, shot, tab_to

JOURNEY = "activities-phone"


def test_a_visit_with_one_consultation_from_the_calendar_on_a_phone(page: Page):
    user = User.objects.get(username="tier2-1")
    area = user.areas.order_by("order", "id").first()
    service = (
        Service.objects.filter(municipality_id=user.municipality_id, location__town__area=area)
        .order_by("id")
        .first()
    )
    day = timezone.localdate() - dt.timedelta(days=1)
    entry = CalendarEntryFactory(
        coordinator=user,
        area=area,
        title="サロン訪問（電話で依頼あり）",
        kind=CalendarEntry._meta.get_field("kind").default,
        service=service,
        date=day,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
    )
    visits_before = Visit.objects.count()

    login(page, "tier2-1")
    phone(page)
    page.goto(f"/activities/calendar/?view=week&date={day.isoformat()}")
    record_link = page.get_by_role(
        "link",
        name=re.compile(rf"^記録する\s*: {day.month}月{day.day}日 {re.escape(entry.title)}$"),
    )
    expect(record_link).to_be_visible()
    shot(page, JOURNEY, "calendar")
    axe_check(page, label="calendar week on a phone")

    # Screen 1: the visit form, pre-filled from the calendar entry.
    with page.expect_navigation():
        record_link.click()
    assert re.search(rf"/activities/visits/new/\?entry={entry.pk}&date={day.isoformat()}", page.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("訪問")
    expect(page.get_by_label(re.compile(r"^日付"))).to_have_value(day.isoformat())
    expect(page.get_by_text(service.name).first).to_be_visible()
    shot(page, JOURNEY, "visit-form")
    axe_check(page, label="visit form on a phone")
    check_text_200(page, JOURNEY, "visit-form")

    # Keyboard only: Tab to the head count, type it, Tab to the button that goes on to the
    # consultation, press Enter.
    page.locator("body").focus()
    tab_to(page, r"^参加者数")
    page.keyboard.type("14")
    tab_to(page, r"^保存して相談を記録")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Screen 2: the consultation received on the spot, linked to the visit.
    visit = Visit.objects.order_by("-id").first()
    assert Visit.objects.count() == visits_before + 1
    assert visit.calendar_entry_id == entry.pk and visit.occurrence_date == day
    assert visit.service_id == service.pk and visit.attendees == 14
    assert visit.minutes == 90
    expect(page.get_by_role("heading", level=1)).to_contain_text("相談")
    expect(page.get_by_text("で受けた相談として記録します。")).to_be_visible()
    shot(page, JOURNEY, "consultation-form")
    axe_check(page, label="consultation form on a phone")
    check_text_200(page, JOURNEY, "consultation-form")
    page.get_by_label("地域活動者").check()
    expect(page.get_by_label("訪問先・出先")).to_be_checked()
    page.get_by_label("活動費").check()
    page.get_by_label(re.compile(r"^概要")).fill("サロンの活動費が足りないとの相談")
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()

    consultation = Consultation.objects.get(visit=visit)
    assert consultation.channel == "on_site" and consultation.consulter_type == "activist"
    assert [t.name for t in consultation.topics.all()] == ["活動費"]
    shot(page, JOURNEY, "saved")
    axe_check(page, label="record after saving on a phone")

    # Back on the calendar the entry shows as recorded.
    page.goto(f"/activities/calendar/?view=week&date={day.isoformat()}")
    expect(
        page.get_by_role("link", name=re.compile(rf"^記録済み\s*: {re.escape(entry.title)}$"))
    ).to_be_visible()
    shot(page, JOURNEY, "calendar-recorded")
