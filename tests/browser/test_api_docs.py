"""The API docs page (Swagger UI) works from the site's own files under the strict CSP: it
draws the operations, with no CSP violation and no script error (the `page` fixture fails on
either, and blocks every request to another origin, so a CDN would show as a blank page).

It is a public page of the site like any other, held to WCAG 2.2 AA on a phone and on a
desktop: axe-core on the page as drawn, with an operation with parameters and one with a
body open, in "Try it out", with the schemas open and with the Authorize dialog
(css/api-docs.css gives Swagger UI's colours their contrast, its controls their size)."""

import pytest

from . import harness

pytestmark = pytest.mark.backend_independent


def _open_docs(page) -> None:
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)


def test_the_api_docs_render_under_the_csp(page):
    _open_docs(page)
    assert "ささえあい API" in page.locator(".swagger-ui .info").inner_text()
    assert page.locator(".swagger-ui .opblock").count() > 20
    assert page.locator("html").get_attribute("lang") == "ja"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_api_docs_meet_wcag_in_every_state(page, size):
    getattr(harness, size)(page)
    _open_docs(page)
    harness.axe_check(page, label=f"API の説明（{size}）")

    search = page.locator(".opblock-get").filter(has_text="/api/v1/resources").first
    search.locator(".opblock-summary-control").click()
    search.locator(".parameters-container").wait_for()
    search.get_by_role("button", name="Try it out").click()
    search.get_by_role("button", name="Execute").wait_for()
    visit = page.locator(".opblock-post").filter(has_text="/api/v1/visits").first
    visit.locator(".opblock-summary-control").click()
    visit.locator(".opblock-section-request-body").wait_for()
    harness.axe_check(page, label=f"API の説明、操作を開いた状態（{size}）")

    # The schemas' section is open as the page draws; one schema opened in full.
    if page.locator("section.models.is-open").count() == 0:
        page.locator(".models-control").click()
    schema = page.locator("section.models article.json-schema-2020-12").filter(
        has_text="ServiceItem"
    )
    schema.locator(".json-schema-2020-12-expand-deep-button").first.click()
    schema.locator(".json-schema-2020-12-property").first.wait_for()
    harness.axe_check(page, label=f"API の説明、スキーマを開いた状態（{size}）")

    page.locator(".btn.authorize").first.click()
    page.locator(".dialog-ux .modal-ux").wait_for()
    harness.axe_check(page, label=f"API の説明、認証の画面（{size}）")
