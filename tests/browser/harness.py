"""What a browser journey uses: log in through the real form, size the window like a phone or
a desk, save a screenshot of each step, run axe-core, and check focus, reflow and text zoom.

Plain functions on a Playwright `Page`, imported by the journeys:
`from tests.browser.harness import login, shot, axe_check, ...`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_SCRIPT_URL = "/static/vendor/axe-core/axe.min.js"

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

# axe impacts that fail a test; moderate and minor ones are recorded in the report only.
FAILING_IMPACTS = ("serious", "critical")
# The rules axe runs: WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core 4.14 carries
# target-size, 2.5.8, under wcag22aa; the 2.2 rules do not run unless asked for by tag).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

# Every axe run of the session, for the summary at the end and artifacts/axe/report.json.
AXE_RUNS: list[dict] = []
_shot_counts: dict[str, int] = defaultdict(int)


# ---- Viewport ----------------------------------------------------------------------------


def phone(page: Page) -> None:
    """A 375 px wide phone screen (iPhone SE/13 mini class)."""
    page.set_viewport_size(PHONE)


def desktop(page: Page) -> None:
    """An office desktop, 1280 px wide."""
    page.set_viewport_size(DESKTOP)


# ---- Logging in --------------------------------------------------------------------------


def login(page: Page, username: str, *, password: str | None = None, next_url: str = "") -> None:
    """Logs in through the login form as a person would, and waits for the page it leads to.

    Uses settings.DEMO_PASSWORD (the demo users' password) unless `password` is given."""
    page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password or settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    if "/accounts/login/" in page.url:
        errors = page.locator(".alert, .errorlist").all_inner_texts()
        pytest.fail(f"ログインできませんでした（{username}）: {' / '.join(errors)}")


def open_menu(page: Page) -> None:
    """Opens the menu where it is folded behind its button (phones); nothing on a desk."""
    toggle = page.get_by_role("button", name="メニュー")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def menu_link(page: Page, name: str):
    """A link of the main menu, with the menu opened first where it is folded."""
    open_menu(page)
    return page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=name)


def logout(page: Page) -> None:
    """Logs out as a person would: on a phone the button is in the menu, opened first."""
    open_menu(page)
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()


# ---- Screenshots -------------------------------------------------------------------------


def shot(page: Page, journey: str, step: str, *, full_page: bool = True) -> Path:
    """Saves artifacts/screenshots/<journey>/<nn>-<step>.png and returns its path.

    Steps are numbered in the order taken within the test session; a journey's folder is
    emptied the first time it is used in a session, so old steps never linger."""
    folder = SCREENSHOTS / _slug(journey)
    if _shot_counts[journey] == 0 and folder.exists():
        for old in folder.glob("*.png"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    _shot_counts[journey] += 1
    path = folder / f"{_shot_counts[journey]:02d}-{_slug(step)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_.-]+", "-", text).strip("-") or "step"


# ---- axe-core ------------------------------------------------------------------------------


def axe_check(
    page: Page,
    *,
    context: str | None = None,
    disable: tuple[str, ...] = (),
    label: str = "",
) -> list[dict]:
    """Runs the vendored axe-core with the WCAG 2.2 AA rules (AXE_TAGS) on the current page
    and fails on any serious or critical violation, listing rule, impact, what it means and
    where. Returns all violations.

    The script is added by URL from our own /static/ so that the page's CSP (script-src 'self')
    is left untouched. `context` limits the check to a CSS selector; `disable` switches off
    named rules (say why in the test)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_SCRIPT_URL)
        page.wait_for_function("() => typeof window.axe !== 'undefined'")
    options = {
        "runOnly": {"type": "tag", "values": list(AXE_TAGS)},
        "resultTypes": ["violations"],
        "rules": {rule: {"enabled": False} for rule in disable},
    }
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    violations = result["violations"]
    AXE_RUNS.append(
        {
            "url": page.url,
            "title": page.title(),
            "label": label,
            "violations": [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"]],
                }
                for v in violations
            ],
        }
    )
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if failing:
        pytest.fail(
            f"axe-core: {page.url} に重大なアクセシビリティ違反があります\n"
            + format_violations(failing),
            pytrace=False,
        )
    return violations


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"][:10]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {' '.join(map(str, node['target']))}: {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def write_axe_report() -> Path | None:
    if not AXE_RUNS:
        return None
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.json"
    path.write_text(json.dumps(AXE_RUNS, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# ---- Keyboard and focus ------------------------------------------------------------------

_FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.getAttribute('aria-label')
           || (el.labels && el.labels.length ? el.labels[0].innerText : '')
           || el.innerText || el.value || el.name || '').trim().slice(0, 80),
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
    boxShadow: s.boxShadow,
    focusVisible: el.matches(':focus-visible'),
    type: el.getAttribute('type') || '',
  };
}"""


