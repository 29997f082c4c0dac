"""Visits recorded without a connection (issue 21, 「オフラインで記録」): a tier-2 coordinator on a
375 px phone opens the site once, goes into a basement without signal (Playwright's offline
mode), opens the visit form from the phone (the service worker kept it), records two visits and
one with a mistake, and a consultation without its summary, sees them waiting on the phone,
comes back online and sees them sent once and counted once, the mistaken one refused with the
server's Japanese message; a resend with the same key makes no duplicate; logging out clears
the queue, the kept pages and the worker."""

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from sasaeai.activities.models import Consultation, SubmissionKey, Visit

from .harness import axe_check, login, open_menu, phone, shot

JOURNEY = "offline-visits"
PLACES = ("地下集会室のふれあいサロン", "公民館地下の体操教室")
WRONG = "時刻を間違えた訪問先"

WAIT_FOR_WORKER = """async () => {
  const registration = await navigator.serviceWorker.ready;
  for (let i = 0; i < 100; i++) {
    const names = await caches.keys();
    for (const name of names) {
      const cache = await caches.open(name);
      if (await cache.match("/activities/visits/new/") && await cache.match("/activities/consultations/new/")) {
        return registration.active !== null;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}"""

QUEUE = """() => JSON.parse(localStorage.getItem("sasaeai-offline-queue") || "[]")"""


def _record_visit(page: Page, place: str, *, start: str, end: str, attendees: str) -> None:
    page.get_by_role("radio", name="選ばない").first.check()
    details = page.locator("details.more", has_text="社会資源にない訪問先")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.get_by_label(re.compile(r"^訪問先（社会資源にない場合）")).fill(place)
    page.get_by_label(re.compile(r"^開始時刻")).fill(start)
    page.get_by_label(re.compile(r"^終了時刻")).fill(end)
    page.get_by_label(re.compile(r"^参加者数")).fill(attendees)
    page.get_by_role("button", name="保存", exact=True).click()


def test_two_visits_recorded_offline_are_sent_once_and_counted_once(page: Page):
    context = page.context
    today = timezone.localdate()
    before = Visit.objects.count()

    login(page, "tier2-1")
    phone(page)
    assert page.evaluate(WAIT_FOR_WORKER), "the service worker did not keep the two forms"

    # In the basement: no connection. The visit form opens from the phone.
    context.set_offline(True)
    page.goto("/activities/visits/new/")
    form = page.locator("form[data-offline-form=visit]")
    expect(form.get_by_role("status")).to_contain_text("接続がありません")
    expect(page.get_by_label(re.compile(r"^活動の様子"))).to_be_disabled()

    _record_visit(page, PLACES[0], start="10:00", end="11:30", attendees="12")
    queue = page.locator("[data-offline-queue]")
    expect(queue).to_contain_text("送信待ち")
    expect(queue).to_contain_text(PLACES[0])
    _record_visit(page, PLACES[1], start="13:30", end="15:00", attendees="8")
    _record_visit(page, WRONG, start="15:00", end="14:00", attendees="3")
    items = queue.locator(".offline-item")
    expect(items).to_have_count(3)
    expect(queue).to_contain_text("接続がありません。記録は端末に保存し")
    assert Visit.objects.count() == before  # nothing has reached the server

    # Only what the form may keep is on the phone: the place, date, times, count and area.
    kept = page.evaluate(QUEUE)
    assert [item["payload"]["place_name"] for item in kept] == [*PLACES, WRONG]
    for item in kept:
        assert set(item["payload"]) <= {
            "date",
            "start_time",
            "end_time",
            "service_id",
            "place_name",
            "area_id",
            "attendees",
        }
        assert item["payload"]["date"] == today.isoformat()
    shot(page, JOURNEY, "queue-offline")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, JOURNEY, "queue-offline-first-screen", full_page=False)  # the guide's picture

    # The consultation form offline: its summary is not kept, and the form says so; the rest
    # waits like a visit.
    page.goto("/activities/consultations/new/")
    expect(page.locator("[data-offline-note]")).to_contain_text("概要は接続が戻ってから")
    expect(page.get_by_label(re.compile(r"^概要"))).to_be_disabled()
    page.get_by_role("radio", name="高齢者（本人）").check()
    page.get_by_role("radio", name="訪問先・出先").check()
    page.get_by_role("checkbox", name="認知症").check()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("[data-offline-queue] .offline-item")).to_have_count(4)
    expect(page.locator("[data-offline-queue]")).to_contain_text(
        f"相談 {today.month}月{today.day}日 認知症"
    )
    consultations_before = Consultation.objects.count()

    # Back in signal: the waiting visits are sent, one at a time, each once.
    context.set_offline(False)
    queue = page.locator("[data-offline-queue]")
    expect(queue.locator(".offline-item--waiting")).to_have_count(0)
    failed = queue.locator(".offline-item--failed")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text(WRONG)
    expect(failed).to_contain_text("終了時刻: 終了時刻が開始時刻より前（または同じ）です。")
    shot(page, JOURNEY, "queue-sent-one-refused")
    axe_check(page, label="offline queue with a refused visit on a phone")
    expect(queue).to_contain_text("3件を送信しました。")
    for place in PLACES:
        assert Visit.objects.filter(place_name=place).count() == 1
    assert Consultation.objects.count() == consultations_before + 1
    consultation = Consultation.objects.order_by("-id").first()
    assert consultation.summary == "" and consultation.channel == "on_site"
    assert [t.name for t in consultation.topics.all()] == ["認知症"]
    assert consultation.coordinator.username == "tier2-1"
    assert not Visit.objects.filter(place_name=WRONG).exists()
    assert Visit.objects.count() == before + 2
    visit = Visit.objects.get(place_name=PLACES[0])
    assert visit.attendees == 12 and visit.minutes == 90 and visit.date == today
    assert visit.coordinator.username == "tier2-1" and visit.area_id is not None

    # A resend of the same item (an answer lost on the way) makes no second visit.
    key = kept[0]["key"]
    assert SubmissionKey.objects.get(key=key).visit_id == visit.pk
    status = page.evaluate(
        """async ([key, payload]) => {
          const session = await (await fetch("/activities/offline/session.json")).json();
          const answer = await fetch("/api/v1/visits", {
            method: "POST",
            headers: {"Content-Type": "application/json", "X-CSRFToken": session.csrf,
                      "Idempotency-Key": key},
            body: JSON.stringify(payload),
          });
          return [answer.status, (await answer.json()).id];
        }""",
        [key, kept[0]["payload"]],
    )
    assert status == [200, visit.pk]
    assert Visit.objects.filter(place_name=PLACES[0]).count() == 1

    # Counted once in the visit list.
    page.goto("/activities/?kind=visit&period=month")
    for place in PLACES:
        expect(page.get_by_text(place)).to_have_count(1)

    # Logging out clears the refused item still on the phone, the kept pages and the worker.
    page.once("dialog", lambda dialog: dialog.accept())
    open_menu(page)  # on a phone the logout button is in the menu
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()
    assert page.evaluate(QUEUE) == []
    assert (
        page.evaluate(
            "async () => (await caches.keys()).filter((n) => n.startsWith('sasaeai-offline-'))"
        )
        == []
    )
    assert (
        page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    )
