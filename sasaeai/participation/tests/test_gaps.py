"""The gap analysis on hand-made data where the answer is known: who counts as within walking
distance (straight line × 1.3), which places meet at least weekly, the score, the ranking, the
filters, participation rates, and the page and API that show them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from sasaeai.accounts.models import Role
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.org.tests.factories import AreaFactory, MunicipalityFactory, TownFactory
from sasaeai.participation.gaps import gap_analysis
from sasaeai.participation.tests.factories import (
    ParticipationRecordFactory,
    PopulationCountFactory,
    PopulationDatasetFactory,
    service_in,
)
from sasaeai.resources.models import Category, TargetGroup
from sasaeai.resources.tests.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 12)
M_PER_DEG_LAT = 111_195  # metres per degree of latitude on the sphere the distances use


def north(base: Decimal, metres: float) -> Decimal:
    return (base + Decimal(metres / M_PER_DEG_LAT)).quantize(Decimal("0.000001"))


@pytest.fixture
def city():
    """Three towns 5 km apart (so none is near another's places), each with known residents:
    東町 65+ 300 with two weekly places at 100 m and 300 m, 西町 65+ 150 with a monthly place at
    50 m and a weekly place at 450 m (585 m on foot: too far for 500 m), 南町 65+ 40 and nothing."""
    municipality = MunicipalityFactory()
    area = AreaFactory(municipality=municipality)
    base_lat, lon = Decimal("35.700000"), Decimal("139.570000")
    towns = {}
    for index, name in enumerate(["東町", "西町", "南町"]):
        towns[name] = TownFactory(
            municipality=municipality,
            area=area,
            name=name,
            latitude=north(base_lat, index * 5000),
            longitude=lon,
        )
    dataset = PopulationDatasetFactory(municipality=municipality)
    for name, (young, old_65, old_75) in {
        "東町": (900, 200, 100),
        "西町": (800, 100, 50),
        "南町": (500, 30, 10),
    }.items():
        PopulationCountFactory(
            dataset=dataset, town=towns[name], age_from=0, age_to=64, count=young
        )
        PopulationCountFactory(
            dataset=dataset, town=towns[name], age_from=65, age_to=74, count=old_65
        )
        PopulationCountFactory(
            dataset=dataset, town=towns[name], age_from=75, age_to=None, count=old_75
        )

    def place(town, metres, *, freq="WEEKLY", byday="TU", bymonthday="", **kwargs):
        service = service_in(
            towns[town],
            location__latitude=north(towns[town].latitude, metres),
            location__longitude=lon,
            **kwargs,
        )
        ScheduleFactory(service=service, freq=freq, byday=byday, bymonthday=bymonthday)
        return service

    places = {
        "東100": place("東町", 100),
        "東300": place("東町", 300, byday="MO,TH"),
        "西50月": place("西町", 50, freq="MONTHLY", byday="2WE"),
        "西450": place("西町", 450),
    }
    return municipality, towns, places


def test_gap_score_counts_weekly_places_within_walking_distance(city):
    municipality, _, _ = city
    analysis = gap_analysis(municipality=municipality, walk_m=500, reference_day=DAY)
    rows = {row.name: row for row in analysis.rows}
    assert rows["東町"].residents_65_plus == 300
    assert rows["東町"].residents_75_plus == 100
    assert rows["東町"].weekly_places_within == 2
    assert rows["東町"].gap_score == pytest.approx(100.0)  # 300 / (1 + 2)
    assert rows["西町"].weekly_places_within == 0  # monthly near; weekly 585 m on foot
    assert rows["西町"].gap_score == pytest.approx(150.0)
    assert rows["南町"].gap_score == pytest.approx(40.0)
    assert [row.name for row in analysis.rows] == ["西町", "東町", "南町"]


def test_a_longer_walk_reaches_the_farther_place(city):
    municipality, _, _ = city
    analysis = gap_analysis(municipality=municipality, walk_m=600, reference_day=DAY)
    rows = {row.name: row for row in analysis.rows}
    assert rows["西町"].weekly_places_within == 1  # 450 m × 1.3 = 585 m ≤ 600 m
    assert rows["西町"].gap_score == pytest.approx(75.0)
    assert [row.name for row in analysis.rows] == ["東町", "西町", "南町"]


def test_filters_by_activity_and_by_who_can_join(city):
    municipality, _, places = city
    exercise = Category.objects.get(code="exercise")
    places["東100"].categories.add(Category.objects.get(code="exercise-gymnastics"))
    places["東300"].target_groups.add(TargetGroup.objects.get(code="men"))
    rows = {
        r.name: r
        for r in gap_analysis(
            municipality=municipality, walk_m=500, reference_day=DAY, category=exercise
        ).rows
    }
    assert rows["東町"].weekly_places_within == 1  # a sub-category counts under its parent
    rows = {
        r.name: r
        for r in gap_analysis(
            municipality=municipality, walk_m=500, reference_day=DAY, target_codes=("men",)
        ).rows
    }
    assert rows["東町"].weekly_places_within == 1


def test_closed_and_out_of_date_places_do_not_count(city):
    municipality, _, places = city
    places["東100"].status = "closed"
    places["東100"].save()
    schedule = places["東300"].schedules.get()
    schedule.valid_to = DAY - dt.timedelta(days=1)
    schedule.save()
    rows = {r.name: r for r in gap_analysis(municipality=municipality, reference_day=DAY).rows}
    assert rows["東町"].weekly_places_within == 0


def test_participation_rate_from_each_places_latest_month(city):
    municipality, _, places = city
    ParticipationRecordFactory(
        service=places["東100"],
        month=dt.date(2026, 3, 1),
        participants=40,
        attendances=90,
        aged_65_plus=30,
    )
    ParticipationRecordFactory(
        service=places["東100"],
        month=dt.date(2026, 4, 1),
        participants=20,
        attendances=50,
        aged_65_plus=15,
    )
    rows = {r.name: r for r in gap_analysis(municipality=municipality, reference_day=DAY).rows}
    assert rows["東町"].participation_rate == pytest.approx(15 / 300)
    assert rows["西町"].participation_rate is None


def test_isolated_points_are_marked_approximate(city):
    municipality, _, _ = city
    rows = gap_analysis(municipality=municipality, reference_day=DAY).rows
    assert all(row.approximate for row in rows)  # 5 km apart: no neighbour within 1 km


def test_page_and_api_rank_the_towns(city):
    municipality, _, _ = city
    user = UserFactory(municipality=municipality, role=Role.TIER1)
    client = Client()
    client.force_login(user)
    page = client.get("/participation/gaps/", {"walk_m": 500})
    assert page.status_code == 200
    html = page.content.decode()
    assert "空白度 ＝ 65歳以上の住民数 ÷（1 ＋ 徒歩圏内の週1回以上の通いの場の数）" in html
    assert html.index("西町") < html.index("東町") < html.index("南町")
    assert "代表点" in html and "概算" in html
    answer = client.get("/api/v1/gaps", {"walk_m": 500}).json()
    assert answer["count"] == 3
    first = answer["items"][0]
    assert first["town"] == "西町"
    assert first["residents_65_plus"] == 150
    assert first["weekly_places_within"] == 0
    assert first["participation_rate"] is None
    assert first["gap_score"] == 150.0
    bad = client.get("/api/v1/gaps", {"walk_m": 20})
    assert bad.status_code == 422


def test_page_without_population_says_so():
    municipality = MunicipalityFactory()
    client = Client()
    client.force_login(UserFactory(municipality=municipality, role=Role.TIER1))
    html = client.get("/participation/gaps/").content.decode()
    assert "町丁別の人口がまだありません" in html
