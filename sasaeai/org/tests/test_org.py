"""The organisation model: code check digits, areas and towns, address resolution, pages."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from sasaeai.org import selectors, services
from sasaeai.org.models import Area, Municipality, Town
from sasaeai.org.validators import local_government_check_digit


def test_check_digit_of_musashino():
    assert local_government_check_digit("13203") == 9


@pytest.mark.django_db
class TestMunicipality:
    def test_valid_code_is_saved_with_its_prefecture(self):
        m = services.municipality_create(code="132039", name="武蔵野市")
        assert m.prefecture == "東京都"

    def test_wrong_check_digit_is_refused_in_japanese_and_nothing_saved(self):
        with pytest.raises(ValidationError) as info:
            services.municipality_create(code="132038", name="武蔵野市")
        assert "検査数字が正しくありません" in str(info.value)
        assert "検査数字は 9 です" in str(info.value)
        assert not Municipality.objects.exists()

    @pytest.mark.parametrize("code", ["13203", "1320399", "１３２０３９", "abcdef"])
    def test_malformed_codes(self, code):
        with pytest.raises(ValidationError, match="半角数字6桁"):
            services.municipality_create(code=code, name="x")

    def test_command_creates_and_refuses(self, capsys):
        call_command("municipality", "create", "132039")
        assert Municipality.objects.get(code="132039").name == "武蔵野市"
        with pytest.raises(CommandError, match="検査数字"):
            call_command("municipality", "create", "131015")
        assert Municipality.objects.count() == 1


@pytest.mark.django_db
class TestMusashinoDemo:
    def test_thirteen_towns_in_six_areas(self, musashino):
        assert Area.objects.filter(municipality=musashino).count() == 6
        assert Town.objects.filter(municipality=musashino, area__isnull=False).count() == 13

    def test_demo_is_idempotent(self, musashino):
        from sasaeai.site.demo import load_demo

        load_demo()
        assert Municipality.objects.count() == 1
        assert Town.objects.count() == 13

    @pytest.mark.parametrize(
        "address",
        [
            "吉祥寺北町２丁目３－４",
            "吉祥寺北町2-3-4",
            "東京都武蔵野市吉祥寺北町二丁目3番4号",
            "武蔵野市吉祥寺北町２−３−４",
        ],
    )
    def test_address_forms_resolve_to_the_same_block(self, musashino, address):
        resolved = selectors.address_resolve(municipality=musashino, address=address)
        assert resolved is not None
        assert resolved.town.name == "吉祥寺北町"
        assert resolved.block is not None and resolved.block.number == 2

    def test_longest_town_name_wins(self, musashino):
        # 境南町 must not resolve to 境.
        resolved = selectors.address_resolve(municipality=musashino, address="境南町3-1")
        assert resolved.town.name == "境南町"

    def test_unknown_town(self, musashino):
        assert selectors.address_resolve(municipality=musashino, address="三鷹市下連雀1") is None

    def test_town_cannot_join_another_municipalitys_area(self, musashino):
        other = services.municipality_create(code="132047", name="三鷹市")
        foreign_area = Area.objects.create(municipality=other, name="三鷹エリア")
        town = Town.objects.get(name="桜堤")
        with pytest.raises(ValidationError, match="ほかの市区町村"):
            services.town_assign_area(town=town, area=foreign_area)
        town.refresh_from_db()
        assert town.area.name == "境・桜堤エリア"


@pytest.mark.django_db
class TestOrgPages:
    def test_everyone_on_staff_reads_the_overview(self, client, musashino):
        from sasaeai.accounts.models import User

        client.force_login(User.objects.get(username="tier2-3"))
        page = client.get("/org/")
        assert page.status_code == 200
        assert "中央エリア" in page.content.decode()
        assert "編集" not in page.content.decode()

    def test_admin_moves_a_town_to_another_area(self, client, musashino):
        from sasaeai.accounts.models import User

        client.force_login(User.objects.get(username="admin"))
        town = Town.objects.get(name="御殿山")
        target = Area.objects.get(name="境南エリア")
        response = client.post(
            f"/org/towns/{town.pk}/",
            {"area": target.pk, "name_kana": "ゴテンヤマ", "postal_code": "1800005"},
        )
        assert response.status_code == 302
        town.refresh_from_db()
        assert town.area == target

    def test_tier2_cannot_edit_areas(self, client, musashino):
        from sasaeai.accounts.models import User

        client.force_login(User.objects.get(username="tier2-1"))
        area = Area.objects.first()
        assert client.post(f"/org/areas/{area.pk}/", {"name": "乗っ取り"}).status_code == 403
        area.refresh_from_db()
        assert area.name != "乗っ取り"

    def test_area_form_keeps_input_on_error(self, client, musashino):
        from sasaeai.accounts.models import User

        client.force_login(User.objects.get(username="admin"))
        area = Area.objects.get(name="中央エリア")
        response = client.post(
            f"/org/areas/{area.pk}/",
            {
                "name": "境南エリア",
                "name_kana": "チュウオウ",
                "order": "3",
                "description": "入力した説明",
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "入力した説明" in body
        assert "入力内容に誤りがあります" in body
