"""Japanese text uses full-width brackets (issue 21): a page mixing 「令和8年10月22日(木)」 with
「（祝日休み）」 reads as two hands. Every HTML page of the access world is rendered, as the first
role that may open it, and its visible text is searched for a half-width bracket that opens or
closes Japanese words. Reports that reproduce a seed document keep the seed's own form and are
not pages of the site."""

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


def _reader(access, place) -> str | None:
    if access.allow == PUBLIC:
        return "anonymous"
    if access.allow == DJANGO_ADMIN:
        return None
    for requester in READERS:
        if reaches(access, world_users[0][requester], place if access.obj else None):
            return requester
    return None


world_users: list = []
# Pages that reproduce a seed document in the seed's own form (the annual report's body).
SEED_FORMS = {"reports:show": "the report as the seed wrote it (平成27年4月28日(火)…)"}


def test_no_page_mixes_half_width_brackets_into_japanese(world):
    world_users.append(world.users)
    found: dict[str, list[str]] = {}
    pages = 0
    for key, access, path, query in addressable_pages(world):
        requester = _reader(access, world.here)
        if requester is None or key in SEED_FORMS:
            continue
        client = Client()
        if world.users[requester] is not None:
            client.force_login(world.users[requester])
        response = client.get(path, query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        text = visible_text(response.content.decode())
        hits = sorted({text[max(0, m.start() - 12) : m.end() + 12] for m in MIXED.finditer(text)})
        if hits:
            found[f"{key} ({path})"] = hits[:5]
    assert pages > 50, pages
    assert not found, "half-width brackets in Japanese text:\n" + "\n".join(
        f"  {page}: {' / '.join(hits)}" for page, hits in sorted(found.items())
    )
