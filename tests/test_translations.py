"""The English translation of the staff screens: the compiled catalogue matches its source,
the extractor finds what templates and Python mark, and a user who chose English gets
English pages while everyone else (and every anonymous visitor) keeps Japanese."""

import pytest
from django.core.management import call_command
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.core import translations

pytestmark = pytest.mark.django_db


def test_compiled_catalogue_matches_the_po():
    state = translations.state("en")
    assert not state.stale_mo, "run `python manage.py translations compile`"
    assert state.translated >= 140


def test_extractor_reads_templates_and_python():
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in translations.extract_messages()}
    assert "本文へ移動" in ids  # {% translate %} in base.html
    assert "%(name)sさんのホーム" in ids  # {% blocktranslate with %} in home.html
    assert "%(counter)s件" in ids  # {% blocktranslate count %} in the audit list
    assert "第2層生活支援コーディネーター" in ids  # gettext_lazy in accounts/models.py
    assert "ログアウト" in ids


def test_check_command_passes(capsys):
    call_command("translations", "check")
    assert "en:" in capsys.readouterr().out


def _client(username: str, language: str) -> Client:
    User.objects.filter(username=username).update(language=language)
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_english_user_gets_english_staff_screens(musashino):
    html = _client("admin", "en").get("/").content.decode()
    assert '<html lang="en">' in html
    assert "管理 太郎's home" in html
    assert ">Log out<" in html
    assert ">Users</a>" in html  # the navigation
    assert "System administrator" in html  # the role label
    assert "ログアウト" not in html
    users = _client("admin", "en").get("/accounts/users/").content.decode()
    assert "<h1>Users</h1>" in users
    assert "Tier-2 life support coordinator" in users


def test_japanese_stays_the_default(musashino):
    html = _client("tier2-1", "ja").get("/").content.decode()
    assert '<html lang="ja">' in html
    assert "東 さくらさんのホーム" in html
    assert ">ログアウト<" in html
    anonymous = Client().get("/accounts/login/").content.decode()
    assert '<html lang="ja">' in anonymous
    assert "<h1>ログイン</h1>" in anonymous


def test_switching_language_in_settings(musashino):
    client = _client("tier2-1", "ja")
    response = client.post("/accounts/me/", {"language": "en"}, follow=True)
    assert "Display settings saved." in response.content.decode()
    assert "<h1>Settings</h1>" in response.content.decode()
    response = client.post("/accounts/me/", {"language": "ja"}, follow=True)
    assert "表示の設定を保存しました。" in response.content.decode()


def test_english_error_message_on_a_form(musashino):
    client = _client("admin", "en")
    response = client.post("/accounts/users/new/", {"username": "", "role": "tier2"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Some entries need correcting." in html
    assert "Assign at least one area to a tier-2 coordinator." in html
