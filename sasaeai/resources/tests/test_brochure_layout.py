"""The area brochure (issue #24): an offline-drawn map, the municipality's contact number, and
more than three places to an A4 page."""

import io
import math

import pytest
from pypdf import PdfReader

from sasaeai.org.models import Area, Town
from sasaeai.resources.models import VerificationPolicy

from .factories import LocationFactory, ScheduleFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_brochure_has_map_contact_and_dense_pages(client, musashino):
    VerificationPolicy.objects.create(
        municipality=musashino, contact_label="武蔵野市 高齢者支援課", contact_phone="0422-00-0000"
    )
    area = Area.objects.get(municipality=musashino, name="境・桜堤エリア")
    towns = list(Town.objects.filter(area=area))
    count = 16
    for n in range(count):
        service = ServiceFactory(
            municipality=musashino,
            name=f"テスト体操の会{n + 1}",
            description="椅子に座ってできる体操と、終わってからのお茶飲み。初めての方も歓迎します。",
            location=LocationFactory(
                town=towns[n % len(towns)], municipality=musashino, name="集会所"
            ),
            is_public=True,
            publication_consent=True,
            is_free=True,
            contact_is_public=True,
            contact_name="担当",
            contact_phone="0422-11-2222",
        )
        ScheduleFactory(service=service, freq="WEEKLY", byday="TU")
    response = client.get(f"/finder/{musashino.code}/brochure/{area.pk}.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "0422-00-0000" in text and "武蔵野市 高齢者支援課" in text
    assert "略図" in text
    assert towns[0].name in text  # town labels drawn on the map
    # The first page carries the map; even so, more than three places fit on each A4 page.
    assert len(reader.pages) <= math.ceil(count / 4)
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=1)
