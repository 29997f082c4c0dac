"""What a resident may not see must not be searchable by a resident (issue #18 §1).

The public finder searches a public document built from the fields the public page shows
(search.search_document): a home salon is found by its town, never by its place name, address,
方書 or host, and its alternate name, contacts and notes are nowhere. Tested through the
anonymous finder (its list and its map data), with a property test: random private values
planted in every hidden field of a home salon and of a non-public service change no public
search, filter or sort order, while staff search finds them."""

import json
import re
import string
from decimal import Decimal

import jaconv
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.accounts.models import User
from sasaeai.core.readings import bounded_term
from sasaeai.core.text import search_key
from sasaeai.org.models import Town
from sasaeai.resources.models import TargetGroup
from sasaeai.resources.search import service_document
from sasaeai.resources.selectors import ServiceFilters, service_search
from sasaeai.resources.services import service_reindex

from .factories import LocationFactory, OrganizationFactory, ScheduleFactory, ServiceFactory

HOUSE = "吉祥寺北町4丁目17番29号"


def finder_ids(client: Client, code: str, params: dict) -> tuple[list[int], list[int]]:
    """(the ids the finder lists, in order; the ids its map data holds, in order)."""
    response = client.get(f"/finder/{code}/", params)
    assert response.status_code == 200
    content = response.content.decode()
    listed = re.search(r'<ol class="finder-results".*?</ol>', content, re.S)
    ids = (
        [int(pk) for pk in re.findall(rf'href="/finder/{code}/(\d+)/"', listed.group(0))]
        if listed
        else []
    )
    data = re.search(
        r'id="resource-map-data" type="application/json">(.*?)</script>', content, re.S
    )
    features = json.loads(data.group(1)) if data else []
    return ids, [f["id"] for f in features]


def staff_ids(text: str) -> set[int]:
    user = User.objects.get(username="tier1")
    return {s.pk for s in service_search(user=user, filters=ServiceFilters(text=text)).queryset}


@pytest.fixture
def home_salon(musashino):
    town = Town.objects.get(municipality=musashino, name="吉祥寺北町")
    organization = OrganizationFactory(municipality=musashino, name="北町ふれあいの会")
    home = LocationFactory(
        town=town,
        name="山田宅",
        address=HOUSE,
        address_2="コーポ山田101",
        is_private_home=True,
        latitude="35.713000",
        longitude="139.573000",
        is_approximate=False,
    )
    salon = ServiceFactory(
        name="ふれあいお茶の間",
        location=home,
        organization=organization,
        is_public=True,
        publication_consent=True,
        contact_name="山田花子",
        contact_phone="0422-00-1729",
        contact_is_public=False,
    )
    ScheduleFactory(service=salon, byday="TU")
    return salon


def test_the_finder_does_not_find_a_home_salon_by_its_exact_address(client, musashino, home_salon):
    """The finding of issue #18: `?q=17番29` listed the salon (a loop over 番 and 号 recovered
    the whole address in 80 anonymous requests); its place name and host matched too."""
    code = musashino.code
    for query in [
        "17番29",
        "17番",
        "4丁目17",
        "番29号",
        "山田宅",
        "ヤマダ",
        "やまだ",
        "コーポ",
        "101",
    ]:
        ids, features = finder_ids(client, code, {"q": query})
        assert home_salon.pk not in ids + features, query
    # What the public page shows still finds it: its name, its organisation, its town.
    for query in ["ふれあいお茶の間", "北町ふれあいの会", "吉祥寺北町", "きちじょうじきたまち"]:
        ids, features = finder_ids(client, code, {"q": query})
        assert home_salon.pk in ids and home_salon.pk in features, query
    # Staff may see the address, and find the salon by it.
    assert home_salon.pk in staff_ids("17番29")
    assert home_salon.pk in staff_ids("山田宅")


