"""An administrator's start: add a new tier-2 coordinator to an area through 利用者管理, give an
existing coordinator a second area, and see the new coordinator log in, replace the password the administrator set, and reach their
area.
(Importing the resource sheet is the exchange module's step; it joins this journey when it
lands.)"""

import re

from sasaeai.accounts.models import User

from .harness import axe_check, check_text_200, login, logout, menu_link, phone, shot

JOURNEY = "admin-start"
NEW_PASSWORD = "hajimete-no-pass-2026"
OWN_PASSWORD = "jibun-dake-no-pass-2026"
NAME_LABEL = re.compile(r"^氏名必須$")  # the label reads 「氏名」 with its 必須 mark


def test_administrator_adds_a_coordinator_to_an_area(page):
    login(page, "admin")
    shot(page, JOURNEY, "home")
    menu_link(page, "利用者管理").click()
    page.wait_for_url("**/accounts/users/")
    shot(page, JOURNEY, "user-list")
    axe_check(page, label="利用者管理")

    page.get_by_role("link", name="利用者を登録する").click()
    page.wait_for_url("**/accounts/users/new/")
    shot(page, JOURNEY, "new-user-form")
    axe_check(page, label="利用者の登録")

    # A mistake first: a tier-2 coordinator without an area is refused, with words.
    page.get_by_label("ユーザー名").fill("tier2-new")
    page.get_by_label(NAME_LABEL).fill("新井 ひかり")
    page.get_by_label("氏名（カナ）").fill("アライ ヒカリ")
    page.get_by_label("役割").select_option(label="第2層生活支援コーディネーター")
    page.get_by_label("初期パスワード").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登録する").click()
    assert "入力内容に誤りがあります" in page.get_by_role("alert").inner_text()
    # Named in the error summary at the top, as a link to the field.
    summary = page.locator("[data-error-summary]")
    assert summary.get_by_text("担当圏域を1つ以上指定してください").is_visible()
    assert page.get_by_label(NAME_LABEL).input_value() == "新井 ひかり", "入力が残る"
    shot(page, JOURNEY, "missing-area-explained")
    axe_check(page, label="利用者の登録（誤り）")

    page.get_by_label("境南エリア").check()
    page.get_by_label("初期パスワード").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登録する").click()
    assert "利用者「新井 ひかり」を登録しました。" in page.get_by_role("status").inner_text()
    row = page.get_by_role("row").filter(has_text="tier2-new")
    assert "境南エリア" in row.inner_text()
    shot(page, JOURNEY, "user-added")

    # An existing coordinator covers a second area.
    page.get_by_role("row").filter(has_text="tier2-1").get_by_role("link", name="編集").click()
    page.get_by_label("中央エリア").check()
    shot(page, JOURNEY, "second-area")
    axe_check(page, label="利用者の編集")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    assert (
        "吉祥寺東・南エリア、中央エリア"
        in page.get_by_role("row").filter(has_text="tier2-1").inner_text()
    )
    shot(page, JOURNEY, "second-area-saved")
    assert sorted(User.objects.get(username="tier2-1").areas.values_list("name", flat=True)) == [
        "中央エリア",
        "吉祥寺東・南エリア",
    ]

    # The new coordinator logs in on a phone, must first replace the password the
    # administrator set, and then sees their area.
    logout(page)
    phone(page)
    login(page, "tier2-new", password=NEW_PASSWORD)
    assert "/accounts/password/" in page.url
    assert "管理者が設定したもの" in page.get_by_role("status").inner_text()
    shot(page, JOURNEY, "first-login-password-change-phone")
    axe_check(page, label="初回ログインのパスワード変更")
    page.get_by_label("現在のパスワード").fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^新しいパスワード必須$")).fill(OWN_PASSWORD)
    page.get_by_label("新しいパスワード（確認用）").fill(OWN_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="変更する").click()
    assert "パスワードを変更しました。" in page.get_by_role("status").inner_text()
    assert "境南エリア" in page.locator(".home-meta").inner_text()
    shot(page, JOURNEY, "new-coordinator-home-phone")
    axe_check(page, label="新しいコーディネーターのホーム")
    check_text_200(page, JOURNEY, "new-coordinator-home-phone")


def test_user_list_on_a_phone(page):
    login(page, "admin")
    phone(page)
    page.goto("/accounts/users/")
    shot(page, JOURNEY, "user-list-phone")
    check_text_200(page, JOURNEY, "user-list-phone")
