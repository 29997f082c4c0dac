"""The case form without friction (issue 21): each 丁目 names its 町 so that the page's script
offers only the chosen 町's blocks (the browser test checks the script; without it the server
still refuses a block of another 町); a tier-2 coordinator with one area finds it chosen."""

import re

import pytest
from django.urls import reverse

from sasaeai.org.models import TownBlock


@pytest.fixture
def tier2(client, world):
    user = world["users"]["tier2-6"]
    client.force_login(user)
    return user


def test_every_block_option_names_its_town_and_the_script_is_loaded(client, world, tier2):
    html = client.get(reverse("cases:create")).content.decode()
    select = re.search(r'<select name="town_block".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="(\d+)"([^>]*)>', select)
    assert options
    blocks = {b.pk: b.town_id for b in TownBlock.objects.all()}
    for value, attrs in options:
        assert f'data-town="{blocks[int(value)]}"' in attrs, (value, attrs)
    assert "cases/case_form.js" in html


def test_without_the_script_a_block_of_another_town_is_refused(client, world, tier2):
    elsewhere = TownBlock.objects.exclude(town=world["kyonan"]).first()
    response = client.post(
        reverse("cases:create"),
        {
            "area": world["areas"][5].pk,
            "received_on": "2025-04-01",
            "brought_by": "self",
            "sex": "female",
            "role_preference": "either",
            "town": world["kyonan"].pk,
            "town_block": elsewhere.pk,
        },
    )
    assert "丁目が町と一致しません" in response.content.decode()


def test_a_tier2_coordinator_with_one_area_has_it_chosen(client, world, tier2):
    assert tier2.areas.count() == 1
    html = client.get(reverse("cases:create")).content.decode()
    select = re.search(r'<select name="area".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{tier2.areas.get().pk}" selected>', select), select
