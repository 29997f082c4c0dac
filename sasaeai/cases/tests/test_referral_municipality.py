"""A referral carries its case's municipality, and each of its transitions the referral's
(issue 26): whatever path writes them, the copy is the case's, and a city's referral lists
and counts find its referrals and their moves by it."""

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse

from sasaeai.activities.counting.referrals import referrals_new
from sasaeai.activities.counting.scope import Scope
from sasaeai.cases import services
from sasaeai.cases.models import Referral, ReferralTransition
from sasaeai.cases.selectors import follow_ups_due
from sasaeai.cases.tests.factories import CaseFactory, ReferralFactory
from sasaeai.core.periods import Period
from sasaeai.org.tests.factories import MunicipalityFactory

from .test_pages import login


@pytest.fixture
def case6(world):
    """A case of the 境南エリア (tier2-6)."""
    return CaseFactory(
        area=world["areas"][5], town=world["kyonan"], coordinator=world["users"]["tier2-6"]
    )


def _mismatched() -> list[int]:
    return list(
        Referral.objects.exclude(municipality_id=F("case__municipality_id")).values_list(
            "pk", flat=True
        )
    ) + list(
        ReferralTransition.objects.exclude(
            municipality_id=F("referral__case__municipality_id")
        ).values_list("pk", flat=True)
    )


def test_every_write_path_copies_the_case_municipality(client, world, case6):
    # The page (one-click referral from the suggestions) ...
    login(client, world, "tier2-6")
    karaoke = world["services"]["karaoke"]
    response = client.post(
        reverse("cases:referral_suggested", args=[case6.pk]),
        {"service": karaoke.pk, "role": "participant", "reason": "カラオケ: 一致"},
    )
    assert response.status_code == 302
    # ... a plain model save, and one whose municipality was set wrong by the caller.
    other_city = MunicipalityFactory()
    ReferralFactory(case=case6, agency_name="地域包括支援センター")
    stray = Referral(case=case6, agency_name="福祉公社", municipality=other_city)
    stray.save()
    elsewhere = ReferralFactory(case=CaseFactory(municipality=other_city))
    # The moves: the service's advance (consent recorded first) and a transition saved
    # with another city's municipality set by its caller.
    case6.consent_to_share = True
    case6.consent_on = dt.date.today() - dt.timedelta(days=20)
    case6.save()
    suggested = Referral.objects.get(case=case6, service=karaoke)
    services.referral_advance(user=world["users"]["tier2-6"], referral=suggested, to_status="trial")
    moved = ReferralTransition(
        referral=stray, to_status="trial", date=dt.date.today(), municipality=other_city
    )
    moved.save()
    assert Referral.objects.filter(case=case6).count() == 3
    assert stray.municipality_id == case6.municipality_id
    assert moved.municipality_id == case6.municipality_id
    assert elsewhere.municipality_id == other_city.pk
    assert elsewhere.transitions.get().municipality_id == other_city.pk
    assert ReferralTransition.objects.filter(referral__case=case6).count() == 4
    assert _mismatched() == []


def test_a_city_counts_and_follows_only_its_own_referrals(world, case6):
    today = dt.date.today()
    ReferralFactory(case=case6, status_on=today, follow_up_on=today)
    other_city = MunicipalityFactory()
    ReferralFactory(case=CaseFactory(municipality=other_city), status_on=today, follow_up_on=today)
    period = Period(today.replace(day=1), today, "今月")
    assert referrals_new(period, Scope.for_municipality(case6.municipality)) == 1
    tier1 = world["users"]["tier1"]
    assert [r.case_id for r in follow_ups_due(user=tier1, today=today, mine=False)] == [case6.pk]
