"""The home page and the report count the same way: for the same period and scope, every
figure the home page's activity panel shows equals the report's figure of that name (the web
page and /api/v1/reports/figures), and a person's later change of role or area never rewrites
a past report (a record counts under the tier and area stored on it when it was written)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from sasaeai.accounts import services as account_services
from sasaeai.accounts.models import Role, User
from sasaeai.activities.models import MeetingType
from sasaeai.activities.tests.factories import (
    ConsultationFactory,
    MeetingFactory,
    VisitFactory,
)
from sasaeai.core import periods
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/figures"

# What each figure of the home panel is in the report: (section, item, breakdown). The panel
# names its figures as the report's key figures do.
HOME_TO_REPORT = {
    "訪問（延べ）": ("(1)訪問", "延べ件数", ""),
    "訪問（実）": ("(1)訪問", "実件数", ""),
    "相談対応": ("相談", "相談対応件数", "合計"),
    "話し合いへの参加": ("(4)話し合い", "話し合いへの参加", "合計"),
}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _home_figures(client: Client) -> dict[str, int]:
    """label → value of the home page's activity panel, as the page shows it."""
    html = client.get("/").content.decode()
    panel = html.split('id="panel-activity-counts"', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(
        r"<dt>(.*?)</dt>\s*<dd><span class=\"stat__value\">(\d+)</span>", panel, re.S
    )
    assert pairs, "the panel shows no figures"
    return {unescape(label).strip(): int(value) for label, value in pairs}


def _report_figures(client: Client, *, start: dt.date, end: dt.date, scope: str) -> dict:
    response = client.get(
        API, {"date_from": start.isoformat(), "date_to": end.isoformat(), "scope": scope}
    )
    assert response.status_code == 200, response.content
    return {
        (r["section"], r["item"], r["breakdown"]): r["value"] for r in response.json()["figures"]
    }


def _so_far() -> periods.Period:
    today = timezone.localdate()
    return periods.date_range(periods.current_half_year(today).start, today)


def test_home_panel_and_report_show_the_same_figures(musashino):
    """A coordinator's panel (its own records this half so far) against the report of the
    same coordinator and days, with a 庁内会議 among the meetings."""
    tier1 = User.objects.get(username="tier1")
    today = timezone.localdate()
    VisitFactory(coordinator=tier1, date=today, place_name="よりあい食堂")
    VisitFactory(coordinator=tier1, date=today, place_name="よりあい食堂")
    VisitFactory(coordinator=tier1, date=today, place_name="まきばサロン")
    ConsultationFactory(coordinator=tier1, date=today)
    MeetingFactory(coordinator=tier1, date=today, meeting_type=MeetingType.COMMUNITY_CARE)
    MeetingFactory(
        coordinator=tier1, date=today, meeting_type=MeetingType.INTERNAL, title="庁内連絡会"
    )
    client = _client(tier1)
    home = _home_figures(client)
    period = _so_far()
    report = _report_figures(
        client, start=period.start, end=period.end, scope=f"coordinator:{tier1.username}"
    )
    assert set(home) == set(HOME_TO_REPORT)
    assert home == {label: report[HOME_TO_REPORT[label]] for label in home}
    # The key figures the report compares with the previous period say the same.
    assert home == {label: report[("前期との比較", label, period.label)] for label in home}


def test_a_later_role_change_does_not_rewrite_a_past_report(musashino):
    """A case opened by the tier-1 coordinator counts under tier 1 for good: making that
    person a tier-2 coordinator later leaves last year's tier-2 report as it was."""
    from sasaeai.cases import services as case_services

    coordinator = account_services.user_create(
        username="sato",
        password=None,
        municipality=musashino,
        role=Role.TIER1,
        display_name="佐藤 一",
    )
    area = Area.objects.filter(municipality=musashino).order_by("order").first()
    last_year = periods.fiscal_year(periods.fiscal_year_of(timezone.localdate()) - 1)
    day = last_year.start + dt.timedelta(days=10)
    case = case_services.case_create(user=coordinator, area=area, received_on=day)
    case_services.referral_create(user=coordinator, case=case, agency_name="市民社協", date=day)
    VisitFactory(coordinator=coordinator, date=day, area=area, tier=1)

    client = _client(User.objects.get(username="official"))

    def tier2_and_area() -> tuple[dict, dict]:
        kwargs = {"start": last_year.start, "end": last_year.end}
        return (
            _report_figures(client, scope="tier2", **kwargs),
            _report_figures(client, scope=f"area:{area.pk}", **kwargs),
        )

    before = tier2_and_area()
    assert before[0][("個別ケース", "受け付けたケース", "")] == 0
    assert before[1][("個別ケース", "受け付けたケース", "")] == 1

    other_area = Area.objects.filter(municipality=musashino).exclude(pk=area.pk).first()
    account_services.user_update(
        user=coordinator, role=Role.TIER2, areas=[other_area], display_name="佐藤 一"
    )
    assert tier2_and_area() == before
