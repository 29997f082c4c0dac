"""The WCAG 2.2 criteria axe-core cannot test, walked through in the browser (issue 27;
results in docs/experience.md, screenshots under artifacts/screenshots/wcag22/).

- A keyboard-only pass over the public finder and over recording a visit on a phone, with
  focus never hidden under anything (2.4.11: the focused element's centre is on screen and
  is the element itself), and the same pages at 200 % text.
- The map can be used without dragging (2.5.7): zoom buttons, the keyboard, and the list
  beside it carry the same places.
- Accessible authentication (3.3.8): the login fields say what they are to a password manager
  (autocomplete) and accept a pasted password.
- Consistent help (3.2.6): the help the site offers sits in the same place on every page.
"""

from __future__ import annotations

from django.conf import settings
from playwright.sync_api import expect

from .harness import (
    assert_no_horizontal_overflow,
    axe_check,
    check_text_200,
    focused,
    phone,
    shot,
)

JOURNEY = "wcag22"

_NOT_OBSCURED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  el.scrollIntoView({block: 'nearest'});
  const r = el.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + Math.min(r.height, 40) / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const label = el.labels && el.labels.length ? el.labels[0] : null;
  return {
    onScreen: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    visible: !!hit && (hit === el || el.contains(hit) || (label && label.contains(hit))),
    hit: hit ? hit.tagName + '.' + hit.className : null,
    name: el.getAttribute('name') || el.getAttribute('aria-label') || (el.innerText || '').slice(0, 30),
  };
}"""


def _tab_until(page, test, *, limit: int = 80) -> list[str]:
    """Presses Tab until `test(info)` holds for the focused element; at every stop the
    focused element is on screen and not covered by anything (2.4.11)."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(_NOT_OBSCURED_JS)
        if state is None:
            continue
        assert state["onScreen"] and state["visible"], f"フォーカスが隠れています: {state}"
        seen.append(state["name"])
        if test(state, focused(page)):
            return seen
    raise AssertionError(f"Tabキーで届きません。通った順: {seen}")


def test_finder_with_the_keyboard_only_and_without_dragging(page):
    phone(page)
    page.goto("/finder/132039/")
    _tab_until(page, lambda s, f: s["name"] == "q")
    page.keyboard.type("体操")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "件 見つかりました" in page.locator("#finder-results").inner_text()
    shot(page, JOURNEY, "finder-keyboard-results", full_page=False)

    # The map without dragging: its zoom buttons are reachable by Tab and work with Enter.
    page.wait_for_function("() => window.sasaeaiResourceMap !== undefined")
    before = page.evaluate("() => window.sasaeaiResourceMap.map.getZoom()")
    _tab_until(page, lambda s, f: s["name"] == "拡大")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window.sasaeaiResourceMap.map.getZoom() > {before}")
    # Every place on the map is also in the list under it, as a link of 44 px or more.
    names = page.locator(".finder-card__name a")
    assert names.count() >= 1
    box = names.first.bounding_box()
    assert box["height"] >= 44, box
    shot(page, JOURNEY, "finder-map-zoomed-by-keyboard", full_page=False)

    # Open the first result with Enter.
    name = names.first.inner_text()
    _tab_until(page, lambda s, f: f["text"] == name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    shot(page, JOURNEY, "finder-detail-keyboard", full_page=False)
    check_text_200(page, JOURNEY, "finder-detail")
    page.go_back()
    check_text_200(page, JOURNEY, "finder-results")


def test_login_accepts_a_password_manager_and_paste(page):
    phone(page)
    page.goto("/accounts/login/")
    username = page.get_by_label("ユーザー名")
    password = page.get_by_label("パスワード")
    assert username.get_attribute("autocomplete") == "username"
    assert password.get_attribute("autocomplete") == "current-password"
    username.fill("tier2-1")
    password.focus()
    # A pasted password is taken as typed: nothing cancels the paste event.
    prevented = page.evaluate(
        """(value) => {
          const field = document.activeElement;
          const data = new DataTransfer();
          data.setData('text/plain', value);
          const event = new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true});
          const allowed = field.dispatchEvent(event);
          if (allowed) field.value = value;
          return !allowed;
        }""",
        settings.DEMO_PASSWORD,
    )
    assert not prevented, "パスワード欄への貼り付けが拒否されています"
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    assert "/accounts/login/" not in page.url


def test_recording_a_visit_with_the_keyboard_only_on_a_phone(page):
    phone(page)
    page.goto("/accounts/login/")
    _tab_until(page, lambda s, f: s["name"] == "username")
    page.keyboard.type("tier2-1")
    page.keyboard.press("Tab")
    page.keyboard.type(settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url

    # The menu, with the keyboard: its button opens it, Escape closes it again.
    _tab_until(page, lambda s, f: f["text"].startswith("メニュー"))
    page.keyboard.press("Enter")
    toggle = page.locator(".site-menu-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu_link = page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="活動記録", exact=True
    )
    assert menu_link.is_visible()
    shot(page, JOURNEY, "menu-open", full_page=False)
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not menu_link.is_visible()

    page.goto("/activities/visits/new/")
    assert page.get_by_role("heading", level=1).inner_text() == "訪問を記録"
    _tab_until(page, lambda s, f: s["name"] == "start_time")
    page.keyboard.type("1000")
    _tab_until(page, lambda s, f: s["name"] == "end_time", limit=5)
    page.keyboard.type("1130")
    _tab_until(page, lambda s, f: s["name"] == "service_q")
    page.keyboard.type("サロン")
    page.locator("#service-results label.picker__option", has_text="サロン").first.wait_for()
    # The search answers 300 ms after the last key: wait until no request is under way.
    page.wait_for_timeout(400)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    # Tab enters the radio group at its checked option (選ばない, the last); the arrow keys
    # choose within it: ArrowUp picks the place found just above it.
    _tab_until(page, lambda s, f: s["name"] == "service")
    page.keyboard.press("ArrowUp")
    chosen = page.locator("input[name=service]:checked")
    assert chosen.get_attribute("value"), "訪問先を選べませんでした"
    assert "サロン" in chosen.locator("xpath=..").inner_text()
    _tab_until(page, lambda s, f: s["name"] == "attendees")
    page.keyboard.type("12")
    shot(page, JOURNEY, "visit-keyboard", full_page=False)
    axe_check(page, label="訪問を記録（キーボード・スマートフォン）")
    assert_no_horizontal_overflow(page)
    check_text_200(page, JOURNEY, "visit-form")
    _tab_until(page, lambda s, f: f["tag"] == "button" and f["text"].startswith("保存"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/activities/visits/new/" not in page.url, page.locator(".errorlist").all_inner_texts()
    shot(page, JOURNEY, "visit-saved", full_page=False)


def test_help_sits_in_the_same_place_on_every_page(page):
    """3.2.6: where a page offers help (the guide link in the footer), it is in the same
    place, in the same order, on every page the coordinator uses."""
    phone(page)
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill("tier2-1")
    page.get_by_label("パスワード").fill(settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    footers = set()
    for path in ("/", "/resources/", "/activities/", "/activities/calendar/", "/cases/"):
        page.goto(path)
        footers.add(page.locator(".site-footer").inner_html().strip())
    assert len(footers) == 1, footers
