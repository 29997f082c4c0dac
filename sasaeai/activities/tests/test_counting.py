"""The counting selectors against figures computed by hand on a small fixture, for every
scope (coordinator, area, tier 2, municipality), in a bounded number of queries."""

import datetime as dt

import pytest

from sasaeai.accounts.models import User
from sasaeai.activities import counting
from sasaeai.activities.models import ConsultationTopic
from sasaeai.activities.tests.factories import (
    ConsultationFactory,
    MeetingFactory,
    OtherActivityFactory,
    VisitFactory,
)
from sasaeai.core.periods import half_year
from sasaeai.resources.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

H1 = half_year(2015, "first")  # 平成27年度上半期: 2015-04-01 … 2015-09-30
D = dt.date
T = dt.time


def topic(code: str) -> ConsultationTopic:
    return ConsultationTopic.objects.get(code=code)


@pytest.fixture
def world(musashino):
    t2a = User.objects.get(username="tier2-1")
    t2b = User.objects.get(username="tier2-2")
    t1 = User.objects.get(username="tier1")
    area_a = t2a.areas.get()
    s1, s2, s3 = (ServiceFactory(municipality=musashino, location=None) for _ in range(3))

    def visit(user, day, service=None, name="", start=None, end=None):
        return VisitFactory(
            coordinator=user,
            area=user.areas.first(),
            date=day,
            service=service,
            place_name=name,
            start_time=start,
            end_time=end,
        )

    visit(t2a, D(2015, 4, 10), s1, start=T(10), end=T(11, 30))  # 90
    visit(t2a, D(2015, 5, 10), s1, start=T(13), end=T(14))  # 60
    visit(t2a, D(2015, 6, 10), name="公園体操", start=T(9), end=T(9, 45))  # 45
    visit(t2a, D(2015, 7, 10), name="公園体操")  # no times
    visit(t2b, D(2015, 8, 1), s2, start=T(10), end=T(12))  # 120
    visit(t1, D(2015, 9, 30), s1, start=T(14), end=T(15, 30))  # 90, 市全域
    visit(t1, D(2015, 10, 1), s3, start=T(10), end=T(11))  # outside the half year
    visit(t1, D(2015, 3, 31), s3, start=T(10), end=T(11))  # outside

    def consult(user, day, ctype, channel, topics, referral="none", **extra):
        return ConsultationFactory(
            coordinator=user,
            area=user.areas.first(),
            date=day,
            consulter_type=ctype,
            channel=channel,
            topics=[topic(code) for code in topics],
            referral=referral,
            **extra,
        )

    consult(
        t2a,
        D(2015, 4, 10),
        "elderly",
        "walk_in",
        ["care-insurance-facilities", "dementia"],
        "home_care_center",
    )
    consult(t2a, D(2015, 4, 11), "elderly", "phone", ["care-insurance-facilities"])
    consult(t2a, D(2015, 5, 1), "activist", "on_site", ["activity-funds"])
    consult(t2a, D(2015, 5, 2), "activist", "on_site", ["individual-case"], "support_center")
    consult(
        t2b,
        D(2015, 6, 1),
        "care_manager",
        "mail_fax",
        ["informal-services"],
        "resource",
        referral_service=s2,
    )
    consult(
        t1,
        D(2015, 7, 1),
        "other_body",
        "other",
        ["community-activities"],
        "social_welfare_council",
        consulter_body="市議会議員",
        followup_needed=True,
    )
    consult(t1, D(2015, 10, 5), "elderly", "phone", ["dementia"])  # outside

    MeetingFactory(coordinator=t2a, area=area_a, date=D(2015, 4, 20), meeting_type="community_care")
    MeetingFactory(
        coordinator=t2a, area=area_a, date=D(2015, 4, 15), meeting_type="community_care_prep"
    )
    MeetingFactory(
        coordinator=t2a,
        area=area_a,
        date=D(2015, 5, 20),
        meeting_type="community_group",
        participant_count=12,
    )
    MeetingFactory(
        coordinator=t1, area=None, date=D(2015, 6, 1), meeting_type="liaison", participant_count=8
    )
    MeetingFactory(
        coordinator=t1, area=None, date=D(2015, 9, 1), meeting_type="community_care_review"
    )
    MeetingFactory(coordinator=t1, area=None, date=D(2016, 1, 1), meeting_type="liaison")  # outside

    OtherActivityFactory(coordinator=t1, area=None, date=D(2015, 4, 28), kind="training_attended")
    OtherActivityFactory(
        coordinator=t1,
        area=None,
        date=D(2015, 6, 9),
        kind="visitors_hosted",
        counterpart="東京都",
        head_count=2,
    )
    OtherActivityFactory(
        coordinator=t1,
        area=None,
        date=D(2015, 6, 19),
        kind="visitors_hosted",
        counterpart="目黒区",
        head_count=4,
    )
    OtherActivityFactory(
        coordinator=t1, area=None, date=D(2015, 5, 25), kind="study_session", head_count=34
    )
    OtherActivityFactory(
        coordinator=t1,
        area=None,
        date=D(2015, 8, 20),
        kind="publication",
        copies=500,
        distribution="老人クラブ",
    )
    return {"t2a": t2a, "t2b": t2b, "t1": t1, "area_a": area_a, "municipality": musashino}


