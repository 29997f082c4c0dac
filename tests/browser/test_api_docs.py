"""The API docs page (Swagger UI) works from the site's own files under the strict CSP: it
draws the operations, with no CSP violation and no script error (the `page` fixture fails on
either, and blocks every request to another origin, so a CDN would show as a blank page)."""

import pytest

pytestmark = pytest.mark.backend_independent


def test_the_api_docs_render_under_the_csp(page):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert "ささえあい API" in page.locator(".swagger-ui .info").inner_text()
    assert page.locator(".swagger-ui .opblock").count() > 20
