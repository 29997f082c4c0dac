"""Property test (hypothesis): for random records, periods and every scope (the municipality,
each tier, each area, several areas, each coordinator), the home panel's figures equal the
report's figures, and both equal a naive count in Python over the same records.

The records are drawn with the tier and area stored on them independent of the writer's
role and areas today (as after a role or area change), so the counts must follow what is
stored on each record."""

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.accounts.models import Role
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.activities import counting
from sasaeai.activities.home import panel_figures
from sasaeai.activities.models import (
    Channel,
    Consultation,
    ConsulterType,
    Meeting,
    MeetingType,
    OtherActivity,
    OtherActivityKind,
    ReferralDestination,
    Visit,
    duration_minutes,
)
from sasaeai.cases.models import Case, Referral, ReferralStatus, ReferralTransition
from sasaeai.core.periods import Period
from sasaeai.org.tests.factories import AreaFactory, MunicipalityFactory
from sasaeai.reports.figures import figures_build
from sasaeai.resources.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

FIRST_DAY = dt.date(2024, 1, 1)
SPAN_DAYS = 730
PLACE_NAMES = ["公園体操", "よりあい食堂", "まきばサロン"]
OFFICE = {Channel.WALK_IN, Channel.PHONE}
TO_CENTRE = {ReferralDestination.HOME_CARE_CENTER, ReferralDestination.SUPPORT_CENTER}
LISTS = {
    "trainings": OtherActivityKind.TRAINING_ATTENDED,
    "lectures": OtherActivityKind.LECTURE_GIVEN,
    "visitors": OtherActivityKind.VISITORS_HOSTED,
}


@pytest.fixture
def city(db):
    municipality = MunicipalityFactory()
    areas = [AreaFactory(municipality=municipality, order=n) for n in range(3)]
    coordinators = [
        UserFactory(municipality=municipality, role=Role.TIER1),
        UserFactory(municipality=municipality, role=Role.TIER2, areas=[areas[0]]),
        UserFactory(municipality=municipality, role=Role.TIER2, areas=[areas[1], areas[2]]),
    ]
    services = [ServiceFactory(municipality=municipality, location=None) for _ in range(3)]
    return {
        "municipality": municipality,
        "areas": areas,
        "coordinators": coordinators,
        "services": services,
    }


days = st.integers(min_value=0, max_value=SPAN_DAYS)
common = {
    "who": st.integers(0, 2),
    "tier": st.sampled_from([1, 2]),
    "area": st.one_of(st.none(), st.integers(0, 2)),
    "day": days,
}
visits = st.fixed_dictionaries(
    {
        **common,
        "service": st.one_of(st.none(), st.integers(0, 2)),
        "place": st.sampled_from(PLACE_NAMES),
        "start": st.one_of(st.none(), st.integers(8, 16)),
        "length": st.sampled_from([0, 30, 45, 90, 95]),
    }
)
consultations = st.fixed_dictionaries(
    {
        **common,
        "consulter": st.sampled_from(ConsulterType.values),
        "channel": st.sampled_from(Channel.values),
        "referral": st.sampled_from(
            [d for d in ReferralDestination.values if d != ReferralDestination.RESOURCE]
        ),
    }
)
meetings = st.fixed_dictionaries({**common, "type": st.sampled_from(MeetingType.values)})
others = st.fixed_dictionaries(
    {**common, "kind": st.sampled_from([k for k in OtherActivityKind.values])}
)
cases = st.fixed_dictionaries(
    {
        "who": st.one_of(st.none(), st.integers(0, 2)),
        "tier": st.sampled_from([1, 2]),
        "area": st.integers(0, 2),
        "day": days,
        "referrals": st.lists(st.lists(days, min_size=1, max_size=3), max_size=2),
    }
)
periods = st.tuples(days, st.integers(0, 400)).map(
    lambda p: Period(
        FIRST_DAY + dt.timedelta(days=p[0]),
        FIRST_DAY + dt.timedelta(days=p[0] + p[1]),
        "期間",
    )
)


