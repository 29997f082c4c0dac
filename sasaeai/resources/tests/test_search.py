"""The Japanese search, one suite for both backends: run it on SQLite (default) and with
DATABASE_URL=postgres://… to prove the same results on PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection

from sasaeai.accounts.models import User
from sasaeai.core.readings import reading
from sasaeai.core.text import search_key
from sasaeai.org.models import Town
from sasaeai.resources.models import Service, Synonym
from sasaeai.resources.search import expand_query, query_terms
from sasaeai.resources.selectors import ServiceFilters, service_search, service_search_public

from .factories import LocationFactory, ScheduleFactory, ServiceFactory, category


@pytest.fixture
def places(musashino):
    """A handful of services in known towns."""
    town = {t.name: t for t in Town.objects.filter(municipality=musashino)}

    def make(name, town_name, **kwargs):
        categories = kwargs.pop("categories", [])
        location = LocationFactory(town=town[town_name], name=kwargs.pop("place", ""))
        return ServiceFactory(name=name, location=location, categories=categories, **kwargs)

    return {
        "karaoke": make(
            "カラオケ同好会", "境", categories=[category("hobby-music")], description="昭和の名曲"
        ),
        "uta": make("歌声喫茶ひだまり", "中町", description="みんなで歌います"),
        "yoriai": make(
            "よりあい食堂", "桜堤", categories=[category("dining")], description="手作りの昼食"
        ),
        "taiso": make("いきいき体操教室", "御殿山", categories=[category("exercise")]),
        "salon": make("まきばサロン", "西久保", categories=[category("salon")]),
        "desc_only": make("ひだまりの会", "吉祥寺東町", description="月1回のサロンと体操、お茶会"),
        "abc": make("ＡＢＣ英会話クラブ", "境南町", description="初心者１２３歓迎"),
        "closed": make("閉じたサロン", "西久保", status=Service.Status.CLOSED),
    }


def ids(result):
    return {s.pk for s in result.queryset}


def search(text, **filters):
    user = User.objects.get(username="tier1")
    return service_search(user=user, filters=ServiceFilters(text=text, **filters))


# --- folding ----------------------------------------------------------------------------------


def test_search_key_folds_kana_width_and_case():
    assert search_key("からおけ") == search_key("カラオケ") == search_key("ｶﾗｵｹ") == "カラオケ"
    assert search_key("ＡＢＣ１２３") == "abc123"


def test_reading_of_place_names():
    assert reading("桜堤") == "サクラヅツミ"
    assert reading("吉祥寺北町") == "キチジョウジキタマチ"


@pytest.mark.parametrize("query", ["からおけ", "カラオケ", "ｶﾗｵｹ", "ｶﾗｵｹ同好会"])
def test_script_and_width_variants_find_the_same_place(places, query):
    assert places["karaoke"].pk in ids(search(query))


def test_half_width_katakana_finds_salon(places):
    found = ids(search("ｻﾛﾝ"))
    assert places["salon"].pk in found


@pytest.mark.parametrize("query", ["abc", "ＡＢＣ", "ａｂｃ", "123", "１２３"])
def test_full_and_half_width_letters_and_digits_are_the_same(places, query):
    assert ids(search(query)) == {places["abc"].pk}


def test_reading_finds_kanji_town(places):
    # さくらづつみ → 桜堤 (the town's reading is part of what is searched)
    assert places["yoriai"].pk in ids(search("さくらづつみ"))


def test_reading_of_a_kanji_name(places):
    # 食堂 is read ショクドウ by SudachiPy when the record is saved.
    assert places["yoriai"].pk in ids(search("よりあいしょくどう"))


@pytest.mark.parametrize(
    ("query", "key"), [("歌", "uta"), ("体操", "taiso"), ("食堂", "yoriai"), ("堤", "yoriai")]
)
def test_one_and_two_character_queries(places, query, key):
    assert places[key].pk in ids(search(query))


def test_synonyms_karaoke_and_song(places):
    assert {places["karaoke"].pk, places["uta"].pk} <= ids(search("カラオケ"))
    assert {places["karaoke"].pk, places["uta"].pk} <= ids(search("歌"))


def test_synonyms_gathering_places(places):
    found = ids(search("通いの場"))
    assert places["salon"].pk in found
    assert places["desc_only"].pk in found


def test_synonyms_are_editable(places):
    assert places["yoriai"].pk not in ids(search("ごはん"))
    Synonym.objects.create(terms="ごはん、食堂")
    assert places["yoriai"].pk in ids(search("ごはん"))


def test_expand_query_is_reusable():
    expanded = expand_query("からおけ　体操", groups=[frozenset({"カラオケ", "歌"})])
    # A katakana word also in the form that finds it in readings only from a word's start.
    assert expanded == [["カラオケ", "歌", "ゖからおけ"], ["体操"]]


@pytest.mark.parametrize(
    ("typed", "key"), [("さくら", "yoriai"), ("サクラ", "yoriai"), ("たいそ", "taiso")]
)
def test_a_typed_word_start_finds_the_reading(places, typed, key):
    """As a person types, the start of a reading's word finds it (さくら → サクラヅツミ, the town
    of よりあい食堂; たいそ → タイソウ)."""
    assert places[key].pk in ids(search(typed))


def test_a_piece_from_inside_a_reading_word_is_not_found(places):
    assert places["yoriai"].pk not in ids(search("くらづつみ"))


@pytest.mark.parametrize("query", ["カラオケ", "ｶﾗｵｹ", "からおけ", "歌"])
def test_a_reading_is_matched_at_word_boundaries_only(musashino, query):
    """うた (a synonym of カラオケ and 歌) is inside カイゴヨボ「ウタ」イソウ and ケンコ「ウタ」イソウ,
    the readings of 介護予防体操 and 健康体操: those are no karaoke (issue 25)."""
    town = Town.objects.get(municipality=musashino, name="境南町")

    def make(name, **kwargs):
        return ServiceFactory(name=name, location=LocationFactory(town=town), **kwargs)

    karaoke = make("老人クラブ カラオケ定例会", name_kana="ロウジンクラブカラオケテイレイカイ")
    singing = make("うたの会")
    exercise = make("介護予防体操教室", name_kana="カイゴヨボウタイソウキョウシツ")
    gymnastics = make("境南コミセン 健康体操", categories=[category("exercise-gymnastics")])
    found = ids(search(query))
    assert {karaoke.pk, singing.pk} <= found
    assert not found & {exercise.pk, gymnastics.pk}
    # A reading is still found by its words, one or several in a row, in any kana.
    assert exercise.pk in ids(search("かいごよぼう"))
    assert exercise.pk in ids(search("タイソウ"))
    assert gymnastics.pk in ids(search("けんこうたいそう"))
    assert exercise.pk not in ids(search("ぼうたい"))


def test_several_words_must_all_match(places):
    assert ids(search("サロン 西久保")) == {places["salon"].pk}


def test_name_matches_rank_before_description_matches(places):
    result = list(search("サロン").queryset)
    names = [s.name for s in result]
    assert names.index("まきばサロン") < names.index("ひだまりの会")


def test_nearer_first_when_a_place_is_given(musashino, places):
    town = Town.objects.get(municipality=musashino, name="西久保")
    result = list(search("", near_town_id=town.pk).queryset)
    assert result[0].pk == places["salon"].pk


def test_within_metres_of_an_address(musashino, places):
    result = search("", near_address="東京都武蔵野市桜堤１丁目", radius_m=600)
    assert places["yoriai"].pk in ids(result)
    assert places["taiso"].pk not in ids(result)
    assert all(d <= 600 for d in result.distances.values())


def test_closed_services_are_left_out_by_default(places):
    assert places["closed"].pk not in ids(search("サロン"))
    assert places["closed"].pk in ids(search("サロン", statuses=["closed"]))


def test_category_filter_includes_subcategories(places):
    result = search("", category_ids=[category("hobby").pk])
    assert ids(result) == {places["karaoke"].pk}


def test_day_and_time_filter_use_one_schedule(places):
    ScheduleFactory(service=places["taiso"], byday="TU", opens_at=dt.time(10))
    ScheduleFactory(service=places["salon"], byday="TU", opens_at=dt.time(14))
    ScheduleFactory(service=places["salon"], byday="FR", opens_at=dt.time(10))
    assert ids(search("", weekdays=[1], time_of_day="morning")) == {places["taiso"].pk}
    assert ids(search("", weekdays=[1])) == {places["taiso"].pk, places["salon"].pk}


def test_open_on_a_date_respects_ordinals_and_holidays(places):
    ScheduleFactory(service=places["salon"], freq="MONTHLY", byday="2WE,4WE")
    ScheduleFactory(service=places["taiso"], freq="WEEKLY", byday="MO", closed_on_holidays=True)
    # 2025-05-14 is the 2nd Wednesday; 2025-05-21 the 3rd.
    assert places["salon"].pk in ids(search("", open_on=dt.date(2025, 5, 14)))
    assert places["salon"].pk not in ids(search("", open_on=dt.date(2025, 5, 21)))
    # 2025-05-05 (こどもの日) is a Monday holiday; 2025-05-12 an ordinary Monday.
    assert places["taiso"].pk not in ids(search("", open_on=dt.date(2025, 5, 5)))
    assert places["taiso"].pk in ids(search("", open_on=dt.date(2025, 5, 12)))


def test_every_other_week_is_checked_exactly(places):
    ScheduleFactory(service=places["uta"], byday="TH", interval=2, valid_from=dt.date(2025, 5, 1))
    assert places["uta"].pk in ids(search("", open_on=dt.date(2025, 5, 1)))
    assert places["uta"].pk not in ids(search("", open_on=dt.date(2025, 5, 8)))
    assert places["uta"].pk in ids(search("", open_on=dt.date(2025, 5, 15)))


HOSTILE = [
    '"',
    "'",
    '""',
    'カラオケ" OR "1',
    "NEAR(a b)",
    "a AND b OR NOT c",
    "*",
    "^",
    "col:val",
    "' OR 1=1 --",
    "'; DROP TABLE resources_service; --",
    "%",
    "_",
    "\\",
    "🎤🎶",
    "🎤",
    "\x00\x01",
    "( ) { } [ ]",
    "　",
    "サロン" * 3000,
    "あ" * 10_000,
    "ー",
    "・・",
    "-1",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_strings_never_error(places, query):
    result = search(query)
    list(result.queryset)
    public = service_search_public(municipality=places["salon"].municipality, text=query)
    list(public.queryset)


def test_special_characters_match_literally(places):
    quoted = ServiceFactory(
        name='「いこい」の"家"', location=places["salon"].location, description="100%手作り"
    )
    assert ids(search('"家"')) == {quoted.pk}
    assert ids(search("100%")) == {quoted.pk}
    assert ids(search("%")) == {quoted.pk}


def test_query_terms_are_bounded():
    assert len(query_terms("あ " * 100)) <= 8
    assert len("".join(query_terms("あ" * 10_000))) <= 100


def test_index_is_used_on_this_backend(places):
    """The index really answers (not only the exact check): on SQLite the FTS tables hold the
    rows; on PostgreSQL the trigram index exists."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM resources_service_fts WHERE resources_service_fts MATCH ?",
                ['"カラオケ"'],
            )
            assert cursor.fetchone()[0] >= 1
            cursor.execute(
                "SELECT count(*) FROM resources_service_chars "
                "WHERE resources_service_chars MATCH ?",
                ['"食堂"'],
            )
            assert cursor.fetchone()[0] >= 1
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'resources_service_search_trgm'"
            )
            assert "gin_trgm_ops" in cursor.fetchone()[0]


