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


def test_visits_for_every_scope(world):
    m = world["municipality"]
    whole = counting.visit_counts(H1, counting.Scope.municipality(m.pk))
    assert (whole.total, whole.distinct_places, whole.total_minutes, whole.timed) == (6, 3, 405, 5)
    assert whole.average_minutes == pytest.approx(81.0)
    tier2 = counting.visit_counts(H1, counting.Scope.tier2(m.pk))
    assert (tier2.total, tier2.distinct_places, tier2.total_minutes) == (5, 3, 315)
    assert tier2.average_minutes == pytest.approx(78.75)
    area = counting.visit_counts(H1, counting.Scope.area(world["area_a"]))
    assert (area.total, area.distinct_places, area.total_minutes, area.timed) == (4, 2, 195, 3)
    assert area.average_minutes == pytest.approx(65.0)
    mine = counting.visit_counts(H1, counting.Scope.coordinator(world["t1"]))
    assert (mine.total, mine.distinct_places, mine.total_minutes) == (1, 1, 90)


def test_consultations_by_type_channel_topic_and_referral(world):
    m = world["municipality"]
    counts = counting.consultation_counts(H1, counting.Scope.municipality(m.pk))
    assert counts.total == 6
    assert counts.by_consulter_type == {
        "elderly": 2,
        "family": 0,
        "activist": 2,
        "care_manager": 1,
        "facility": 0,
        "welfare_commissioner": 0,
        "other_body": 1,
    }
    assert counts.by_channel == {"walk_in": 1, "phone": 1, "on_site": 2, "mail_fax": 1, "other": 1}
    assert counts.by_channel_group == {"office": 2, "other": 4}
    ids = {t.code: t.pk for t in ConsultationTopic.objects.all()}
    assert counts.by_topic_within_consulter_type == {
        "elderly": {ids["care-insurance-facilities"]: 2, ids["dementia"]: 1},
        "activist": {ids["activity-funds"]: 1, ids["individual-case"]: 1},
        "care_manager": {ids["informal-services"]: 1},
        "other_body": {ids["community-activities"]: 1},
    }
    assert counts.topic_rows("elderly") == [("介護保険・福祉施設", 2), ("認知症", 1)]
    assert counts.by_topic[ids["care-insurance-facilities"]] == 2
    assert counts.by_referral == {
        "home_care_center": 1,
        "support_center": 1,
        "social_welfare_council": 1,
        "city_other_section": 0,
        "resource": 1,
        "other": 0,
        "none": 2,
    }
    assert counts.to_support_center == 2
    assert counts.followup_open == 1
    tier2 = counting.consultation_counts(H1, counting.Scope.tier2(m.pk))
    assert (tier2.total, tier2.by_channel_group) == (5, {"office": 2, "other": 3})
    area = counting.consultation_counts(H1, counting.Scope.area(world["area_a"]))
    assert area.total == 4 and area.to_support_center == 2
    assert counting.referrals_by_destination_and_consulter(
        H1, counting.Scope.municipality(m.pk)
    ) == {
        "elderly": {"home_care_center": 1},
        "activist": {"support_center": 1},
        "care_manager": {"resource": 1},
        "other_body": {"social_welfare_council": 1},
    }


def test_meetings_and_other_activities(world):
    m = world["municipality"]
    meetings = counting.meeting_counts(H1, counting.Scope.municipality(m.pk))
    assert meetings.total == 5
    assert meetings.by_group == {"community_care": 3}
    assert meetings.by_type["community_group"] == 1 and meetings.by_type["liaison"] == 1
    assert meetings.participants == 20
    assert counting.meeting_counts(H1, counting.Scope.tier2(m.pk)).total == 3
    others = counting.other_activity_counts(H1, counting.Scope.municipality(m.pk))
    assert others.total == 5
    assert others.by_kind["visitors_hosted"] == 2
    assert others.visitors_hosted_people == 6
    assert others.study_session_attendance == 34
    assert others.copies_published == 500


def test_all_counts_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    m = world["municipality"]
    with django_assert_max_num_queries(11):
        everything = counting.activity_counts(H1, counting.Scope.municipality(m.pk))
    assert everything.visits.total == 6 and everything.consultations.total == 6
    # More rows do not mean more queries.
    for day in range(1, 20):
        VisitFactory(
            coordinator=world["t1"], area=None, date=D(2015, 4, day), place_name=f"場所{day}"
        )
    with django_assert_max_num_queries(11):
        assert counting.activity_counts(H1, counting.Scope.municipality(m.pk)).visits.total == 25


def test_scope_for_user(world):
    assert counting.scope_for_user(world["t2a"]).coordinator_id == world["t2a"].pk
    official = User.objects.get(username="official")
    scope = counting.scope_for_user(official)
    assert scope.coordinator_id is None and scope.municipality_id == world["municipality"].pk
