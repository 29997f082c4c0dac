"""The home page: every registered panel provider's panels render for every role, in the
frame home.html draws (heading, actions, empty state), in order, with bounded queries."""

from pathlib import Path

import pytest
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.site import home

pytestmark = pytest.mark.django_db

DEMO_USERS = ["admin", "tier1", "tier2-1", "tier2-6", "official", "council"]
TEST_TEMPLATES = Path(__file__).parent / "templates"


def _client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_registered_panel_renders_for_each_role(username, django_assert_max_num_queries):
    from sasaeai.site.demo import load_demo

    load_demo()
    user = User.objects.get(username=username)
    expected = home.home_context(user=user)
    client = _client_for(username)
    with django_assert_max_num_queries(60):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    used = {t.name for t in response.templates}
    for panel in expected["top_panels"] + expected["panels"]:
        if panel["is_empty"]:
            assert f'id="panel-{panel["key"]}"' in html
        else:
            assert panel["template"] in used, f"{panel['template']} was not rendered"
        if panel.get("title") and panel["placement"] != "top":
            assert str(panel["title"]) in html


def sample_provider(user):
    return [
        {
            "template": "test_home/panel.html",
            "title": "今日の予定",
            "key": "today",
            "order": 10,
            "items": [{"when": "10:00", "text": "よりあい食堂を訪問"}],
            "actions": [{"label": "予定表", "url": "/activities/calendar/"}],
            "more": {"label": "すべての予定", "url": "/activities/calendar/"},
        },
        {
            "template": "test_home/panel.html",
            "title": "フォローアップ予定",
            "key": "followups",
            "order": 20,
            "items": [],
            "empty": "期限の来たフォローアップはありません。",
        },
        {
            "template": "test_home/action.html",
            "placement": "top",
            "url": "/x/",
            "label": "訪問を記録",
        },
    ]


def early_provider(user):
    return [{"template": "test_home/panel.html", "title": "最初のパネル", "order": 1, "items": [1]}]


@pytest.fixture
def sample_panels(settings, monkeypatch, musashino):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    ]
    monkeypatch.setattr(
        home,
        "PANEL_PROVIDERS",
        [sample_provider, early_provider],
    )


def test_panels_are_framed_ordered_and_empty_states_shown(sample_panels):
    html = _client_for("tier2-1").get("/").content.decode()
    # The frame: a labelled section with its heading, actions and the link to the full list.
    assert '<section class="panel" id="panel-today" aria-labelledby="panel-today-title">' in html
    assert '<h2 id="panel-today-title">今日の予定</h2>' in html
    assert "10:00</span>よりあい食堂を訪問" in html
    assert 'href="/activities/calendar/">予定表</a>' in html
    assert ">すべての予定</a>" in html
    # Empty: the provider's sentence instead of the template.
    assert '<p class="panel__empty">期限の来たフォローアップはありません。</p>' in html
    # Order: `order` first, then the providers' order; one-tap actions above the panels.
    assert html.index("訪問を記録") < html.index("最初のパネル") < html.index("今日の予定")
    assert html.index("今日の予定") < html.index("フォローアップ予定")
    # The menu stays under the panels.
    assert html.index("フォローアップ予定") < html.index('id="menu-title"')


def test_home_without_panels_still_greets_and_offers_the_menu(musashino, monkeypatch):
    monkeypatch.setattr(home, "PANEL_PROVIDERS", [])
    html = _client_for("tier2-1").get("/").content.decode()
    assert "東 さくらさんのホーム" in html
    assert "吉祥寺東・南エリア" in html
    assert 'class="panels"' not in html
    assert 'id="menu-title"' in html
