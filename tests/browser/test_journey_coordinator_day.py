"""A tier-2 coordinator's day on a phone (issue 11), walked end to end in one go: the home
page (today's schedule, follow-ups due, places not confirmed for a year, this half-year
against last year, the issues I raised), one tap to record a visit, a consultation heard
there, then a case and the follow-ups that are due.

The case and referral steps in depth, and recording a visit from the calendar, are their own
journeys (the cases module's browser tests); this one is the short walk through a day."""

import re

from .harness import (
    assert_no_horizontal_overflow,
    axe_check,
    check_text_200,
    login,
    menu_link,
    phone,
    shot,
)

JOURNEY = "tier2-day"

HOME_PANELS = [
    "今日の予定",
    "つなぎの確認予定",
    "1年以上確認していない社会資源",
    "わたしが提起した地域課題",
]


def _panel(page, title: str):
    return page.locator("section.panel").filter(
        has=page.get_by_role("heading", name=re.compile("^" + re.escape(title)))
    )


def test_a_tier2_coordinators_day_on_a_phone(page):
    phone(page)
    login(page, "tier2-3")  # the demo gives this coordinator a case with a follow-up due today

    # Morning: the home page shows the day and what needs attention.
    assert page.get_by_role("heading", level=1).inner_text().endswith("さんのホーム")
    for title in HOME_PANELS:
        assert _panel(page, title).count() == 1, title
    counts = page.locator("section.panel").filter(
        has=page.get_by_role("heading", name=re.compile("の活動（"))
    )
    assert counts.count() == 1
    assert "前年" in counts.inner_text()  # this half-year so far against the same days last year
    record = page.get_by_role("link", name="訪問を記録", exact=True)
    assert record.is_visible()  # one tap, above the panels
    due = _panel(page, "つなぎの確認予定")
    assert due.locator("li").count() >= 1, due.inner_text()
    shot(page, JOURNEY, "home")
    axe_check(page, label="ホーム（第2層・スマートフォン）")
    assert_no_horizontal_overflow(page)

    # Today's calendar in full.
    _panel(page, "今日の予定").get_by_role("link", name="予定表").click()
    page.wait_for_load_state()
    assert "/activities/calendar" in page.url
    shot(page, JOURNEY, "calendar")
    axe_check(page, label="予定表（スマートフォン）")
    assert_no_horizontal_overflow(page)
    page.go_back()

    # A visit: one tap from home, a place found by typing part of its name.
    with page.expect_navigation():
        record.click()
    assert page.get_by_role("heading", level=1).inner_text() == "訪問を記録"
    page.get_by_label("訪問先（社会資源）を検索").fill("サロン")
    option = page.locator("#service-results label.picker__option", has_text="サロン").first
    option.wait_for()
    page.wait_for_load_state("networkidle")  # the search's answer has replaced the list
    place = option.inner_text().split("（")[0].strip()
    option.locator("input").check()
    assert option.locator("input").is_checked()
    page.get_by_label("開始時刻").fill("10:00")
    page.get_by_label("終了時刻").fill("11:30")
    page.get_by_label("参加者数").fill("12")
    shot(page, JOURNEY, "visit-form")
    axe_check(page, label="訪問を記録（スマートフォン）")
    check_text_200(page, JOURNEY, "visit-form")
    with page.expect_navigation():
        page.get_by_role("button", name="保存して相談を記録").click()

    # The consultation heard at that visit.
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "相談を記録", page.locator(".alert, .errorlist").all_inner_texts()
    notice = page.locator(".notice:not(.offline-note)").inner_text()
    assert f"の訪問（{place}）" in notice, (notice, place)
    page.get_by_role("group", name=re.compile("^相談者")).get_by_label("高齢者（本人）").check()
    page.get_by_role("group", name=re.compile("^相談内容")).locator(
        "input[type=checkbox]"
    ).first.check()
    page.get_by_label(re.compile("^概要")).fill("近所で体操できる場所を知りたいとのこと。")
    shot(page, JOURNEY, "consultation-form")
    axe_check(page, label="相談を記録（スマートフォン）")
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()
    status = page.get_by_role("status").inner_text()
    assert "保存しました" in status or "記録しました" in status, status
    shot(page, JOURNEY, "consultation-saved")
    axe_check(page, label="相談の記録（保存後）")

    # Afternoon: a case of the area, then the follow-ups that are due.
    page.goto("/")
    menu_link(page, "個別ケース").click()
    page.wait_for_load_state()
    shot(page, JOURNEY, "cases")
    axe_check(page, label="個別ケース一覧（スマートフォン）")
    assert_no_horizontal_overflow(page)
    case_link = page.locator("main table a[href*='/cases/']").first
    with page.expect_navigation():
        case_link.click()
    shot(page, JOURNEY, "case")
    axe_check(page, label="個別ケース（スマートフォン）")
    assert_no_horizontal_overflow(page)

    page.goto("/")
    _panel(page, "つなぎの確認予定").get_by_role("link", name="確認予定をすべて見る").click()
    page.wait_for_load_state()
    assert "確認" in page.get_by_role("heading", level=1).inner_text()
    shot(page, JOURNEY, "follow-ups")
    axe_check(page, label="つなぎの確認予定（スマートフォン）")
    assert_no_horizontal_overflow(page)