def test_the_public_document_holds_only_what_the_public_page_shows(home_salon):
    home_salon.alternate_name = "山田さんちのサロン"
    home_salon.save()
    service_reindex(service=home_salon)
    document = service_document(home_salon)
    for hidden in map(search_key, ["17番29", "コーポ", "山田宅", "やまだたく", "山田さんち"]):
        # A reading is stored at its word boundaries (core.readings.bounded_term).
        forms = [hidden, bounded_term(hidden) or hidden]
        assert not any(form in document.public_search_text for form in forms)
        assert not any(form in document.public_search_name for form in forms)
        assert any(form in document.search_text for form in forms)  # staff search keeps them
    assert "吉祥寺北町" in document.public_search_text
    # Every part of the public document is in the staff text, whose index finds candidates.
    for part in document.public_search_text.split(" "):
        assert part in document.search_text


def test_a_place_that_becomes_a_private_home_leaves_the_public_document_at_once(client, musashino):
    """Whoever saves the place (the admin site, the shell): the search documents follow."""
    town = Town.objects.get(municipality=musashino, name="吉祥寺北町")
    place = LocationFactory(town=town, name="鈴木宅", address="吉祥寺北町2丁目5番8号")
    salon = ServiceFactory(
        name="すずらんの会", location=place, is_public=True, publication_consent=True
    )
    code = musashino.code
    assert salon.pk in finder_ids(client, code, {"q": "5番8"})[0]
    place.is_private_home = True
    place.save()
    assert salon.pk not in finder_ids(client, code, {"q": "5番8"})[0]
    assert salon.pk in finder_ids(client, code, {"q": "すずらん"})[0]


# --- the property: hidden values change nothing the public can observe -------------------------

SECRET_CHARACTERS = (
    "あいうえおかきくけこさしすせそたちつてとなにぬねのやまだはなこ"
    "アイウエオカキクケコサシスセソタチツテトヤマダハナコーポハイツ"
    "山田宅花子鈴木様方番号丁目北町荘棟室"
    + string.digits
    + "０１２３４５６７８９"
    + "ABCXYZabcxyz-"
)
secrets = st.text(alphabet=st.sampled_from(SECRET_CHARACTERS), min_size=2, max_size=12)


def variants(text: str) -> list[str]:
    """The ways a resident could type a value: as it is, in hiragana, in katakana, half width
    and full width (all fold to one key)."""
    found = [
        text,
        jaconv.kata2hira(text),
        jaconv.hira2kata(text),
        jaconv.z2h(jaconv.hira2kata(text), kana=True, digit=True, ascii=True),
        jaconv.h2z(text, kana=True, digit=True, ascii=True),
    ]
    return list(dict.fromkeys(found))


@pytest.fixture
def neighbourhood(musashino):
    """A home salon and a non-public service among public places of the same area, a
    target group with a label for residents, an organisation."""
    town = Town.objects.get(municipality=musashino, name="吉祥寺北町")
    home = LocationFactory(town=town, is_private_home=True, is_approximate=False)
    organization = OrganizationFactory(municipality=musashino, name="北町ふれあいの会")
    target = TargetGroup.objects.create(code="test-hidden", name="", public_label="どなたでも")
    salon = ServiceFactory(
        name="ふれあいお茶の間",
        location=home,
        organization=organization,
        is_public=True,
        publication_consent=True,
        contact_is_public=False,
        target_groups=[target],
    )
    ScheduleFactory(service=salon, byday="TU")
    hidden_place = LocationFactory(town=town)
    internal = ServiceFactory(location=hidden_place, is_public=False, publication_consent=True)
    public = []
    for n, (lat, lon) in enumerate(
        [("35.7150", "139.5700"), ("35.7100", "139.5800"), ("35.7200", "139.5650")]
    ):
        place = LocationFactory(
            town=town, name=f"北町集会所{n}", latitude=lat, longitude=lon, is_approximate=False
        )
        service = ServiceFactory(
            name=f"北町のお茶会{n}", location=place, is_public=True, publication_consent=True
        )
        ScheduleFactory(service=service, byday="TU")
        public.append(service)
    return {
        "municipality": musashino,
        "town": town,
        "salon": salon,
        "home": home,
        "organization": organization,
        "target": target,
        "internal": internal,
        "hidden_place": hidden_place,
    }