def _scopes(world) -> dict[str, counting.Scope]:
    m = world["municipality"]
    return {
        "municipality": counting.Scope.for_municipality(m),
        "tier1": counting.Scope.for_tier(m, 1),
        "tier2": counting.Scope.for_tier(m, 2),
        "area": counting.Scope.for_area(world["area_a"]),
        "coordinator": counting.Scope.for_coordinator(world["t1"]),
    }


def test_visits_for_every_scope(world):
    scopes = _scopes(world)
    totals = {name: counting.visit_totals(H1, scope) for name, scope in scopes.items()}
    as_tuples = {
        name: (t.total, t.distinct_places, t.minutes, t.timed) for name, t in totals.items()
    }
    assert as_tuples == {
        "municipality": (6, 3, 405, 5),
        "tier1": (1, 1, 90, 1),
        "tier2": (5, 3, 315, 4),
        "area": (4, 2, 195, 3),
        "coordinator": (1, 1, 90, 1),
    }
    places = counting.visits_by_place(H1, scopes["area"])
    assert [(p.name, p.visits, p.minutes) for p in places][1:] == [("公園体操", 2, 45)]
    assert places[0].visits == 2 and places[0].minutes == 150 and places[0].service_id


def test_consultations_by_type_channel_topic_and_referral(world):
    scopes = _scopes(world)
    whole = counting.consultation_totals(H1, scopes["municipality"])
    assert (whole.total, whole.office, whole.other) == (6, 2, 4)
    assert (whole.referred_to_support_center, whole.support_needs) == (2, 3)
    assert whole.activity_related == 3
    by_type = counting.consultations_by_consulter(H1, scopes["municipality"])
    assert {code: row.count for code, row in by_type.items()} == {
        "elderly": 2,
        "activist": 2,
        "care_manager": 1,
        "other_body": 1,
    }
    assert by_type["elderly"].referred == 1 and by_type["activist"].referred == 1
    topics = {
        (t.consulter_type, t.name): (t.count, t.referred)
        for t in counting.consultation_topics(H1, scopes["municipality"])
    }
    assert topics == {
        ("elderly", "介護保険・福祉施設"): (2, 1),
        ("elderly", "認知症"): (1, 1),
        ("activist", "活動費"): (1, 0),
        ("activist", "個別ケース"): (1, 1),
        ("care_manager", "インフォーマルサービスへの紹介"): (1, 0),
        ("other_body", "地域活動"): (1, 0),
    }
    assert dict(counting.referral_destinations(H1, scopes["municipality"])) == {
        "home_care_center": 1,
        "support_center": 1,
        "social_welfare_council": 1,
        "resource": 1,
    }
    assert counting.consulting_bodies(H1, scopes["municipality"]) == [("市議会議員", 1)]
    tier2 = counting.consultation_totals(H1, scopes["tier2"])
    assert (tier2.total, tier2.office, tier2.other) == (5, 2, 3)
    area = counting.consultation_totals(H1, scopes["area"])
    assert area.total == 4 and area.referred_to_support_center == 2


def test_meetings_and_other_activities(world):
    scopes = _scopes(world)
    meetings = counting.meeting_totals(H1, scopes["municipality"])
    assert (meetings.talks, meetings.programme_meetings) == (5, 0)
    assert meetings.talks_by_group == {"community_care": 3, "community_group": 1, "liaison": 1}
    assert counting.meeting_totals(H1, scopes["tier2"]).talks == 3
    MeetingFactory(coordinator=world["t1"], area=None, date=D(2015, 7, 2), meeting_type="internal")
    meetings = counting.meeting_totals(H1, scopes["municipality"])
    assert (meetings.talks, meetings.programme_meetings, meetings.total) == (5, 1, 6)
    kinds = counting.other_kind_counts(H1, scopes["municipality"])
    assert kinds == {
        "training_attended": 1,
        "visitors_hosted": 2,
        "study_session": 1,
        "publication": 1,
    }
    assert counting.other_list_counts(H1, scopes["municipality"]) == {
        "preparations": 1,
        "trainings": 1,
        "lectures": 0,
        "visitors": 2,
    }


