"""The public finder made for residents (issue #24): the header names the service for residents,
the login page links to it, a search jumps to the results, 「この場所の近く」 gives each result's
walking distance, the printout carries the conditions, and each listing links to the reports."""

import pytest
from django.urls import reverse

from sasaeai.org.models import Town
from sasaeai.resources.models import VerificationPolicy

from .factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def public_salon(municipality, town_name="桜堤", **kwargs):
    town = Town.objects.get(municipality=municipality, name=town_name)
    return ServiceFactory(
        municipality=municipality,
        location=LocationFactory(town=town, municipality=municipality, name="集会所"),
        is_public=True,
        publication_consent=True,
        **kwargs,
    )


def test_header_names_the_service_for_residents(client, musashino):
    url = reverse("finder:search", args=[musashino.code])
    page = client.get(url).content.decode()
    assert "武蔵野市 地域の通いの場さがし" in page
    assert "生活支援コーディネーター業務支援システム" not in page
    VerificationPolicy.objects.create(
        municipality=musashino, finder_title="武蔵野市 地域の通いの場・サロンさがし"
    )
    assert "武蔵野市 地域の通いの場・サロンさがし" in client.get(url).content.decode()


def test_login_page_links_to_the_finder(client, musashino):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("finder:index") in page and "地域の通いの場をさがす" in page
    assert client.get("/").status_code == 302  # the top page leads to the login page


def test_walking_distance_and_printed_conditions(client, musashino):
    salon = public_salon(musashino, name="桜堤ふれあいサロン")
    url = reverse("finder:search", args=[musashino.code])
    response = client.get(url, {"q": "ふれあい", "near": "桜堤3丁目", "radius": "5000"})
    item = next(i for i in response.context["items"] if i.id == salon.pk)
    assert item.extra["distance_m"] >= 0 and item.extra["walk_minutes"] >= 1
    page = response.content.decode()
    assert f"約{item.extra['distance_m']}m（歩いて約{item.extra['walk_minutes']}分）" in page
    assert "さがした条件: ことばでさがす「ふれあい」、この場所の近く「桜堤3丁目」" in page
    assert 'class="finder-conditions print-only"' in page
    assert '#finder-results"' in page  # the search lands on the results
    assert "載っていない場所を知らせる" in page


def test_listing_links_to_error_report(client, musashino):
    salon = public_salon(musashino)
    page = client.get(reverse("finder:detail", args=[musashino.code, salon.pk])).content.decode()
    assert reverse("directory_public:report_error", args=[musashino.code, salon.pk]) in page
