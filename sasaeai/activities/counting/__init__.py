"""The one place where coordinators' work is counted, for any period and scope: the reports
(every section and format, the API's /api/v1/reports/figures), the home page's activity panel
and anything else that shows a count of visits, consultations, meetings, other activities,
cases or referrals. Two screens that show the same figure get it from here, so they agree.

A `Scope` (scope.py) says whose work: the municipality, one tier, one area, several areas
side by side, or one coordinator. It selects records by what is stored on them when they were
written (tier, area, coordinator), so a person's later change of role or area never rewrites
a past report. Every function takes a `Period` (sasaeai.core.periods) and a scope and counts
with grouped queries (COUNT/SUM … GROUP BY), never by looping over records:

    visits.py         延べ件数, 実件数 (distinct places), minutes; places visited most
    consultations.py  totals by channel group, consulter type, topic, referral destination
    meetings.py       talks (section (4)) by type, programmes at internal meetings (5)
    others.py         trainings, lectures, visitors hosted, preparations, by kind
    referrals.py      cases received (and, for the cases page, closed and open by area);
                      referrals new, status at the period's end, outcomes
    trends.py         visits, consultations and talks month by month
    key_figures.py    the key figures compared between periods and areas (and on the home
                      page), computed only as far as asked
    organisation.py   the areas in effect in a period and who was assigned to each

The seed's 平成27年度上半期 reads from these as: visits 55 (29 places, 5,160 minutes, 86 時間),
consultations 95 (来所・電話 42, それ以外 53), talks 15.

Access is the caller's business: reports check the user's capability and the scope
(reports.policy.scope_require); the home panel counts the user's own work or, for
municipality-wide roles, the municipality's (`scope_for_user`).
"""

from .consultations import (
    SUPPORT_NEED_TYPES,
    ConsultationTotals,
    consultation_topics,
    consultation_totals,
    consultations_by_consulter,
    consulting_bodies,
    referral_destinations,
)
from .indicators import coordinators_by_tier, council_meetings
from .key_figures import (
    KEY_FIGURES,
    NO_RECORDS,
    change,
    comparable,
    hours,
    key_figures,
    key_figures_by_area,
    key_figures_by_tier,
    round_half_up,
)
from .meetings import (
    PROGRAMME_MEETING_TYPES,
    MeetingTotals,
    meeting_group,
    meeting_totals,
    programmes,
    talk_titles,
)
from .organisation import Placement, areas_in_effect, placement
from .others import OTHER_KINDS, OtherEvent, other_events, other_kind_counts, other_list_counts
from .referrals import (
    CaseCounts,
    ReferralCounts,
    case_counts,
    cases_received,
    referral_counts,
    referrals_new,
    referrals_new_in,
)
from .scope import Scope, ScopeKind, scope_for_user
from .trends import MONTHLY_FIGURES, MonthCount, monthly_counts
from .visits import PlaceCount, VisitTotals, visit_totals, visits_by_place

__all__ = [
    "KEY_FIGURES",
    "MONTHLY_FIGURES",
    "NO_RECORDS",
    "OTHER_KINDS",
    "PROGRAMME_MEETING_TYPES",
    "SUPPORT_NEED_TYPES",
    "CaseCounts",
    "ConsultationTotals",
    "MeetingTotals",
    "MonthCount",
    "OtherEvent",
    "PlaceCount",
    "Placement",
    "ReferralCounts",
    "Scope",
    "ScopeKind",
    "VisitTotals",
    "areas_in_effect",
    "case_counts",
    "cases_received",
    "change",
    "comparable",
    "consultation_topics",
    "consultation_totals",
    "consultations_by_consulter",
    "consulting_bodies",
    "coordinators_by_tier",
    "council_meetings",
    "hours",
    "key_figures",
    "key_figures_by_area",
    "key_figures_by_tier",
    "meeting_group",
    "meeting_totals",
    "monthly_counts",
    "other_events",
    "other_kind_counts",
    "other_list_counts",
    "placement",
    "programmes",
    "referral_counts",
    "referral_destinations",
    "referrals_new",
    "referrals_new_in",
    "round_half_up",
    "scope_for_user",
    "talk_titles",
    "visit_totals",
    "visits_by_place",
]
