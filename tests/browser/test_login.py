"""Logging in and out with the keyboard alone, on a desk and on a phone; the login page's
accessibility and its error message (said in words, not only in red)."""

from django.conf import settings
from playwright.sync_api import expect

from .harness import (
    assert_focus_visible,
    assert_no_horizontal_overflow,
    axe_check,
    check_text_200,
    phone,
    shot,
    tab_to,
)

JOURNEY = "login-keyboard"


def test_login_with_the_keyboard_only(page):
    page.goto("/")
    assert "/accounts/login/" in page.url, "未ログインではログイン画面に案内される"
    shot(page, JOURNEY, "login-page")
    axe_check(page, label="ログイン")

    # The cursor starts in the username box, with a visible focus ring.
    info = assert_focus_visible(page)
    assert info["tag"] == "input"
    assert page.evaluate("() => document.activeElement.name") == "username"
    page.keyboard.type("tier2-1")
    page.keyboard.press("Tab")
    page.keyboard.type(settings.DEMO_PASSWORD)
    shot(page, JOURNEY, "filled-in")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/") == page.url.split("/accounts/")[0].rstrip("/")
    assert page.get_by_role("heading", level=1).inner_text() == "東 さくらさんのホーム"
    shot(page, JOURNEY, "home-after-login")

    # On every other page the first Tab reaches the skip link, shown when focused, and
    # Enter on it moves focus to the main content.
    page.keyboard.press("Tab")
    info = assert_focus_visible(page)
    assert info["text"] == "本文へ移動"
    assert page.locator(".skip-link").is_visible()
    shot(page, JOURNEY, "skip-link-focused", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # Log out with the keyboard: Tab to the button and press Enter.
    tab_to(page, "^ログアウト$")
    shot(page, JOURNEY, "logout-focused", full_page=False)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" in page.url


def test_wrong_password_is_explained_in_words(page):
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill("tier2-1")
    page.get_by_label("パスワード").fill("まちがい")
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    alert = page.get_by_role("alert")
    assert "入力内容に誤りがあります" in alert.inner_text()
    assert "ユーザー名またはパスワードが正しくありません" in alert.inner_text()
    # What was typed stays; the password is not echoed back.
    assert page.get_by_label("ユーザー名").input_value() == "tier2-1"
    shot(page, JOURNEY, "wrong-password")
    axe_check(page, label="ログイン（誤り）")


def test_login_page_on_a_phone_and_at_200_percent_text(page):
    phone(page)
    page.goto("/accounts/login/")
    assert_no_horizontal_overflow(page)
    shot(page, JOURNEY, "phone")
    axe_check(page, label="ログイン（スマートフォン）")
    check_text_200(page, JOURNEY, "phone")