def test_key_figures_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    scope = _scopes(world)["municipality"]
    with django_assert_max_num_queries(6):
        figures = counting.key_figures(H1, scope)
    assert figures["visits"] == 6 and figures["consultations"] == 6
    assert figures["visit_hours"] == 7  # 405 minutes, rounded half up
    # More rows do not mean more queries.
    for day in range(1, 20):
        VisitFactory(
            coordinator=world["t1"], area=None, date=D(2015, 4, day), place_name=f"場所{day}"
        )
    with django_assert_max_num_queries(6):
        assert counting.key_figures(H1, scope)["visits"] == 25
    with django_assert_max_num_queries(1):
        assert counting.key_figures(H1, scope, ["visits", "visit_places"]) == {
            "visits": 25,
            "visit_places": 22,
        }


def test_key_figures_by_area_add_up_to_the_areas_part(world):
    m = world["municipality"]
    scope = counting.Scope.for_municipality(m)
    areas = list(m.areas.order_by("order"))
    by_area = counting.key_figures_by_area(H1, scope, [a.pk for a in areas])
    assert by_area[world["area_a"].pk] == counting.key_figures(
        H1, counting.Scope.for_area(world["area_a"])
    )
    assert sum(v["visits"] for v in by_area.values()) == 5  # the tier-1 visit has no area


def test_scope_for_user(world):
    assert counting.scope_for_user(world["t2a"]).coordinator == world["t2a"]
    official = User.objects.get(username="official")
    scope = counting.scope_for_user(official)
    assert scope.coordinator is None and scope.municipality == world["municipality"]
    assert scope.kind == counting.ScopeKind.MUNICIPALITY


def test_other_events_gather_one_training_attended_by_several(world):
    """The same training recorded by each coordinator who attended is one event with its
    attendances counted; a lecture's audience is counted once, not once per record."""
    scope = counting.Scope.for_municipality(world["municipality"])
    for user in (world["t2a"], world["t2b"]):
        OtherActivityFactory(
            coordinator=user, date=D(2015, 4, 28), kind="training_attended", title="共通研修"
        )
    for user in (world["t1"], world["t2a"]):
        OtherActivityFactory(
            coordinator=user,
            date=D(2015, 9, 4),
            kind="lecture_given",
            title="活動報告",
            counterpart="民生委員協議会",
            head_count=40,
        )
    trainings, total = counting.other_events(H1, scope, "trainings")
    records = counting.other_list_counts(H1, scope)["trainings"]
    assert records == sum(e.records for e in trainings)
    shared = [e for e in trainings if e.title == "共通研修"]
    assert [(e.date, e.records) for e in shared] == [(D(2015, 4, 28), 2)]
    assert total == len(trainings) == records - 1
    lectures, total = counting.other_events(H1, scope, "lectures")
    assert [(e.title, e.counterpart, e.records, e.head_count) for e in lectures] == [
        ("活動報告", "民生委員協議会", 2, 40)
    ]
    cut, total = counting.other_events(H1, scope, "trainings", limit=1)
    assert (len(cut), total) == (1, len(trainings))


def test_monthly_counts_add_up_to_the_period(world):
    """Every month of the half year, months without records as zeros; each month's counts
    add up to the period's totals, the talks without the internal meetings."""
    scope = counting.Scope.for_municipality(world["municipality"])
    MeetingFactory(coordinator=world["t1"], area=None, date=D(2015, 7, 2), meeting_type="internal")
    months = counting.monthly_counts(H1, scope)
    assert [m.month for m in months] == [D(2015, n, 1) for n in range(4, 10)]
    assert sum(m.values["visits"] for m in months) == counting.visit_totals(H1, scope).total
    assert sum(m.values["consultations"] for m in months) == (
        counting.consultation_totals(H1, scope).total
    )
    assert sum(m.values["meetings"] for m in months) == counting.meeting_totals(H1, scope).talks
    by_month = {m.month.month: m.values for m in months}
    assert by_month[4] == {"visits": 1, "consultations": 2, "meetings": 2}
    assert by_month[7] == {"visits": 1, "consultations": 1, "meetings": 0}
    assert by_month[9]["visits"] == 1  # 30 September, the half's last day


def test_an_empty_comparison_period_is_one_rule_for_the_report_and_the_home_panel():
    """counting.comparable / change decide 「記録なし」 for both the report's 前期・前年同期 and
    the home panel's 前年同期: no record in the other period, no change (never +55 from 0)."""
    from sasaeai.activities import counting
    from sasaeai.reports.document import compared_cells
    from sasaeai.reports.figures import Comparison

    nothing = {"visits": 0, "consultations": 0}
    some = {"visits": 0, "consultations": 3}
    assert not counting.comparable(nothing) and counting.comparable(some)
    assert counting.change(55, nothing, "visits") is None
    assert counting.change(55, some, "visits") == 55
    assert compared_cells(55, Comparison("平成26年度上半期", nothing), "visits") == [
        counting.NO_RECORDS,
        "—",
    ]
    assert compared_cells(55, Comparison("平成26年度上半期", some), "visits") == [0, "+55"]
