"""Onboarding any municipality offline: the shipped gazetteer, `sasaeai municipality create
CODE`, addresses read as a person reads them, 郵便番号 → 住所, and the administrator's setup
pages (areas made of towns, with a map)."""

import json
import socket
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sasaeai.accounts.models import Role, User
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.audit.models import AuditEvent
from sasaeai.org import gazetteer, services
from sasaeai.org.addresses import AddressResolver
from sasaeai.org.models import Area, Municipality, SupportCenter, Town, TownBlock
from sasaeai.org.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

MUSASHINO, YOKOHAMA, KUDAMATSU, KOMONO = "132039", "141003", "352071", "243418"


@pytest.fixture
def offline(monkeypatch):
    """No network: any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("ネットワークに接続しようとしました")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def create(code: str, capsys=None) -> str:
    call_command("municipality", "create", code)
    return capsys.readouterr().out if capsys else ""


class TestGazetteer:
    def test_a_city_with_its_official_name_and_kana(self):
        entry = gazetteer.municipality_entry(MUSASHINO)
        assert (entry.prefecture, entry.name, entry.kana) == ("東京都", "武蔵野市", "ムサシノシ")

    def test_a_town_in_a_county_is_named_without_the_county(self):
        entry = gazetteer.municipality_entry(KOMONO)
        assert (entry.county, entry.name, entry.kana) == ("三重郡", "菰野町", "コモノチョウ")
        assert entry.full_name == "三重郡菰野町"

    def test_official_spelling_where_japan_post_differs(self):
        assert gazetteer.municipality_entry("403440").name == "須恵町"  # Japan Post: 須惠町
        assert gazetteer.municipality_entry("133817").name == "三宅村"  # Japan Post: 三宅島三宅村

    def test_twenty_designated_cities_with_their_wards(self):
        designated = [m for m in gazetteer._municipalities().values() if m.is_designated_city]
        assert len(designated) == 20
        yokohama = gazetteer.municipality_entry(YOKOHAMA)
        assert (yokohama.name, yokohama.kana) == ("横浜市", "ヨコハマシ")
        wards = gazetteer.wards_of(YOKOHAMA)
        assert len(wards) == 18 and "中区" in {w.name for w in wards}
        assert gazetteer.municipality_entry("141046").full_name == "横浜市中区"

    def test_every_municipality_code_has_a_valid_check_digit(self):
        from sasaeai.org.validators import validate_local_government_code

        for code in gazetteer._municipalities():
            validate_local_government_code(code)

    def test_same_town_name_in_two_wards_never_collides(self):
        towns = gazetteer.towns_of(YOKOHAMA)
        names = [t.name for t in towns]
        assert len(names) == len(set(names))
        in_wards = [t.name for t in towns if t.name.endswith("末広町")]
        assert len(in_wards) >= 2 and all(t != "末広町" for t in in_wards)

    def test_postal_code_any_width_or_dash(self):
        for typed in ("180-0004", "〒180-0004", "１８０－０００４", "1800004"):
            [entry] = gazetteer.postal_lookup(typed)
            assert entry.address == "東京都武蔵野市吉祥寺本町"
        assert gazetteer.postal_lookup("180-000") == []
        assert gazetteer.postal_lookup("9999999") == []


class TestMunicipalityCreate:
    def test_musashino_from_its_code_alone_offline(self, capsys, offline):
        out = create(MUSASHINO, capsys)
        m = Municipality.objects.get(code=MUSASHINO)
        assert (m.name, m.name_kana, m.prefecture) == ("武蔵野市", "ムサシノシ", "東京都")
        assert Town.objects.filter(municipality=m).count() == 13
        assert TownBlock.objects.filter(town__municipality=m).count() == 51
        assert "東京都武蔵野市（132039）を登録しました。" in out
        assert "© Geolonia" in out and "CC BY 4.0" in out
        assert "sasaeai user create" in out  # the next step

    def test_towns_and_blocks_as_the_demo_stores_them(self, capsys):
        create(MUSASHINO, capsys)
        town = Town.objects.get(name="吉祥寺北町")
        assert list(town.blocks.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
        blocks = list(town.blocks.all())
        mean = sum(b.latitude for b in blocks) / len(blocks)
        assert town.latitude == mean.quantize(Decimal("0.000001"))
        assert (town.name_kana, town.postal_code) == ("キチジョウジキタマチ", "1800001")
        assert str(town.blocks.get(number=2)) == "吉祥寺北町二丁目"
        # The same towns, blocks and points as the Musashino demo, which loads them the same way.
        assert Town.objects.get(name="境").postal_code == "1800022"

    def test_running_again_updates_and_never_duplicates(self, capsys):
        create(MUSASHINO, capsys)
        town = Town.objects.get(name="中町")
        area = AreaFactory(municipality=town.municipality, name="中央")
        services.town_assign_area(town=town, area=area)
        Town.objects.filter(pk=town.pk).update(name_kana="ナカマチ", latitude=Decimal("35.1"))
        TownBlock.objects.filter(town=town, number=1).delete()
        out = create(MUSASHINO, capsys)
        assert "登録済みです" in out
        assert Municipality.objects.filter(code=MUSASHINO).count() == 1
        assert Town.objects.count() == 13 and TownBlock.objects.count() == 51
        town.refresh_from_db()
        assert town.area == area  # an area given to a town is kept
        assert town.name_kana == "ナカマチ"  # a kana the administrator corrected is kept
        assert town.latitude == Decimal("35.706811")  # points follow the data
        assert "更新 1" in out and "丁目 追加 1" in out

    def test_designated_city_loads_every_ward_with_the_ward_in_the_town_name(self, capsys):
        out = create(YOKOHAMA, capsys)
        m = Municipality.objects.get(code=YOKOHAMA)
        assert m.name == "横浜市"
        towns = Town.objects.filter(municipality=m)
        assert towns.count() == len(gazetteer.towns_of(YOKOHAMA)) > 700
        aioi = towns.get(name="中区相生町")
        assert aioi.name_kana == "ナカクアイオイチョウ" and aioi.blocks.count() == 6
        assert towns.filter(name__endswith="末広町").count() >= 2
        assert "町 " in out

    def test_a_ward_code_is_refused_with_the_city_code_to_use(self):
        with pytest.raises(CommandError, match="政令指定都市横浜市の区です。市のコード 141003"):
            create("141046")
        assert not Municipality.objects.exists()

    @pytest.mark.parametrize(
        "code,message",
        [
            ("132038", "検査数字が正しくありません（13203 の検査数字は 9 です）"),
            ("13203", "半角数字6桁"),
            ("abcdef", "半角数字6桁"),
            ("482005", "都道府県コード"),
            ("139998", "同梱の住所データにありません"),
        ],
    )
    def test_wrong_codes_are_refused_in_japanese(self, code, message):
        with pytest.raises(CommandError, match=message):
            create(code)
        assert not Municipality.objects.exists()

    def test_a_municipality_missing_from_the_data_can_be_named(self, capsys):
        call_command("municipality", "create", "139998", "--name", "新しい市", "--kana", "シン")
        m = Municipality.objects.get(code="139998")
        assert m.name == "新しい市" and not m.towns.exists()
        assert "町なしで登録しました" in capsys.readouterr().out
        with pytest.raises(CommandError, match="--name を付けずに"):
            call_command("municipality", "create", MUSASHINO, "--name", "別名")

    def test_list(self, capsys):
        create(KUDAMATSU, capsys)
        call_command("municipality", "list")
        assert "352071\t山口県下松市\t町 50件" in capsys.readouterr().out


class TestAddresses:
    @pytest.fixture
    def kudamatsu(self, capsys):
        create(KUDAMATSU, capsys)
        return Municipality.objects.get(code=KUDAMATSU)

    @pytest.mark.parametrize(
        "address",
        ["末武上123", "大字末武上123", "山口県下松市大字末武上123番地", "下松市末武上１２３－４"],
    )
    def test_oaza_is_optional(self, kudamatsu, address):
        resolved = AddressResolver(kudamatsu).resolve(address)
        assert resolved is not None and resolved.town.name == "大字末武上"

    @pytest.mark.parametrize(
        "address",
        [
            "東京都武蔵野市吉祥寺北町二丁目3番4号",
            "吉祥寺北町２丁目３－４",
            "吉祥寺北町2-3-4",
            "〒180-0001 武蔵野市吉祥寺北町2の3",
            "吉祥寺北町　２丁目",
        ],
    )
    def test_chome_in_kanji_or_digits(self, capsys, address):
        create(MUSASHINO, capsys)
        resolved = AddressResolver(Municipality.objects.get()).resolve(address)
        assert resolved.town.name == "吉祥寺北町" and resolved.block.number == 2

    def test_a_number_after_a_town_without_that_chome_is_not_a_chome(self, kudamatsu):
        resolved = AddressResolver(kudamatsu).resolve("末武上2-3")
        assert resolved.block is None and resolved.rest == "2-3"

    def test_county_and_prefecture_may_be_written(self, capsys):
        create(KOMONO, capsys)
        komono = Municipality.objects.get(code=KOMONO)
        resolver = AddressResolver(komono)
        assert resolver.resolve("三重県三重郡菰野町大字菰野1234").town.name.endswith("菰野")
        assert resolver.resolve("菰野1234").town == resolver.resolve("三重郡菰野町菰野").town

    def test_designated_city_with_or_without_the_ward(self, capsys):
        create(YOKOHAMA, capsys)
        resolver = AddressResolver(Municipality.objects.get())
        resolved = resolver.resolve("神奈川県横浜市中区相生町一丁目2-3")
        assert resolved.town.name == "中区相生町" and resolved.block.number == 1
        # Without the ward, a town whose name is unique in the city is still found ...
        assert resolver.resolve("横浜市相生町1-2").town.name == "中区相生町"
        # ... and a name two wards share is not guessed.
        assert resolver.resolve("横浜市末広町1-2") is None

    def test_another_municipalitys_address_is_not_ours(self, kudamatsu):
        assert AddressResolver(kudamatsu).resolve("山口県周南市末武上1") is None

    def test_unknown_town_with_a_good_point_goes_to_the_nearest_town_with_a_warning(self, capsys):
        create(MUSASHINO, capsys)
        resolver = AddressResolver(Municipality.objects.get())
        block = TownBlock.objects.get(town__name="関前", number=3)
        placement = resolver.place(
            address="武蔵野市せきまえ三丁目5",
            latitude=block.latitude + Decimal("0.0003"),
            longitude=block.longitude,
        )
        assert placement.source == "point"
        assert (placement.town.name, placement.block.number) == ("関前", 3)
        [warning] = placement.warnings
        assert "「武蔵野市せきまえ三丁目5」は武蔵野市の町として読めません" in warning
        assert "いちばん近い町「関前三丁目」" in warning and "約33m" in warning

    def test_a_point_far_from_every_town_is_not_matched(self, capsys):
        create(MUSASHINO, capsys)
        placement = AddressResolver(Municipality.objects.get()).place(
            address="どこか", latitude=Decimal("34.0"), longitude=Decimal("131.0")
        )
        assert placement.town is None and "10km以上離れています" in placement.warnings[0]

    def test_the_town_column_is_used_when_the_address_is_missing(self, kudamatsu):
        placement = AddressResolver(kudamatsu).place(address="", town="末武中")
        assert placement.source == "town" and placement.town.name == "大字末武中"
        assert placement.warnings == ()

    def test_one_resolver_costs_one_query_per_town(self, capsys, django_assert_max_num_queries):
        create(MUSASHINO, capsys)
        resolver = AddressResolver(Municipality.objects.get())
        with django_assert_max_num_queries(2):
            for n in range(50):
                resolver.resolve(f"吉祥寺北町2-{n}")
                resolver.resolve(f"境南町一丁目{n}番")


class TestPostalLookup:
    def _client(self, municipality) -> Client:
        client = Client()
        client.force_login(UserFactory(municipality=municipality, role=Role.TIER1))
        return client

    def test_a_code_of_the_municipality_offers_its_address_and_town(self, capsys):
        create(MUSASHINO, capsys)
        client = self._client(Municipality.objects.get())
        body = client.get("/org/postal-code/", {"postal_code": "１８００００４"}).content.decode()
        town = Town.objects.get(name="吉祥寺本町")
        assert "〒180-0004" in body and 'data-address="東京都武蔵野市吉祥寺本町"' in body
        assert f'data-town="{town.pk}"' in body and "住所に入れる" in body

    def test_a_ward_of_the_designated_city_is_ours(self, capsys):
        create(YOKOHAMA, capsys)
        client = self._client(Municipality.objects.get())
        body = client.get("/org/postal-code/", {"postal_code": "231-0012"}).content.decode()
        town = Town.objects.get(name="中区相生町")
        assert "神奈川県横浜市中区相生町" in body and f'data-town="{town.pk}"' in body

    def test_a_code_elsewhere_says_so_and_an_unknown_code_too(self, capsys):
        create(MUSASHINO, capsys)
        client = self._client(Municipality.objects.get())
        body = client.get("/org/postal-code/", {"postal_code": "1000001"}).content.decode()
        assert "千代田区の郵便番号です（この市区町村の外）" in body and "住所に入れる" not in body
        body = client.get("/org/postal-code/", {"postal_code": "999-9999"}).content.decode()
        assert "郵便番号 999-9999 は見つかりませんでした" in body
        assert client.get("/org/postal-code/", {"postal_code": "18"}).content.strip() == b""

    def test_resource_form_takes_and_normalises_the_postal_code(self, client, musashino):
        from sasaeai.resources.models import Service

        client.force_login(User.objects.get(username="tier1"))
        page = client.get("/resources/new/").content.decode()
        assert 'hx-get="/org/postal-code/"' in page and 'data-postal-address="address"' in page
        from sasaeai.resources.tests.test_views import form_data

        response = client.post(
            "/resources/new/",
            form_data(
                musashino,
                name="郵便番号テストの会",
                postal_code="〒１８０－０００４",
                address="東京都武蔵野市吉祥寺本町1-2-3",
            ),
        )
        assert response.status_code == 302
        location = Service.objects.get(name="郵便番号テストの会").location
        assert location.postal_code == "180-0004" and location.town.name == "吉祥寺本町"

    def test_a_wrong_postal_code_is_explained(self, client, musashino):
        client.force_login(User.objects.get(username="tier1"))
        response = client.post("/resources/new/", {"name": "x", "postal_code": "12-34"})
        assert "郵便番号は7桁の数字で入力してください" in response.content.decode()

    def test_case_form_offers_the_postal_code_to_choose_the_town(self, client, musashino):
        import datetime as dt

        from sasaeai.cases.models import Case

        client.force_login(User.objects.get(username="tier1"))
        page = client.get("/cases/new/").content.decode()
        assert 'data-postal-town="town"' in page and "郵便番号は保存しません" in page
        kyonan = Town.objects.get(name="境南町")
        response = client.post(
            "/cases/new/",
            {
                "area": kyonan.area_id,
                "received_on": dt.date.today().isoformat(),
                "brought_by": "care_manager",
                "sex": "female",
                "postal_code": "180-0023",
                "town": kyonan.pk,
                "needs_text": "近くで人と話せる場所を探している。",
                "role_preference": "either",
            },
        )
        assert response.status_code == 302
        case = Case.objects.get()
        assert case.town == kyonan and "180-0023" not in str(vars(case))


class TestSetupPages:
    @pytest.fixture
    def kudamatsu_admin(self, capsys):
        create(KUDAMATSU, capsys)
        municipality = Municipality.objects.get(code=KUDAMATSU)
        client = Client()
        client.force_login(UserFactory(municipality=municipality, role=Role.ADMIN))
        return client, municipality

    def test_checklist_of_a_new_municipality(self, kudamatsu_admin):
        client, _ = kudamatsu_admin
        body = client.get("/org/setup/").content.decode()
        assert "下松市の初期設定" in body and "町 50件" in body
        assert "第2層（圏域）を置かない市区町村は、この手順は不要です" in body
        assert "圏域を追加する" in body and "© Geolonia" in body

    def test_a_municipality_without_towns_is_told_how_to_get_them(self, client):
        municipality = services.municipality_create(code="139998", name="新しい市")
        client.force_login(UserFactory(municipality=municipality, role=Role.ADMIN))
        body = client.get("/org/setup/").content.decode()
        assert "sasaeai municipality create 139998" in body

    def test_area_made_of_checked_towns_with_a_point_map(self, kudamatsu_admin):
        client, municipality = kudamatsu_admin
        page = client.get("/org/areas/new/")
        body = page.content.decode()
        assert page.status_code == 200
        assert "<summary>サ行" in body  # 50 towns: grouped by the kana of their reading
        points = json.loads(
            body.split('<script id="area-map-data" type="application/json">')[1].split("</script>")[
                0
            ]
        )
        assert len(points) == 50 and {"id", "name", "lat", "lng", "area"} <= set(points[0])
        assert "© Geolonia" in body and "area_map.js" in body
        towns = list(Town.objects.filter(municipality=municipality, name__startswith="大字末武"))
        response = client.post(
            "/org/areas/new/",
            {
                "name": "末武エリア",
                "name_kana": "スエタケ",
                "order": "1",
                "towns": [t.pk for t in towns],
            },
        )
        assert response.status_code == 302 and response["Location"] == "/org/setup/"
        area = Area.objects.get(municipality=municipality, name="末武エリア")
        assert set(area.towns.all()) == set(towns)
        assert AuditEvent.objects.filter(action="create", target_type="org.area").exists()

    def test_moving_and_removing_towns_is_reported(self, kudamatsu_admin):
        client, municipality = kudamatsu_admin
        first = AreaFactory(municipality=municipality, name="北エリア")
        second = AreaFactory(municipality=municipality, name="南エリア")
        kami, naka, shimo = (Town.objects.get(name=f"大字末武{p}") for p in "上中下")
        services.area_save_with_towns(area=first, towns=[kami, naka])
        services.area_save_with_towns(area=second, towns=[shimo])
        response = client.post(
            f"/org/areas/{second.pk}/",
            {"name": "南エリア", "order": "2", "towns": [naka.pk]},
            follow=True,
        )
        body = response.content.decode()
        assert "「北エリア」から大字末武中を移しました。" in body
        assert "大字末武下は圏域が未設定になりました。" in body
        assert list(first.towns.all()) == [kami] and list(second.towns.all()) == [naka]
        shimo.refresh_from_db()
        assert shimo.area is None

    def test_a_town_of_another_municipality_cannot_be_chosen(self, kudamatsu_admin, capsys):
        client, _ = kudamatsu_admin
        create(MUSASHINO, capsys)
        foreign = Town.objects.get(name="桜堤")
        response = client.post(
            "/org/areas/new/", {"name": "乗っ取り", "order": "1", "towns": [foreign.pk]}
        )
        assert response.status_code == 400
        assert "この市区町村の町ではありません" in response.content.decode()
        foreign.refresh_from_db()
        assert foreign.area is None and not Area.objects.filter(name="乗っ取り").exists()

    def test_designated_city_groups_towns_by_ward(self, capsys):
        create(YOKOHAMA, capsys)
        client = Client()
        client.force_login(UserFactory(municipality=Municipality.objects.get(), role=Role.ADMIN))
        body = client.get("/org/areas/new/").content.decode()
        assert "<summary>鶴見区（" in body and "<summary>中区（" in body

    def test_delete_an_unused_area_but_not_one_in_use(self, kudamatsu_admin):
        client, municipality = kudamatsu_admin
        unused = AreaFactory(municipality=municipality)
        town = Town.objects.get(name="大字末武上")
        services.area_save_with_towns(area=unused, towns=[town])
        assert client.post(f"/org/areas/{unused.pk}/delete/").status_code == 302
        assert not Area.objects.filter(pk=unused.pk).exists()
        town.refresh_from_db()
        assert town.area is None
        used = AreaFactory(municipality=municipality)
        SupportCenter.objects.create(
            municipality=municipality, area=used, kind="community", name="センター"
        )
        response = client.post(f"/org/areas/{used.pk}/delete/", follow=True)
        assert "支援センターがあるため削除できません" in response.content.decode()
        assert Area.objects.filter(pk=used.pk).exists()

    def test_overview_without_areas(self, kudamatsu_admin):
        client, _ = kudamatsu_admin
        body = client.get("/org/").content.decode()
        assert "圏域はありません" in body and "50件の町は圏域が未設定です" not in body
        assert "初期設定" in body


def test_overview_counts_many_unassigned_towns_instead_of_listing_them(capsys):
    create(YOKOHAMA, capsys)
    client = Client()
    client.force_login(UserFactory(municipality=Municipality.objects.get(), role=Role.TIER1))
    body = client.get("/org/").content.decode()
    assert "件の町は圏域が未設定です。" in body and "中区相生町" not in body


def test_operator_loads_towns_from_the_django_admin(client):
    municipality = services.municipality_create(code=MUSASHINO, name="武蔵野市")
    client.force_login(User.objects.create_superuser("operator", password="operator-pass-2026"))
    response = client.post(
        "/django-admin/org/municipality/",
        {"action": "load_towns", "_selected_action": [municipality.pk]},
        follow=True,
    )
    assert "武蔵野市: 町 13件（追加 13・更新 0）、丁目 追加 51" in response.content.decode()
    assert municipality.towns.count() == 13