def plant(world: dict, values: dict[str, str], point: tuple[str, str]) -> None:
    """Writes the values into every field of the home salon the public does not see, and into
    every field of the non-public service; the search documents follow the saves."""
    home, salon = world["home"], world["salon"]
    home.name = values["place_name"]
    home.address = values["address"]
    home.address_2 = values["address_2"]
    home.postal_code = values["postal_code"][:8]
    home.latitude, home.longitude = Decimal(point[0]), Decimal(point[1])
    home.save()
    world["organization"].name_kana = values["organization_kana"]
    world["organization"].save()
    world["target"].name = values["target_name"]
    world["target"].save()
    salon.alternate_name = values["alternate_name"]
    salon.contact_name = values["contact_name"]
    salon.contact_phone = values["contact_phone"][:30]
    salon.contact_email = values["contact_email"]
    salon.internal_note = values["internal_note"]
    salon.source_note = values["source_note"]
    salon.volunteer_roles = values["volunteer_roles"]
    salon.save()
    service_reindex(service=salon)
    place, internal = world["hidden_place"], world["internal"]
    place.name, place.address, place.address_2 = (
        values["place_name"],
        values["address"],
        values["address_2"],
    )
    place.save()
    for field in ("name", "name_kana", "alternate_name", "description", "internal_note"):
        setattr(internal, field, values[field])
    internal.save()
    service_reindex(service=internal)


HIDDEN_FIELDS = [
    "place_name",
    "address",
    "address_2",
    "postal_code",
    "organization_kana",
    "target_name",
    "alternate_name",
    "contact_name",
    "contact_phone",
    "contact_email",
    "internal_note",
    "source_note",
    "volunteer_roles",
    "name",
    "name_kana",
    "description",
]
# Of those, the ones the staff document holds (staff may see them, and find the salon by them).
STAFF_SEARCHED = [
    "place_name",
    "address",
    "address_2",
    "organization_kana",
    "target_name",
    "alternate_name",
]
BLANK = dict.fromkeys(HIDDEN_FIELDS, "")


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=st.fixed_dictionaries({name: secrets for name in HIDDEN_FIELDS}),
    point=st.tuples(
        st.decimals("35.6950", "35.7250", places=6).map(str),
        st.decimals("139.5300", "139.6000", places=6).map(str),
    ),
    data=st.data(),
)
def test_hidden_values_change_no_public_search_filter_or_order(neighbourhood, values, point, data):
    world = neighbourhood
    code = world["municipality"].code
    client = Client()
    chosen = data.draw(
        st.lists(st.sampled_from(HIDDEN_FIELDS), min_size=2, max_size=2, unique=True)
    )
    queries = []
    for name in chosen:
        secret = values[name]
        start = data.draw(st.integers(0, len(secret) - 1))
        end = data.draw(st.integers(start + 1, len(secret)))
        typed = data.draw(
            st.lists(
                st.sampled_from(variants(secret[start:end])), min_size=1, max_size=2, unique=True
            )
        )
        queries += [{"q": text} for text in typed]
    queries += [
        {"q": ""},
        {"area": str(world["town"].area_id)},
        {"town": str(world["town"].pk), "weekday": "1"},
        {"near": "吉祥寺北町1丁目", "radius": "2000"},
        {"near": "吉祥寺北町4丁目", "radius": "300"},
        {"q": "北町", "near": "吉祥寺北町4丁目", "radius": "5000"},
    ]

    def observe() -> list:
        return [finder_ids(client, code, params) for params in queries]

    plant(world, BLANK, ("35.713000", "139.573000"))
    without = observe()
    plant(world, values, point)
    with_secrets = observe()
    assert with_secrets == without, "a hidden value changed what the finder shows"
    internal = world["internal"].pk
    assert all(internal not in ids + features for ids, features in with_secrets)
    for name in STAFF_SEARCHED:
        assert world["salon"].pk in staff_ids(values[name]), name
