"""Every HTML page of the access world, rendered once as the first role that may open it, and
read for what every page owes its reader:

- Japanese text uses full-width brackets (issue 21): a page mixing 「令和8年10月22日(木)」 with
  「（祝日休み）」 reads as two hands. The visible text is searched for a half-width bracket that
  opens or closes Japanese words. Reports that reproduce a seed document keep the seed's own
  form and are not pages of the site.
- Its head says what a browser and a screen reader need: the language (`<html lang>`), the
  character set, a phone's viewport (without it a phone draws the page 980 px wide, shrunk:
  the API docs, a page of a library's, had none) and a title. Pages drawn by a library's
  template (Swagger UI) are pages of the site too."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client

from .access_registry import DJANGO_ADMIN, PUBLIC
from .access_world import addressable_pages, module_world, reaches

pytestmark = pytest.mark.django_db

world = module_world()

READERS = ["tier1", "admin", "tier2", "official", "council", "regional"]
JAPANESE = r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]"
MIXED = re.compile(rf"\([^()\n]{{0,40}}{JAPANESE}[^()\n]{{0,40}}\)|{JAPANESE}\(|\){JAPANESE}")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html_lib.unescape(page)


def _reader(access, world) -> str | None:
    """The first role that may open the page (anonymous for a public one)."""
    if access.allow == PUBLIC:
        return "anonymous"
    if access.allow == DJANGO_ADMIN:
        return None
    for requester in READERS:
        if reaches(access, world.users[requester], world.here if access.obj else None):
            return requester
    return None


# Pages that reproduce a seed document in the seed's own form (the annual report's body).
SEED_FORMS = {"reports:show": "the report as the seed wrote it (平成27年4月28日(火)…)"}


@pytest.fixture(scope="module")
def pages(world, django_db_blocker) -> list[tuple[str, str, str]]:
    """(key, path, HTML) of every page of the access world that answers with HTML, rendered
    once for both checks (inside the world's transaction, as module_world opens it)."""
    rendered = []
    with django_db_blocker.unblock():
        for key, access, path, query in addressable_pages(world):
            requester = _reader(access, world)
            if requester is None:
                continue
            client = Client()
            if world.users[requester] is not None:
                client.force_login(world.users[requester])
            response = client.get(path, query)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            rendered.append((key, path, response.content.decode()))
    assert len(rendered) > 50, len(rendered)
    return rendered


def test_no_page_mixes_half_width_brackets_into_japanese(pages):
    found: dict[str, list[str]] = {}
    for key, path, page in pages:
        if key in SEED_FORMS:
            continue
        text = visible_text(page)
        hits = sorted({text[max(0, m.start() - 12) : m.end() + 12] for m in MIXED.finditer(text)})
        if hits:
            found[f"{key} ({path})"] = hits[:5]
    assert not found, "half-width brackets in Japanese text:\n" + "\n".join(
        f"  {page}: {' / '.join(hits)}" for page, hits in sorted(found.items())
    )


HEAD = {
    "言語（<html lang>）": re.compile(r"<html[^>]*\blang=\"(ja|en)\"", re.I),
    "文字コード（<meta charset>）": re.compile(r"<meta[^>]*\bcharset=\"?utf-8", re.I),
    "電話の表示幅（<meta name=viewport>）": re.compile(
        r"<meta[^>]*name=\"viewport\"[^>]*content=\"[^\"]*width=device-width", re.I
    ),
    "題名（<title>）": re.compile(r"<title>[^<]*\S[^<]*</title>", re.I),
}


DOCUMENT = re.compile(r"^\s*(<!doctype html|<html)", re.I)


def test_every_page_declares_its_language_charset_viewport_and_title(pages):
    """A fragment (htmx's search results, the postal code's 町域) is not a document and has
    no head; but a fragment with a page's heading is a page that forgot its base template."""
    documents, fragments = [], []
    for entry in pages:
        (documents if DOCUMENT.match(entry[2]) else fragments).append(entry)
    assert "api:openapi-view" in {key for key, _, _ in documents}
    assert len(documents) > 50, len(documents)
    headed = [f"{key} ({path})" for key, path, page in fragments if re.search(r"<h1\b", page)]
    assert not headed, f"見出しがあるのに文書になっていないページ: {headed}"
    missing = {
        f"{key} ({path})": [name for name, pattern in HEAD.items() if not pattern.search(page)]
        for key, path, page in documents
    }
    missing = {page: names for page, names in missing.items() if names}
    assert not missing, "ページの head に足りないもの:\n" + "\n".join(
        f"  {page}: {'、'.join(names)}" for page, names in sorted(missing.items())
    )