def _plant(city, *, visit_rows, consultation_rows, meeting_rows, other_rows, case_rows) -> None:
    m = city["municipality"]
    for model in (Visit, Consultation, Meeting, OtherActivity):
        model.objects.filter(municipality=m).delete()
    Case.objects.filter(municipality=m).delete()

    def base(row) -> dict:
        return {
            "municipality": m,
            "coordinator": city["coordinators"][row["who"]],
            "tier": row["tier"],
            "area": None if row["area"] is None else city["areas"][row["area"]],
            "date": FIRST_DAY + dt.timedelta(days=row["day"]),
        }

    made = []
    for row in visit_rows:
        start = dt.time(row["start"]) if row["start"] is not None else None
        end = (
            (dt.datetime.combine(FIRST_DAY, start) + dt.timedelta(minutes=row["length"])).time()
            if start and row["length"]
            else None
        )
        service = None if row["service"] is None else city["services"][row["service"]]
        made.append(
            Visit(
                **base(row),
                service=service,
                place_name="" if service else row["place"],
                start_time=start,
                end_time=end,
                minutes=duration_minutes(start, end),
            )
        )
    Visit.objects.bulk_create(made)
    Consultation.objects.bulk_create(
        Consultation(
            **base(row),
            consulter_type=row["consulter"],
            consulter_body="市議会" if row["consulter"] == ConsulterType.OTHER_BODY else "",
            channel=row["channel"],
            referral=row["referral"],
        )
        for row in consultation_rows
    )
    Meeting.objects.bulk_create(
        Meeting(**base(row), meeting_type=row["type"], title=f"会議{n}")
        for n, row in enumerate(meeting_rows)
    )
    OtherActivity.objects.bulk_create(
        OtherActivity(**base(row), kind=row["kind"], title=f"活動{n}")
        for n, row in enumerate(other_rows)
    )
    for n, row in enumerate(case_rows):
        case = Case.objects.create(
            municipality=m,
            area=city["areas"][row["area"]],
            number=f"P-{n}",
            coordinator=None if row["who"] is None else city["coordinators"][row["who"]],
            tier=row["tier"],
            received_on=FIRST_DAY + dt.timedelta(days=row["day"]),
        )
        for moves in row["referrals"]:
            dates = sorted(FIRST_DAY + dt.timedelta(days=d) for d in moves)
            statuses = [ReferralStatus.PROPOSED, ReferralStatus.TRIAL, ReferralStatus.ENDED]
            referral = Referral.objects.create(
                case=case,
                agency_name="市民社協",
                status=statuses[len(dates) - 1],
                status_on=dates[-1],
                outcome="declined" if len(dates) == 3 else "",
            )
            for step, day in enumerate(dates):
                ReferralTransition.objects.create(
                    referral=referral,
                    from_status=statuses[step - 1] if step else "",
                    to_status=statuses[step],
                    date=day,
                )


def _in_scope(scope: counting.Scope, *, municipality_id, tier, area_id, coordinator_id) -> bool:
    if municipality_id != scope.municipality.pk:
        return False
    if scope.kind in (counting.ScopeKind.TIER1, counting.ScopeKind.TIER2):
        return tier == scope.tier
    if scope.kind in (counting.ScopeKind.AREA, counting.ScopeKind.AREAS):
        return area_id in scope.area_ids
    if scope.kind == counting.ScopeKind.COORDINATOR:
        return coordinator_id == scope.coordinator.pk
    return True


def _naive(scope: counting.Scope, period: Period) -> dict[str, int]:
    """The key figures counted record by record in Python."""

    def rows(model):
        for record in model.objects.all():
            if period.start <= record.date <= period.end and _in_scope(
                scope,
                municipality_id=record.municipality_id,
                tier=record.tier,
                area_id=record.area_id,
                coordinator_id=record.coordinator_id,
            ):
                yield record

    visit_list = list(rows(Visit))
    places = {("s", v.service_id) if v.service_id else ("n", v.place_name) for v in visit_list}
    minutes = sum(v.minutes for v in visit_list if v.minutes is not None)
    consultation_list = list(rows(Consultation))
    kinds = Counter(o.kind for o in rows(OtherActivity))
    new = 0
    for referral in Referral.objects.select_related("case"):
        case = referral.case
        if not _in_scope(
            scope,
            municipality_id=case.municipality_id,
            tier=case.tier,
            area_id=case.area_id,
            coordinator_id=case.coordinator_id,
        ):
            continue
        first = min(t.date for t in referral.transitions.all())
        new += period.start <= first <= period.end
    return {
        "visits": len(visit_list),
        "visit_places": len(places),
        "visit_hours": int((Decimal(minutes) / 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP)),
        "consultations": len(consultation_list),
        "consultations_office": sum(c.channel in OFFICE for c in consultation_list),
        "consultations_referred": sum(c.referral in TO_CENTRE for c in consultation_list),
        "meetings": sum(m.meeting_type != MeetingType.INTERNAL for m in rows(Meeting)),
        "referrals_new": new,
        **{name: kinds[kind] for name, kind in LISTS.items()},
    }


def _scopes(city) -> list[counting.Scope]:
    m = city["municipality"]
    areas = city["areas"]
    return [
        counting.Scope.for_municipality(m),
        counting.Scope.for_tier(m, 1),
        counting.Scope.for_tier(m, 2),
        *(counting.Scope.for_area(a) for a in areas),
        counting.Scope.for_areas(m, areas[:2]),
        *(counting.Scope.for_coordinator(u) for u in city["coordinators"]),
    ]


@settings(
    max_examples=20,  # each tries 11 scopes: about 20 s of CPU
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    visit_rows=st.lists(visits, max_size=12),
    consultation_rows=st.lists(consultations, max_size=8),
    meeting_rows=st.lists(meetings, max_size=6),
    other_rows=st.lists(others, max_size=6),
    case_rows=st.lists(cases, max_size=3),
    period=periods,
)
def test_home_panel_report_and_a_naive_count_agree(
    city, visit_rows, consultation_rows, meeting_rows, other_rows, case_rows, period
):
    _plant(
        city,
        visit_rows=visit_rows,
        consultation_rows=consultation_rows,
        meeting_rows=meeting_rows,
        other_rows=other_rows,
        case_rows=case_rows,
    )
    for scope in _scopes(city):
        naive = _naive(scope, period)
        report = figures_build(period=period, scope=scope).key_values()
        home = panel_figures(period, scope)
        assert report == naive, scope.key
        assert home == {key: naive[key] for key in home}, scope.key
        # And the figures the report compares between periods count the same way.
        assert counting.key_figures(period, scope) == naive, scope.key
