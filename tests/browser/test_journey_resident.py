"""A resident on the public finder (no login), on a phone and with the keyboard only: find a
salon open on Tuesdays near home, open it, and print the list (print layout and the area's
A4 PDF)."""

from playwright.sync_api import expect

from .harness import (
    axe_check,
    check_text_200,
    phone,
    shot,
    tab_to,
)

JOURNEY = "resident-finder"


def test_resident_finds_a_tuesday_salon_near_home_with_the_keyboard(page):
    phone(page)
    page.goto("/finder/")
    assert "/finder/132039/" in page.url
    assert "通いの場・地域の活動をさがす" in page.get_by_role("heading", level=1).inner_text()
    shot(page, JOURNEY, "finder")
    axe_check(page, label="さがす（公開）")
    check_text_200(page, JOURNEY, "finder")

    # Keyboard only: keyword, Tuesday, then the near-home conditions.
    tab_to(page, "^ことばでさがす")
    assert page.evaluate("() => document.activeElement.name") == "q"
    page.keyboard.type("サロン")
    tab_to(page, "火曜")
    page.keyboard.press("Space")
    assert page.get_by_label("火曜").is_checked()
    tab_to(page, "もっと条件をつける")
    page.keyboard.press("Enter")  # opens the <details>
    expect(page.locator("details.finder-form__more")).to_have_attribute("open", "")
    tab_to(page, "^この場所の近く")
    page.keyboard.type("吉祥寺南町2丁目")
    page.keyboard.press("Tab")  # the distance select
    assert page.evaluate("() => document.activeElement.name") == "radius"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    shot(page, JOURNEY, "conditions")
    page.keyboard.press("Shift+Tab")  # back to the address box; Enter there sends the form
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "weekday=1" in page.url and "near=" in page.url
    count_text = page.locator("#finder-results").inner_text()
    assert "件 見つかりました" in count_text
    assert int(count_text.split("件")[0]) >= 1, count_text
    cards = page.locator(".finder-card")
    first = cards.first.inner_text()
    assert "火" in first, first
    shot(page, JOURNEY, "results")
    axe_check(page, label="さがした結果（公開）")
    check_text_200(page, JOURNEY, "results")

    # Open the first result with the keyboard.
    name = cards.first.locator(".finder-card__name a").inner_text()
    tab_to(page, "^" + name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    shot(page, JOURNEY, "detail")
    axe_check(page, label="場所の詳しい情報（公開）")
    check_text_200(page, JOURNEY, "detail")
    page.go_back()

    # Print: the form and map step aside in the print layout; the list stays.
    page.emulate_media(media="print")
    assert not page.locator(".finder-form").is_visible()
    assert cards.first.is_visible()
    shot(page, JOURNEY, "print-layout")
    page.emulate_media(media="screen")

    # The area's A4 list as PDF.
    link = page.get_by_role("link", name="吉祥寺東・南エリアの一覧（PDF）")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
