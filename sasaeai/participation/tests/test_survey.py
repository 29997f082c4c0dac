"""The 通いの場 survey on hand-made data: which places count (a surveyed activity, at least
monthly), their bins, March's participants, the breakdowns, the workbook and the command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from sasaeai.accounts.models import Role
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.org.tests.factories import TownFactory
from sasaeai.participation.survey import survey_figures
from sasaeai.participation.tests.factories import (
    ParticipationRecordFactory,
    PopulationCountFactory,
    PopulationDatasetFactory,
    service_in,
)
from sasaeai.resources.models import Category
from sasaeai.resources.tests.factories import ScheduleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    town = TownFactory()
    gymnastics = Category.objects.get(code="exercise-gymnastics")  # counts as 体操（運動）
    salon = Category.objects.get(code="salon")
    shopping = Category.objects.get(code="shopping-support")  # not a survey activity

    def place(name, category, **schedule):
        service = service_in(town, name=name)
        service.categories.add(category)
        ScheduleFactory(service=service, **schedule)
        return service

    made = {
        "体操A": place("体操A", gymnastics, freq="WEEKLY", byday="TU"),
        "体操B": place("体操B", gymnastics, freq="MONTHLY", byday="1TU,3TU"),
        "茶話会": place("茶話会", salon, freq="MONTHLY", byday="2WE"),
        "隔月": place("隔月の会", salon, freq="MONTHLY", byday="2WE", interval=2),
        "買物": place("買い物支援", shopping, freq="WEEKLY", byday="FR"),
    }
    ParticipationRecordFactory(
        service=made["体操A"],
        month=dt.date(2026, 1, 1),
        participants=30,
        attendances=100,
        aged_65_plus=25,
    )
    ParticipationRecordFactory(
        service=made["体操A"],
        month=dt.date(2026, 3, 1),
        participants=20,
        attendances=70,
        aged_65_plus=18,
    )
    ParticipationRecordFactory(
        service=made["茶話会"],
        month=dt.date(2025, 10, 1),
        participants=12,
        attendances=12,
        aged_65_plus=12,
    )
    dataset = PopulationDatasetFactory(municipality=town.municipality, as_of=dt.date(2025, 10, 1))
    PopulationCountFactory(dataset=dataset, town=town, age_from=65, age_to=None, count=600)
    return town.municipality, made


def test_places_bins_and_participants(places):
    municipality, _ = places
    figures = survey_figures(municipality=municipality, fiscal_year=2025)
    by_name = {p.name: p for p in figures.places}
    assert set(by_name) == {"体操A", "体操B", "茶話会"}  # 隔月: under monthly; 買物: not surveyed
    assert by_name["体操A"].activity == "体操（運動）"
    assert by_name["体操A"].frequency == "週1回以上"
    assert by_name["体操B"].frequency == "月2回以上4回未満"
    assert by_name["茶話会"].frequency == "月1回以上2回未満"
    assert (by_name["体操A"].participants, by_name["体操A"].aged_65_plus) == (20, 18)  # March
    assert by_name["体操B"].participants is None
    assert figures.participants == 32 and figures.participants_65_plus == 30
    assert figures.participation_rate == pytest.approx(30 / 600)
    activity = {
        row[0]: row[1:] for row in figures.breakdown("activity", ["体操（運動）", "茶話会"])
    }
    assert activity["体操（運動）"] == (2, 20, 18)
    assert activity["茶話会"] == (1, 12, 12)


def test_workbook_page_and_command(places, tmp_path):
    municipality, _ = places
    client = Client()
    client.force_login(UserFactory(municipality=municipality, role=Role.TIER1))
    answer = client.get("/participation/survey.xlsx", {"fiscal_year": 2025})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    values = [row for row in book["通いの場の状況"].iter_rows(values_only=True)]
    assert ("通いの場の数", 3, None, None) in values or any(
        r[:2] == ("通いの場の数", 3) for r in values
    )
    assert any(r[:4] == ("週1回以上", 1, 20, 18) for r in values)
    assert any(r[:4] == ("月2回以上4回未満", 1, 0, 0) for r in values)
    assert "令和7年度" in values[0][0]
    user = UserFactory(municipality=municipality, role=Role.TIER1, username="survey-user")
    path = tmp_path / "survey.xlsx"
    out = io.StringIO()
    call_command(
        "kayoinoba-survey", fiscal_year=2025, user=user.username, output=str(path), stdout=out
    )
    assert "通いの場 3か所" in out.getvalue()
    assert load_workbook(path)["通いの場一覧"].max_row == 4


def test_the_reports_national_indicators_count_kayoinoba(places):
    from sasaeai.activities.counting import Scope
    from sasaeai.core.periods import fiscal_year
    from sasaeai.reports.indicators import NOT_COUNTED, indicators_build
    from sasaeai.resources.tests.factories import OrganizationFactory

    municipality, made = places
    scope = Scope.for_municipality(municipality)
    found = {i.name: i for i in indicators_build(fiscal_year(2025), scope)}
    # Three places count for the survey; none is 住民主体 until its operator says so.
    assert found["介護予防に資する住民主体の通いの場の数"].value == 0
    resident_group = Category.objects.get(axis=Category.Axis.OPERATOR, code="op-resident-group")
    for name in ("体操A", "茶話会"):
        made[name].organization = OrganizationFactory(
            municipality=municipality, operator_type=resident_group
        )
        made[name].save()
    found = {i.name: i for i in indicators_build(fiscal_year(2025), scope)}
    assert found["介護予防に資する住民主体の通いの場の数"].value == 2
    assert "住民主体のもの" in found["介護予防に資する住民主体の通いの場の数"].rule
    assert found["通いの場の参加者実人数"].value == 32
    assert found["通いの場への参加率（高齢者人口に対する割合）"].value == 5.0  # 30 / 600
    assert all(found[name].document and found[name].rule != "—" for name in list(found)[-4:-1])
    earlier = {i.name: i for i in indicators_build(fiscal_year(2023), scope)}
    assert earlier["通いの場の参加者実人数"].shown == NOT_COUNTED
    assert "記録がない" in earlier["通いの場の参加者実人数"].reason


def test_resident_led_and_prevention_from_the_operator_and_staff_judgement(places):
    """住民主体 from the organisation's 運営主体 (住民個人・住民団体), overridden by staff on the
    page; 介護予防に資する from a surveyed activity, or staff's judgement; both in the workbook."""
    from sasaeai.resources.tests.factories import OrganizationFactory

    municipality, made = places
    operator = {c.code: c for c in Category.objects.filter(axis=Category.Axis.OPERATOR)}

    def run_by(service, code):
        service.organization = OrganizationFactory(
            municipality=municipality, operator_type=operator[code]
        )
        service.save()

    run_by(made["体操A"], "op-resident-group")
    run_by(made["体操B"], "op-social-welfare-council")  # run by the 社協: not by default
    figures = survey_figures(municipality=municipality, fiscal_year=2025)
    by_name = {p.name: p for p in figures.places}
    assert by_name["体操A"].resident_led == "住民主体"
    assert by_name["体操A"].basis == "運営主体: 住民団体（自治会、NPO法人等）"
    assert by_name["体操B"].resident_led == "住民主体以外"
    assert by_name["茶話会"].resident_led == "運営主体が未設定"
    assert [p.name for p in figures.resident_led_places] == ["体操A"]

    staff = UserFactory(municipality=municipality, role=Role.TIER1)
    client = Client()
    client.force_login(staff)
    listing = client.get("/participation/survey/places/", {"fiscal_year": 2025}).content.decode()
    assert "うち住民主体 1か所" in listing
    # The 社協's group is led by residents: staff say so, with the reason.
    answer = client.post(
        f"/participation/survey/places/{made['体操B'].pk}/",
        {"resident_led": "yes", "prevention": "", "note": "住民の世話役が企画"},
    )
    assert answer.status_code == 302
    # The shopping support is judged 介護予防に資する; the 茶話会 is judged not to be.
    client.post(
        f"/participation/survey/places/{made['買物'].pk}/",
        {"resident_led": "", "prevention": "yes"},
    )
    client.post(
        f"/participation/survey/places/{made['茶話会'].pk}/",
        {"resident_led": "", "prevention": "no"},
    )
    figures = survey_figures(municipality=municipality, fiscal_year=2025)
    by_name = {p.name: p for p in figures.places}
    assert set(by_name) == {"体操A", "体操B", "買い物支援"}
    assert by_name["体操B"].resident_led == "住民主体"
    assert by_name["体操B"].basis == "職員の判断（住民の世話役が企画）"
    assert by_name["買い物支援"].activity == "未設定"
    assert len(figures.resident_led_places) == 2

    book = load_workbook(
        io.BytesIO(client.get("/participation/survey.xlsx", {"fiscal_year": 2025}).content)
    )
    rows = list(book["通いの場の状況"].iter_rows(values_only=True))
    assert any(r[:2] == ("うち住民主体", 2) for r in rows)
    assert any(r[:4] == ("住民主体", 2, 20, 18) for r in rows)  # 体操A's March, 体操B none
    assert any(r[:2] == ("運営主体が未設定", 1) for r in rows)
    listed = list(book["通いの場一覧"].iter_rows(values_only=True))
    assert listed[0][5:7] == ("住民主体", "住民主体の判断の根拠")


def test_tier2_judges_only_places_in_its_areas(musashino):
    from sasaeai.accounts.models import User
    from sasaeai.org.models import Town

    salon = service_in(Town.objects.get(municipality=musashino, name="境南町"), name="境南サロン")
    outside = Client()
    outside.force_login(User.objects.get(username="tier2-1"))
    assert outside.get(f"/participation/survey/places/{salon.pk}/").status_code == 404
    inside = Client()
    inside.force_login(User.objects.get(username="tier2-6"))
    assert inside.get(f"/participation/survey/places/{salon.pk}/").status_code == 200
