"""A past period is reported as it was organised then: the areas in effect in the period (a
city that redraws its areas) and the coordinators assigned to each at the time (Musashino
placed tier-2 coordinators in 3 areas in April 2016 and in all 6 in April 2017)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/figures"


def _placement(client, fiscal_year: int) -> dict[str, int]:
    """area → coordinators assigned in the fiscal year, as the API gives them."""
    rows = client.get(API, {"fiscal_year": fiscal_year, "scope": "municipality"}).json()
    return {
        r["breakdown"]: r["value"]
        for r in rows["figures"]
        if (r["section"], r["item"]) == ("体制", "担当コーディネーター（期間中）")
    }


def _page_text(client, query: str) -> str:
    html = client.get(reverse("reports:show") + "?" + query).content.decode()
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_the_placement_of_tier2_coordinators_over_the_years(client, musashino):
    client.force_login(User.objects.get(username="official"))
    assert set(_placement(client, 2015).values()) == {0}
    in_2016 = _placement(client, 2016)
    assert sorted(in_2016.values()) == [0, 0, 0, 1, 1, 1]
    assert set(_placement(client, 2017).values()) == {1}
    text = _page_text(client, "fiscal_year=2015&half=first&scope=municipality")
    assert "コーディネーターの担当圏域（期間中）: 配置なし" in text
    text = _page_text(client, "fiscal_year=2016&scope=municipality")
    assert "コーディネーターの担当圏域（期間中）: 6圏域のうち3圏域に3人" in text


def test_a_redrawn_area_is_reported_only_for_its_own_years(client, musashino):
    """境南エリア was split on 2020-04-01: reports before list it, reports after list the two
    new areas, and the page offers the areas of the period chosen."""
    old = Area.objects.get(municipality=musashino, name="境南エリア")
    old.valid_until = dt.date(2020, 3, 31)
    old.save()
    north = Area.objects.create(
        municipality=musashino, name="境南北エリア", order=10, valid_from=dt.date(2020, 4, 1)
    )
    Area.objects.create(
        municipality=musashino, name="境南南エリア", order=11, valid_from=dt.date(2020, 4, 1)
    )
    client.force_login(User.objects.get(username="official"))

    def compared(fiscal_year: int) -> list[str]:
        rows = client.get(API, {"fiscal_year": fiscal_year, "scope": "municipality"}).json()
        return list(
            dict.fromkeys(r["breakdown"] for r in rows["figures"] if r["section"] == "圏域別の比較")
        )

    before, after = compared(2019), compared(2020)
    assert "境南エリア" in before and "境南北エリア" not in before
    assert "境南エリア" not in after and {"境南北エリア", "境南南エリア"} <= set(after)
    assert len(before) == 6 and len(after) == 7
    # A period across the change lists both.
    both = client.get(
        API, {"date_from": "2020-03-01", "date_to": "2020-04-30", "scope": "municipality"}
    ).json()
    compared_both = {r["breakdown"] for r in both["figures"] if r["section"] == "圏域別の比較"}
    assert {"境南エリア", "境南北エリア"} <= compared_both
    # The report page offers the areas of the period shown.
    page = client.get(
        reverse("reports:show") + "?fiscal_year=2019&scope=municipality"
    ).content.decode()
    assert f'value="area:{old.pk}"' in page and f'value="area:{north.pk}"' not in page
    page = client.get(
        reverse("reports:show") + "?fiscal_year=2021&scope=municipality"
    ).content.decode()
    assert f'value="area:{old.pk}"' not in page and f'value="area:{north.pk}"' in page
