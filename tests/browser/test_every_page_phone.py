"""Every staff and public page fits a 375 px phone, with targets large enough to touch
(issues 21 and 27).

The pages come from the URL resolver and the access registry (tests/access_world.py's
addressable_pages: never listed by hand, so a new page cannot be forgotten), each with its
object built in the access world on top of the demo installation. Every role that may see a
page visits it, at 375 px, in one browser session per role, and the page fails when

- the document is wider than the screen, or a control or heading sticks out of it;
- an interactive target is smaller than 24 × 24 CSS px (WCAG 2.2, 2.5.8) and not spaced
  (a 24 px circle on its centre touches another target), inline text links in a sentence
  exempt;
- a primary action (a submit button), or on the public finder any control, list link or map
  marker, is smaller than 44 × 44 px (ROUND2.md, "Target sizes").

Each page is checked once drawn: after its load event, with no request of its own still
under way (an htmx fragment, the API description Swagger UI fetches) and the document
unchanged for 50 ms, so a page's result never depends on how fast the machine is.

Each role also opens the menu once, through its button, and the menu's links are checked the
same way. The layout does not depend on the database, so the check runs once: it is marked
backend_independent and skipped on PostgreSQL.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlencode

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, expect

from tests.access_registry import DJANGO_ADMIN
from tests.access_world import addressable_pages, build_world, reaches

from . import harness

pytestmark = [
    pytest.mark.backend_independent,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
        reason="レイアウトはデータベースに依存しないため SQLite の回でだけ確認します",
    ),
]

# The roles at the world's first place (境南エリア, Musashino) and the regional reader.
ROLES = ["anonymous", "admin", "tier1", "tier2", "official", "council", "regional"]
# Pages that are not pages: downloads, feeds and redirects answer with something other than
# HTML and are left out by their Content-Type, never by name.
MIN_TARGET = 24
TOUCH_TARGET = 44

_TARGETS_JS = """([minTarget, touchTarget]) => {
  const finder = location.pathname.startsWith('/finder/');
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [tabindex]:not([tabindex="-1"]), .leaflet-marker-icon';
  const visible = (el) => {
    if (el.closest('.visually-hidden, .skip-link')) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none';
  };
  const targets = [...document.querySelectorAll(selector)].filter(visible)
    .filter((el) => !(el.matches('[tabindex]') && el.matches('main, .table-wrap')));
  const name = (el) => (el.getAttribute('aria-label') || el.innerText || el.value
    || el.title || el.getAttribute('alt') || el.className || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  // A link in a sentence: an inline link whose block holds text besides it (WCAG's inline
  // exception). A lone link in a cell or list item is not exempt.
  const inSentence = (el) => {
    if (el.tagName !== 'A' || !['inline', 'inline-block'].includes(getComputedStyle(el).display)) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    if (!block) return false;
    const own = (el.innerText || '').trim().length;
    const all = (block.innerText || '').trim().length;
    return all > own + 1;
  };
  // A checkbox or radio inside its label: the label is the target (clicking it toggles).
  const box = (el) => {
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label');
      if (label) return label.getBoundingClientRect();
    }
    return el.getBoundingClientRect();
  };
  const rects = targets.map(box);
  const touches = (i) => {
    const r = rects[i];
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2, radius = minTarget / 2;
    for (let j = 0; j < rects.length; j++) {
      if (j === i) continue;
      const o = rects[j];
      if (targets[j].contains(targets[i]) || targets[i].contains(targets[j])) continue;
      const dx = Math.max(o.left - cx, 0, cx - o.right), dy = Math.max(o.top - cy, 0, cy - o.bottom);
      if (dx * dx + dy * dy < radius * radius) return true;
    }
    return false;
  };
  const problems = [];
  targets.forEach((el, i) => {
    const r = rects[i];
    const w = Math.round(r.width * 10) / 10, h = Math.round(r.height * 10) / 10;
    const primary = el.matches('button[type=submit], input[type=submit], button:not([type])')
      && !el.matches('.link-button');
    const touch = primary || (finder && !inSentence(el))
      || el.matches('.leaflet-marker-icon') && finder;
    if (touch && (r.width < touchTarget - 0.5 || r.height < touchTarget - 0.5)) {
      problems.push(`${el.tagName.toLowerCase()} 「${name(el)}」 ${w}×${h}px（${primary ? '主な操作' : '公開検索の操作'}は ${touchTarget}×${touchTarget}px 以上）`);
    } else if ((r.width < minTarget - 0.5 || r.height < minTarget - 0.5) && !inSentence(el) && touches(i)) {
      problems.push(`${el.tagName.toLowerCase()} 「${name(el)}」 ${w}×${h}px（${minTarget}×${minTarget}px 未満で、隣の操作と近すぎます）`);
    }
  });
  return {count: targets.length, problems};
}"""


def _pages_for(world, requester: str) -> list[tuple[str, str]]:
    """(key, url) of every page the requester may see, with its object at the first place."""
    user = world.users[requester]
    pages = []
    for key, access, path, query in addressable_pages(world):
        if access.allow == DJANGO_ADMIN:
            continue
        if not reaches(access, user, world.here if access.obj else None):
            continue
        url = path + ("?" + urlencode(query, doseq=True) if query else "")
        pages.append((key, url))
    return pages


def _goto(tab, url: str):
    """Opens the page; once more when Chromium interrupted it with the error page it was
    still showing for the previous URL (a download or a POST-only action)."""
    try:
        return tab.goto(url, wait_until="domcontentloaded")
    except PlaywrightError as exc:
        if "interrupted by another navigation" not in str(exc):
            raise
        tab.wait_for_timeout(100)
        return tab.goto(url, wait_until="domcontentloaded")


# Resolves once the document has not changed for `quiet` ms (or after `limit` ms, false).
_QUIET_JS = """([quiet, limit]) => new Promise((resolve) => {
  let timer;
  const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet, true); });
  const done = (settled) => { observer.disconnect(); clearTimeout(timer); clearTimeout(cap); resolve(settled); };
  const cap = setTimeout(done, limit, false);
  observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  timer = setTimeout(done, quiet, true);
})"""


def _settle(tab: Page, pending: set[Request], label: str) -> list[str]:
    """Waits until the page has drawn what its scripts build after loading: the load event,
    no request of the page's still under way (an htmx fragment, the API description the
    Swagger UI fetches), and then a document that stays unchanged for 50 ms. A page is
    checked as its user sees it, never half drawn (the API docs passed or failed by timing).
    A page that does not settle in 10 s is a failure of its own."""
    deadline = time.monotonic() + 10
    tab.wait_for_load_state("load")
    while time.monotonic() < deadline:
        if pending:
            tab.wait_for_timeout(20)
            continue
        remaining = max(int((deadline - time.monotonic()) * 1000), 100)
        if tab.evaluate(_QUIET_JS, [50, remaining]) and not pending:
            return []
    still = ", ".join(sorted(request.url for request in pending)[:3])
    return [f"{label}: 10 秒たっても表示が落ち着きません（読み込み中: {still or 'なし'}）"]


def _route(route, origin: str) -> None:
    """Our own requests go to the live server; outside requests (map tiles) are blocked."""
    url = route.request.url
    if url.startswith(origin) or url.startswith("data:"):
        route.continue_()
    else:
        route.abort()


def _new_tab(context, errors: list[str]) -> tuple[Page, set[Request]]:
    """A tab, and the set of its requests still under way (for _settle)."""
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    pending: set[Request] = set()
    tab.on("request", lambda request: pending.add(request))
    tab.on("requestfinished", lambda request: pending.discard(request))
    tab.on("requestfailed", lambda request: pending.discard(request))
    return tab, pending


def _check(tab, label: str) -> list[str]:
    overflow = tab.evaluate(harness._OVERFLOW_JS)
    problems = list(overflow["problems"])
    if overflow["scrollWidth"] > overflow["width"] + 1:
        problems.insert(
            0,
            f"ページが横にはみ出しています（内容 {overflow['scrollWidth']}px > 画面 {overflow['width']}px）",
        )
    targets = tab.evaluate(_TARGETS_JS, [MIN_TARGET, TOUCH_TARGET])
    problems += targets["problems"]
    return [f"{label}: {p}" for p in problems]


def test_every_page_fits_a_phone_for_every_role(browser, demo, live_server):
    started = time.monotonic()
    world = build_world()
    origin = live_server.url.rstrip("/")
    failures: list[str] = []
    # URLs that answered with a download or "POST only" for one role answer so for all.
    not_pages: set[str] = set()
    visited = 0
    for requester in ROLES:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=harness.PHONE,
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
        )
        context.route("**/*", lambda route: _route(route, origin))
        if world.users[requester] is not None:
            world.client_for(requester)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": world.sessions[requester],
                        "url": live_server.url,
                    }
                ]
            )
        errors: list[str] = []
        tab, pending = _new_tab(context, errors)
        menu_checked = world.users[requester] is None
        role_started = time.monotonic()
        load_time = settle_time = check_time = 0.0
        for key, url in _pages_for(world, requester):
            if key in not_pages:
                continue
            t0 = time.monotonic()
            try:
                response = _goto(tab, url)
            except PlaywrightError as exc:
                # An action answering POST only (405) or a download: not a page to look at.
                answer = context.request.get(url, max_redirects=0)
                if answer.status != 405 and "text/html" in answer.headers.get("content-type", ""):
                    reason = str(exc).splitlines()[0]
                    failures.append(
                        f"{requester} {url} ({key}): 開けません（{answer.status}: {reason}）"
                    )
                else:
                    not_pages.add(key)
                # Chromium may still be showing its error page for it: go on in a fresh tab.
                tab.close()
                tab, pending = _new_tab(context, errors)
                continue
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                not_pages.add(key)
                continue
            load_time += time.monotonic() - t0
            sent_to_login = "/accounts/login/" in tab.url and not url.startswith("/accounts/login/")
            if response.status >= 400 or sent_to_login:
                failures.append(f"{requester} {url} ({key}): 開けません（{response.status}）")
                continue
            visited += 1
            label = f"{requester} {url} ({key})"
            t1 = time.monotonic()
            failures += _settle(tab, pending, label)
            settle_time += time.monotonic() - t1
            t0 = time.monotonic()
            failures += _check(tab, label)
            check_time += time.monotonic() - t0
            if not menu_checked and tab.locator(".site-menu-toggle").is_visible():
                toggle = tab.locator(".site-menu-toggle")
                toggle.click()
                expect(toggle).to_have_attribute("aria-expanded", "true")
                failures += _check(tab, f"{requester} {url} メニューを開いた状態")
                menu_checked = True
        failures += [f"{requester}: スクリプトエラー {e}" for e in errors]
        if not menu_checked:
            failures.append(f"{requester}: 電話の幅でメニューのボタンが見つかりません")
        context.close()
        print(
            f"{requester}: {time.monotonic() - role_started:.0f} 秒"
            f"（表示 {load_time:.0f} 秒、描画待ち {settle_time:.0f} 秒、確認 {check_time:.0f} 秒）"
        )
    elapsed = time.monotonic() - started
    summary = f"375px: {visited} ページ表示（{len(ROLES)} 役割）、{elapsed:.0f} 秒、問題 {len(failures)} 件"
    report = harness.ARTIFACTS / "phone" / "every_page.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(summary + "\n" + "\n".join(failures) + "\n", encoding="utf-8")
    print("\n" + summary)
    assert visited > 100, f"確認したページが少なすぎます（{visited}）"
    assert not failures, f"{len(failures)} 件:\n" + "\n".join(failures[:150])