def focused(page: Page) -> dict | None:
    """The focused element's tag, visible text and focus styles (None when nothing is)."""
    return page.evaluate(_FOCUS_STYLE_JS)


def assert_focus_visible(page: Page) -> dict:
    """The focused element shows a focus indicator: an outline of 2 px or more, or a ring."""
    info = focused(page)
    assert info is not None, "フォーカスされた要素がありません"
    visible = (info["outlineStyle"] != "none" and info["outlineWidth"] >= 2) or (
        info["boxShadow"] not in ("", "none")
    )
    assert visible, f"フォーカスが見えません: <{info['tag']}> {info['text']!r} {info}"
    return info


def tab_to(page: Page, pattern: str | re.Pattern[str], *, limit: int = 60) -> dict:
    """Presses Tab until the focused element's text matches `pattern`, checking at each stop
    that focus is visible. Fails if it takes more than `limit` presses."""
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        if info is None:
            continue
        if info["tag"] == "input" and info["type"] in ("date", "time"):
            # Known gap: when Tab enters a date or time field's inner parts (year/month/day,
            # hour/minute), headless Chromium reports the field as neither :focus nor :focus-visible, so its ring is
            # not measurable here (it shows when the field is focused directly).
            continue
        assert_focus_visible(page)
        seen.append(info["text"])
        if regex.search(info["text"]):
            return info
    pytest.fail(f"Tabキーで「{regex.pattern}」に届きません。通った順: {seen}")


# ---- Reflow and text size ----------------------------------------------------------------

_OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const scrollsX = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll') return true;
    }
    return false;
  };
  const problems = [];
  const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, label, h1, h2, h3, th, td');
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') continue;
    if (el.closest('.visually-hidden, .skip-link')) continue;
    if (scrollsX(el)) continue;  // tables may scroll inside their wrapper (WCAG 1.4.10)
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
    if (r.right > width + 1 || r.left < -1) {
      problems.push(`${el.tagName.toLowerCase()} 「${text}」 が画面外 (left ${Math.round(r.left)}, right ${Math.round(r.right)}, 幅 ${width})`);
    } else if ((s.overflowX === 'hidden' || s.overflow === 'hidden') && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${el.tagName.toLowerCase()} 「${text}」 の文字が切れている`);
    }
  }
  if (doc.scrollWidth > width + 1 && problems.length === 0) {
    // Name the outermost boxes that stick out (their parent does not).
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right <= width + 1 || scrollsX(el) || el.closest('.skip-link')) continue;
      const parent = el.parentElement.getBoundingClientRect();
      if (parent.right > width + 1) continue;
      const name = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
      problems.push(`${name} が画面外まで広がっている (right ${Math.round(r.right)}, 幅 ${width})`);
    }
  }
  return {scrollWidth: doc.scrollWidth, width, problems: problems.slice(0, 20)};
}"""


def assert_no_horizontal_overflow(page: Page) -> None:
    """Nothing sticks out sideways: the page does not scroll horizontally, and no control or
    heading lies outside the screen or has its text cut off (tables inside .table-wrap may
    scroll by themselves)."""
    result = page.evaluate(_OVERFLOW_JS)
    problems = list(result["problems"])
    if result["scrollWidth"] > result["width"] + 1:
        problems.insert(
            0,
            f"ページが横にはみ出しています（内容 {result['scrollWidth']}px > 画面 {result['width']}px）",
        )
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def zoom_text(page: Page, percent: int = 200) -> None:
    """Enlarges the text to `percent` the way a browser's text-size setting does: the root
    font size, which every rem in our CSS follows. (Set through the CSSOM, which the CSP
    allows; a reload returns to normal.)"""
    page.evaluate(f"() => {{ document.documentElement.style.fontSize = '{percent}%'; }}")


def reset_text(page: Page) -> None:
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")


def check_text_200(page: Page, journey: str | None = None, step: str | None = None) -> None:
    """WCAG 1.4.4: at 200 % text nothing is lost or cut off; saves a screenshot if asked."""
    zoom_text(page, 200)
    try:
        if journey:
            shot(page, journey, f"{step or 'page'}-text200")
        assert_no_horizontal_overflow(page)
    finally:
        reset_text(page)
