"""個別ケースの件数 (/reports/cases/): counted by activities.counting like the report, for the
user's scope (tier 2: its own areas), without personal data, not for council members."""

import datetime as dt

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.accounts.policy import area_ids
from sasaeai.activities import counting
from sasaeai.cases.models import Case
from sasaeai.cases.tests.factories import CaseFactory, ReferralFactory
from sasaeai.core.periods import fiscal_year
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def cases(musashino):
    areas = list(Area.objects.filter(municipality=musashino).order_by("order", "pk"))
    tier2 = User.objects.get(username="tier2-1")
    own = areas[0] if areas[0].pk in area_ids(tier2) else Area.objects.get(pk=min(area_ids(tier2)))
    other = next(a for a in areas if a.pk != own.pk)
    made = []
    for area, n, status in ((own, 3, Case.Status.OPEN), (other, 2, Case.Status.CLOSED)):
        for i in range(n):
            case = CaseFactory(
                area=area,
                status=status,
                received_on=dt.date(YEAR, 5, 1 + i),
                person_name=f"件数 太郎{i}",
            )
            made.append(case)
    ReferralFactory(case=made[0])
    # Received the year before: not counted as received in YEAR, still open today.
    CaseFactory(area=own, received_on=dt.date(YEAR - 1, 6, 1), person_name="去年 花子")
    return {"own": own, "other": other, "tier2": tier2}


def _figures(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_officials_see_the_municipality_as_the_report_counts_it(client, musashino, cases):
    client.force_login(User.objects.get(username="official"))
    body = _figures(client.get(reverse("reports:case_counts"), {"year": YEAR}))
    scope = counting.Scope.for_municipality(musashino)
    period = fiscal_year(YEAR)
    received = counting.cases_received(period, scope)
    assert received == 5
    assert f'<span class="stat__value">{received}</span>' in body
    assert f'<th scope="row">{cases["own"].name}</th><td>3</td><td>0</td>' in body
    assert f'<th scope="row">{cases["other"].name}</th><td>2</td><td>2</td>' in body
    assert "太郎" not in body and "花子" not in body


def test_a_tier2_coordinator_sees_only_its_own_areas(client, cases):
    client.force_login(cases["tier2"])
    body = _figures(client.get(reverse("reports:case_counts"), {"year": YEAR}))
    assert f'<th scope="row">{cases["own"].name}</th><td>3</td>' in body
    assert f'<th scope="row">{cases["other"].name}</th>' not in body


def test_council_members_get_no_counts(client, cases):
    client.force_login(User.objects.get(username="council"))
    assert client.get(reverse("reports:case_counts")).status_code == 403


def test_the_case_list_links_to_the_counts(client, cases):
    client.force_login(User.objects.get(username="tier1"))
    body = client.get(reverse("cases:list")).content.decode()
    assert reverse("reports:case_counts") in body
