"""The public finder: no login, only public and active services, no internal field anywhere
(pages, map data, brochure PDF), private homes never shown at the house."""

import io
import re

import pytest
from pypdf import PdfReader

from sasaeai.org.models import Area, Town
from sasaeai.resources.models import Service

from .factories import LocationFactory, ScheduleFactory, ServiceFactory, category

SECRET_NOTE = "職員メモ秘密XYZ"
SECRET_CONTACT = "非公開担当者ABC"
SECRET_PHONE = "090-9999-8888"
SECRET_SOURCE = "出典メモQQQ"
HOUSE = "桜堤三丁目9番9号の個人宅"


@pytest.fixture
def finder(musashino):
    sakura = Town.objects.get(municipality=musashino, name="桜堤")

    def make(name, **kwargs):
        location = kwargs.pop("location", None) or LocationFactory(town=sakura)
        defaults = dict(
            is_public=True,
            publication_consent=True,
            internal_note=SECRET_NOTE,
            contact_name=SECRET_CONTACT,
            contact_phone=SECRET_PHONE,
            contact_is_public=False,
            source_note=SECRET_SOURCE,
            categories=[category("salon")],
        )
        defaults.update(kwargs)
        service = ServiceFactory(name=name, location=location, **defaults)
        ScheduleFactory(service=service, byday="TU")
        return service

    home = LocationFactory(
        town=sakura,
        address=HOUSE,
        name="山田さん宅",
        is_private_home=True,
        latitude="35.709999",
        longitude="139.529999",
        is_approximate=False,
    )
    return {
        "municipality": musashino,
        "public": make("公開サロン"),
        "internal": make("内部サロン", is_public=False, publication_consent=False),
        "paused": make("休止サロン", status=Service.Status.PAUSED),
        "closed": make("終了サロン", status=Service.Status.CLOSED),
        "no_consent": make("同意なしサロン", publication_consent=False),
        "home": make("自宅サロン", location=home),
        "contact": make(
            "連絡先公開サロン",
            contact_is_public=True,
            contact_name="公開担当",
            contact_phone="0422-11-2222",
        ),
    }


def search_url(finder, **params):
    return f"/finder/{finder['municipality'].code}/"


def test_finder_needs_no_login_and_lists_only_public_active(client, finder):
    response = client.get(search_url(finder), {"q": "サロン"})
    assert response.status_code == 200
    content = response.content.decode()
    for key in ("public", "home", "contact"):
        assert finder[key].name in content
    for key in ("internal", "paused", "closed", "no_consent"):
        assert finder[key].name not in content


def test_no_internal_field_on_any_public_page(client, finder):
    code = finder["municipality"].code
    pages = [client.get(f"/finder/{code}/", {"q": "サロン"})]
    for key in ("public", "home", "contact"):
        pages.append(client.get(f"/finder/{code}/{finder[key].pk}/"))
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        for secret in (
            SECRET_NOTE,
            SECRET_CONTACT,
            SECRET_PHONE,
            SECRET_SOURCE,
            HOUSE,
            "山田さん宅",
        ):
            assert secret not in content
        assert "要再確認" not in content and "最終確認" not in content


def test_public_contact_is_shown_when_marked_public(client, finder):
    code = finder["municipality"].code
    content = client.get(f"/finder/{code}/{finder['contact'].pk}/").content.decode()
    assert "0422-11-2222" in content and "公開担当" in content


@pytest.mark.parametrize("key", ["internal", "paused", "closed", "no_consent"])
def test_non_public_records_are_not_found(client, finder, key):
    code = finder["municipality"].code
    assert client.get(f"/finder/{code}/{finder[key].pk}/").status_code == 404


def test_private_home_is_shown_at_an_area_level_point(client, finder):
    code = finder["municipality"].code
    content = client.get(f"/finder/{code}/", {"q": "自宅"}).content.decode()
    data = re.search(
        r'id="resource-map-data" type="application/json">(.*?)</script>', content, re.S
    )
    assert "35.709999" not in data.group(1) and "139.529999" not in data.group(1)
    assert '"precision": "area"' in data.group(1)


def test_private_home_distance_is_measured_from_the_area_point(client, finder):
    """Someone cannot find the house by shrinking the radius around it."""
    code = finder["municipality"].code
    content = client.get(
        f"/finder/{code}/", {"q": "自宅", "near": "桜堤3丁目", "radius": "300"}
    ).content.decode()
    # The area point of 境・桜堤エリア is far more than 300 m from the house.
    assert "自宅サロン" not in content.split("地図で見る")[0]
    content = client.get(
        f"/finder/{code}/", {"q": "自宅", "near": "桜堤3丁目", "radius": "5000"}
    ).content.decode()
    assert "自宅サロン" in content.split("地図で見る")[0]


def test_plain_words_and_labels(client, finder):
    content = client.get(search_url(finder)).content.decode()
    for label in ("ことばでさがす", "地域", "したいこと", "行きたい曜日"):
        assert label in content
    assert '<label for="id_q">' in content


def test_public_search_query_count(client, finder, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        client.get(search_url(finder), {"q": "サロン", "weekday": "1"})


def test_brochure_pdf_has_japanese_text_and_embedded_font(client, finder):
    code = finder["municipality"].code
    area = Area.objects.get(municipality=finder["municipality"], name="境・桜堤エリア")
    response = client.get(f"/finder/{code}/brochure/{area.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "地域資源マップ" in text
    assert "公開サロン" in text
    assert "毎週火曜" in text
    assert "内部サロン" not in text and SECRET_NOTE not in text and SECRET_PHONE not in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (
                descendants[0].get_object()["/FontDescriptor"]
                if descendants
                else font.get("/FontDescriptor")
            )
            if descriptor is not None:
                descriptor = descriptor.get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    fonts.add(str(font["/BaseFont"]))
    assert any("IPAexGothic" in f for f in fonts)


def test_brochure_of_unknown_area_is_404(client, finder):
    assert (
        client.get(f"/finder/{finder['municipality'].code}/brochure/999999.pdf").status_code == 404
    )


def test_unknown_municipality_is_404(client, finder):
    assert client.get("/finder/999999/").status_code == 404


def test_map_features_link_each_public_record_to_its_municipality(finder):
    """Without a municipality code the public links use each record's own; with one, the same
    links; private homes stay at the area's point either way."""
    from sasaeai.resources.map import map_features
    from sasaeai.resources.selectors import service_search_public

    municipality = finder["municipality"]
    result = service_search_public(municipality=municipality, text="サロン")
    given = map_features(
        result.queryset,
        public=True,
        detail_url="finder:detail",
        municipality_code=municipality.code,
    )
    derived = map_features(result.queryset, public=True, detail_url="finder:detail")
    assert given == derived
    urls = {f["id"]: f["url"] for f in given["features"]}
    home = finder["home"].pk
    assert urls[home] == f"/finder/{municipality.code}/{home}/"
    assert next(f for f in given["features"] if f["id"] == home)["precision"] == "area"
    staff = map_features(result.queryset, public=False)
    assert {f["url"] for f in staff["features"]} == {f"/resources/{pk}/" for pk in urls}
