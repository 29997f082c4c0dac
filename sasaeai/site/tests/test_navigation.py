"""The menu marks exactly one section as current, the one the page belongs to, for every
section and the pages under it; the site answers /favicon.ico."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.site.navigation import MODULES, current_section

# A page under each menu section (besides the section's own URL) and the label it belongs to.
PAGES_UNDER = [
    ("/activities/visits/new/", "活動記録"),
    ("/activities/consultations/new/", "活動記録"),
    ("/activities/calendar/team/", "予定表"),
    ("/activities/calendar/entries/new/", "予定表"),
    ("/resources/new/", "社会資源"),
    ("/exchange/export/", "データ取込・出力"),
    ("/cases/new/", "個別ケース"),
]

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>')


DEMO_USERS = ["tier1", "admin", "official"]


def _current_items(client: Client, path: str) -> list[tuple[str, str]]:
    """The current menu items on the page, as the first demo user who may open it sees it."""
    for username in DEMO_USERS:
        client.force_login(User.objects.get(username=username))
        response = client.get(path)
        if response.status_code != 403:
            break
    assert response.status_code == 200, path
    nav = response.content.decode().split('id="site-menu"', 1)[1].split("</nav>", 1)[0]
    return CURRENT.findall(nav)


@pytest.fixture
def admin_client_musashino(musashino) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


@pytest.mark.parametrize("module", MODULES, ids=[m.url_name for m in MODULES])
def test_each_section_is_the_only_current_one_on_its_own_page(module, admin_client_musashino):
    url = reverse(module.url_name)
    assert _current_items(admin_client_musashino, url) == [(url, str(module.label))]


@pytest.mark.parametrize(("path", "label"), PAGES_UNDER)
def test_pages_under_a_section_mark_only_that_section(path, label, admin_client_musashino):
    current = _current_items(admin_client_musashino, path)
    assert [item_label for _, item_label in current] == [label]


def test_a_page_outside_every_section_marks_none(admin_client_musashino):
    assert _current_items(admin_client_musashino, reverse("accounts:profile")) == []


def test_the_longest_section_wins_and_home_is_current_only_on_itself():
    sections = ["/", "/activities/", "/activities/calendar/", "/exchange/"]
    assert current_section("/", sections) == "/"
    assert current_section("/activities/calendar/team/", sections) == "/activities/calendar/"
    assert current_section("/activities/calendarish/", sections) == "/activities/"
    assert current_section("/exchange/import/", sections) == "/exchange/"
    assert current_section("/reports/", sections) is None


def test_the_menu_button_names_what_it_opens(admin_client_musashino):
    html = admin_client_musashino.get("/").content.decode()
    assert 'class="site-menu-toggle' in html
    assert 'aria-controls="site-user site-menu"' in html
    assert 'aria-expanded="false"' in html


def test_favicon_is_served_at_the_root_and_linked(admin_client_musashino):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    html = admin_client_musashino.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
