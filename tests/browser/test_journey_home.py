"""The home page of each role, on a desk and on a phone: what a person sees first after
logging in, checked with axe-core, at 200 % text and with the keyboard."""

import pytest

from .harness import (
    assert_no_horizontal_overflow,
    axe_check,
    check_text_200,
    desktop,
    login,
    phone,
    shot,
    tab_to,
)

JOURNEY = "home"


@pytest.mark.parametrize("username", ["tier2-1", "tier1", "admin", "official", "council"])
def test_home_for_each_role(page, username):
    login(page, username)
    desktop(page)
    assert page.get_by_role("heading", level=1).inner_text().endswith("さんのホーム")
    shot(page, JOURNEY, f"{username}-desktop")
    axe_check(page, label=f"ホーム（{username}）")
    # Every panel the modules provide sits in a labelled region.
    for section in page.locator("section.panel").all():
        assert section.get_attribute("aria-labelledby")
    phone(page)
    assert_no_horizontal_overflow(page)
    shot(page, JOURNEY, f"{username}-phone")
    check_text_200(page, JOURNEY, f"{username}-phone")


def test_home_menu_by_keyboard(page):
    login(page, "tier2-1")
    page.goto("/")
    tab_to(page, "^設定$")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "設定"
    shot(page, JOURNEY, "settings-by-keyboard")
    axe_check(page, label="設定")


def test_switching_the_staff_screens_to_english(page):
    login(page, "tier1")
    page.goto("/accounts/me/")
    page.get_by_label("表示言語 / Language").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Settings"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Display settings saved." in page.get_by_role("status").inner_text()
    shot(page, JOURNEY, "english-settings")
    axe_check(page, label="Settings (English)")
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "横山 美江's home"
    shot(page, JOURNEY, "english-home")
    axe_check(page, label="Home (English)")