@pytest.mark.parametrize(
    "query", ["からおけ", "ｻﾛﾝ", "歌", "体操", "食堂", "さくらづつみ", "通いの場", "%", '"', "123"]
)
def test_index_path_gives_the_same_results_as_the_exact_path(places, monkeypatch, query):
    """On SQLite the full-text indexes answer alone (no re-check of the text): the same rows
    in the same order as the plain substring check."""
    from sasaeai.resources import selectors

    monkeypatch.setattr(selectors, "SEARCH_INDEX", False)
    exact = [s.pk for s in search(query).queryset]
    monkeypatch.setattr(selectors, "SEARCH_INDEX", True)
    indexed = [s.pk for s in search(query).queryset]
    assert indexed == exact


def test_pair_index_text_holds_each_pair_once():
    from sasaeai.resources.search import chars_of

    assert set(chars_of("桜堤 サロン 桜堤").split(" ")) == {"桜堤", "堤", "サロ", "ロン", "ン"}
    assert chars_of("") == ""


@pytest.mark.parametrize("query", ["体操", "体", "操", "食", "堂", "ａ", "1", "昼食", "会"])
def test_short_terms_found_by_the_pair_index_alone(places, monkeypatch, query):
    """One- and two-character terms (a pair lookup or a prefix lookup) answer exactly what the
    substring check answers, with the last character of a word included."""
    from sasaeai.resources import selectors

    monkeypatch.setattr(selectors, "SEARCH_INDEX", False)
    exact = ids(search(query))
    monkeypatch.setattr(selectors, "SEARCH_INDEX", True)
    assert ids(search(query)) == exact


def test_a_pair_across_a_space_is_not_a_match(places):
    # 「手作りの昼食」 and 「みんなで歌います」 are separate words in the searched text: the
    # last character of one and the first of the next never make a pair.
    assert "食み" not in places["uta"].search_text
    assert ids(search("食み")) == set()
    assert places["karaoke"].pk in ids(search("曲"))  # the end of 「昭和の名曲」
