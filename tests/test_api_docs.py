"""The API docs (/api/v1/docs, Swagger UI) come from this server's own static files, never a
CDN, under the same strict Content-Security-Policy as every page; they are open to anonymous
visitors (they describe the interface published with the source, and hold no data)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_docs_are_served_from_local_static_files_under_the_strict_csp():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    body = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', body)
    assert any("swagger-ui-bundle" in s for s in scripts), scripts
    for source in sources:
        assert source.startswith("/"), f"{source} is not served by this site"
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), f"{source} is missing"
    # No script runs inline: the settings are a JSON data block.
    for block in re.findall(r"<script([^>]*)>(.*?)</script>", body, flags=re.S):
        attributes, text = block
        assert 'type="application/json"' in attributes or not text.strip()
    assert '"validatorUrl": null' in body


def test_the_schema_is_open_and_lists_the_operations():
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in schema["paths"]
