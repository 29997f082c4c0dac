"""What a service is for (issue 25): a call for helpers is an opportunity for helpers, never a
service that comes to a participant's home; staff can say so on the resource form, else it is
judged from the data. Needs in plain words and a wish for a small group."""

import pytest

from sasaeai.cases.facts import BOTH, RECRUITING, SERVICE, service_direction
from sasaeai.cases.interests import interest_terms, wishes_in
from sasaeai.cases.matching import match
from sasaeai.cases.profiles import profile_from_input
from sasaeai.org.models import Town
from sasaeai.resources.models import Service
from sasaeai.resources.tests.factories import category

from .conftest import _service


@pytest.mark.parametrize(
    ("name", "text", "codes", "welcomes", "expected"),
    [
        ("配食ボランティア", "お弁当を届けるボランティアを募集しています", {"dining-delivery"}, True,
         RECRUITING),
        ("見守り隊", "隊員募集。ひとり暮らしの方を見守ります", {"watching"}, False, RECRUITING),
        ("読み聞かせの会", "ボランティアをしたい方を募っています", {"learning"}, False, RECRUITING),
        ("花壇の手入れ", "", {"volunteer"}, True, RECRUITING),
        ("ふれあいサロン", "お茶とおしゃべり。ボランティア募集中", {"salon"}, False, BOTH),
        ("テンミリオンハウス", "ミニデイ", {"salon-miniday"}, True, BOTH),
        ("配食サービス", "お弁当を自宅まで届けます", {"dining-delivery"}, False, SERVICE),
        ("カラオケの会", "会員募集中", {"hobby-music"}, False, SERVICE),
    ],
)  # fmt: skip
def test_direction_is_judged_from_the_data(name, text, codes, welcomes, expected):
    found = service_direction(
        direction="", name=name, text=f"{name} {text}", codes=codes, welcomes_volunteers=welcomes
    )
    assert found == expected


def test_what_staff_set_is_taken_as_it_is():
    found = service_direction(
        direction=SERVICE, name="配食ボランティア", text="", codes={"volunteer"},
        welcomes_volunteers=True,
    )  # fmt: skip
    assert found == SERVICE


@pytest.fixture
def recruiting_world(world):
    kyonan = Town.objects.get(municipality=world["municipality"], name="境南町")
    delivery = _service(
        kyonan,
        "配食ボランティア",
        description="お弁当を届けるボランティアを募集しています。",
        categories=[category("dining-delivery"), category("volunteer")],
        welcomes_volunteers=True,
        offset=(0.001, 0.001),
    )
    meals = _service(
        kyonan,
        "配食サービス",
        description="お弁当を自宅まで届けます。",
        categories=[category("dining-delivery")],
        offset=(0.002, 0.001),
    )
    return {**world, "delivery": delivery, "meals": meals}


def test_a_call_for_helpers_is_no_service_to_a_participant(recruiting_world):
    municipality = recruiting_world["municipality"]
    participant = profile_from_input(
        municipality=municipality, town="境南町", role="participant", notes="話し相手がほしい"
    )
    result = match(participant, limit=50)
    names = [s.service.name for s in result.suggestions]
    assert "配食ボランティア" not in names
    meals = next(s for s in result.suggestions if s.service.name == "配食サービス")
    assert "自宅まで来てくれる（配食）" in meals.reasons
    # A helper gets it, as a place that takes helpers, never as coming to the home.
    helper = profile_from_input(municipality=municipality, town="境南町", role="helper")
    result = match(helper, limit=50)
    delivery = next(s for s in result.suggestions if s.service.name == "配食ボランティア")
    assert "ボランティア受入あり" in delivery.reasons
    assert not any(r.startswith("自宅まで") for r in delivery.reasons)
    # Staff may say otherwise on the resource: then it is a service to the person.
    Service.objects.filter(pk=recruiting_world["delivery"].pk).update(direction=SERVICE)
    names = [s.service.name for s in match(participant, limit=50).suggestions]
    assert "配食ボランティア" in names


def test_cannot_go_out_is_accepted_and_gets_what_comes_to_the_home(recruiting_world):
    profile = profile_from_input(
        municipality=recruiting_world["municipality"], town="境南町", max_walk_m=0
    )
    assert profile.cannot_go_out
    names = [s.service.name for s in match(profile).suggestions]
    assert names == ["配食サービス"]


def test_a_need_in_plain_words_is_read_as_the_activities_that_meet_it():
    terms = interest_terms("話し相手がほしい")
    words = {a.text for t in terms for a in t.alternatives}
    assert {"おしゃべり", "傾聴", "茶話会", "サロン"} <= words
    assert "相手" not in {t.label for t in terms}
    notes = interest_terms("", notes="最近は誰とも話していなくて寂しい")
    assert notes and notes[0].weight < 1


def test_a_wish_for_a_small_quiet_group_is_read_from_words():
    assert "quiet" in wishes_in("大勢は苦手なので、少人数のところがいい")
    assert "quiet" in wishes_in("にぎやかな場所は苦手")
    assert "quiet" not in wishes_in("みんなで歌いたい")
