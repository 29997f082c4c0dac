"""Access rules of the councils app for the access matrix (tests/test_access_matrix.py).

Issues, councils and proposals hold no personal data: everyone with the councils capability
in the municipality reads them. Writing is bounded by area for tier 2; merging issues and
everything about proposals is tier 1's."""

from sasaeai.accounts.policy import Capability as C
from tests.access_registry import PUBLIC, Access, Target, Variant, meeting_reach

from .factories import (
    AgendaItemFactory,
    ConsultationFactory,
    CouncilFactory,
    CouncilMemberFactory,
    IssueEvidenceFactory,
    MeetingFactory,
    RecommendationFactory,
    RegionalIssueFactory,
)


def _issue(place):
    return RegionalIssueFactory(
        municipality=place.municipality, raised_by=place.user, areas=[place.area]
    )


def _meeting(place):
    council = CouncilFactory(municipality=place.municipality, area=place.area)
    return MeetingFactory(
        municipality=place.municipality, coordinator=place.user, area=place.area, council=council
    )


def _meeting_of_council(place):
    council = CouncilFactory(municipality=place.municipality, area=place.area)
    return MeetingFactory(
        municipality=place.municipality,
        coordinator=place.user,
        area=place.area,
        council=council,
        minutes_text=place.secret(),
    )


def _meeting_without_council(place):
    """A 地域ケア会議 about a person, recorded as an activity: no council's material."""
    return MeetingFactory(
        municipality=place.municipality,
        coordinator=place.user,
        area=place.area,
        council=None,
        minutes_text=place.secret(),
    )


# Every meeting a page can show: a council's (council material) and one of no council (an
# activity record that may discuss a person). Shared with the activities app's entries.
MEETING_VARIANTS = (
    Variant(
        "協議体の会議",
        obj=lambda p: {"pk": _meeting_of_council(p).pk},
        reach=meeting_reach(of_council=True),
    ),
    Variant(
        "協議体のない会議（地域ケア会議）",
        obj=lambda p: {"pk": _meeting_without_council(p).pk},
        reach=meeting_reach(of_council=False),
        personal=True,
        note="minutes of a 地域ケア会議 may name a person",
    ),
)


def _evidence(place):
    issue = _issue(place)
    record = ConsultationFactory(
        municipality=place.municipality, coordinator=place.user, area=place.area
    )
    return IssueEvidenceFactory(
        issue=issue,
        kind="consultation",
        consultation=record,
        area=place.area,
        date=record.date,
        added_by=place.user,
    )


def _attach_target(place):
    record = ConsultationFactory(
        municipality=place.municipality, coordinator=place.user, area=place.area
    )
    return Target(
        query={"kind": "consultation", "id": record.pk},
        data={"kind": "consultation", "record_id": record.pk},
    )


def _council(place):
    return CouncilFactory(municipality=place.municipality, area=place.area)


def _recommendation(place):
    council = CouncilFactory(
        municipality=place.municipality, tier=1, area=None, kind="promotion_council"
    )
    return RecommendationFactory(
        proposal__municipality=place.municipality, proposal__council=council
    )


PAGES = {
    "councils:index": Access(C.VIEW_COUNCILS),
    "councils:issue_list": Access(C.VIEW_COUNCILS),
    "councils:issue_create": Access(C.EDIT_COUNCILS),
    "councils:issue_detail": Access(C.VIEW_COUNCILS, obj=lambda p: {"pk": _issue(p).pk}),
    "councils:issue_edit": Access(
        C.EDIT_COUNCILS, obj=lambda p: {"pk": _issue(p).pk}, area_bound=True
    ),
    "councils:issue_advance": Access(
        C.EDIT_COUNCILS, obj=lambda p: {"pk": _issue(p).pk}, area_bound=True
    ),
    "councils:issue_merge": Access(C.STEER_COUNCILS, obj=lambda p: {"pk": _issue(p).pk}),
    "councils:evidence_add": Access(
        C.EDIT_COUNCILS, obj=lambda p: {"pk": _issue(p).pk}, area_bound=True
    ),
    "councils:evidence_search": Access(
        C.EDIT_COUNCILS, obj=lambda p: {"pk": _issue(p).pk}, area_bound=True
    ),
    "councils:evidence_remove": Access(
        C.EDIT_COUNCILS, obj=lambda p: {"pk": _evidence(p).pk}, area_bound=True
    ),
    "councils:attach": Access(
        C.EDIT_COUNCILS,
        obj=lambda p: _attach_target(p),
        area_bound=True,
        note="only records of one's own areas can become evidence",
    ),
    "councils:council_list": Access(C.VIEW_COUNCILS),
    "councils:council_detail": Access(C.VIEW_COUNCILS, obj=lambda p: {"pk": _council(p).pk}),
    "councils:member_create": Access(
        C.EDIT_COUNCILS, obj=lambda p: {"council_pk": _council(p).pk}, area_bound=True
    ),
    "councils:member_edit": Access(
        C.EDIT_COUNCILS,
        obj=lambda p: (lambda m: {"council_pk": m.council_id, "pk": m.pk})(
            CouncilMemberFactory(council=_council(p))
        ),
        area_bound=True,
    ),
    "councils:meeting_detail": Access(
        C.VIEW_COUNCILS, obj=lambda p: {"pk": _meeting(p).pk}, variants=MEETING_VARIANTS
    ),
    "councils:agenda_add": Access(
        C.EDIT_COUNCILS, obj=lambda p: {"pk": _meeting(p).pk}, area_bound=True
    ),
    "councils:attendance": Access(
        C.EDIT_COUNCILS, obj=lambda p: {"pk": _meeting(p).pk}, area_bound=True
    ),
    "councils:briefing_pack": Access(
        C.VIEW_COUNCILS,
        obj=lambda p: {"pk": _meeting(p).pk},
        note="counts and issue texts only, no personal data",
        variants=MEETING_VARIANTS,
    ),
    "councils:agenda_decide": Access(
        C.EDIT_COUNCILS,
        obj=lambda p: {"pk": AgendaItemFactory(meeting=_meeting(p), issue=_issue(p)).pk},
        area_bound=True,
    ),
    "councils:proposal_list": Access(C.VIEW_COUNCILS),
    "councils:proposal_create": Access(
        C.STEER_COUNCILS,
    ),
    "councils:proposal_detail": Access(
        C.VIEW_COUNCILS, obj=lambda p: {"pk": _recommendation(p).proposal_id}
    ),
    "councils:proposal_edit": Access(
        C.STEER_COUNCILS, obj=lambda p: {"pk": _recommendation(p).proposal_id}
    ),
    "councils:recommendation_add": Access(
        C.STEER_COUNCILS, obj=lambda p: {"pk": _recommendation(p).proposal_id}
    ),
    "councils:recommendation_answer": Access(
        C.STEER_COUNCILS, obj=lambda p: {"pk": _recommendation(p).pk}
    ),
    "councils:recommendation_publish": Access(
        C.STEER_COUNCILS, obj=lambda p: {"pk": _recommendation(p).pk}
    ),
    "councils:progress_add": Access(C.STEER_COUNCILS, obj=lambda p: {"pk": _recommendation(p).pk}),
    "councils:public": Access(
        PUBLIC,
        obj=lambda p: {"code": p.municipality.code},
        note="published proposals and published answers only",
    ),
}

API = {
    "GET /api/v1/regional-issues": Access(C.VIEW_COUNCILS),
    "GET /api/v1/regional-issues/{issue_id}": Access(
        C.VIEW_COUNCILS, obj=lambda p: {"issue_id": _issue(p).pk}
    ),
    "POST /api/v1/regional-issues": Access(
        C.EDIT_COUNCILS,
        body=lambda p: {
            "title": "移動手段",
            "description": "買い物に行けない",
            "area_ids": [p.area.pk],
        },
    ),
    "PUT /api/v1/regional-issues/{issue_id}": Access(
        C.EDIT_COUNCILS,
        obj=lambda p: {"issue_id": _issue(p).pk},
        area_bound=True,
        body=lambda p: {"title": "更新", "description": "更新", "area_ids": [p.area.pk]},
    ),
    "POST /api/v1/regional-issues/{issue_id}/advance": Access(
        C.EDIT_COUNCILS,
        obj=lambda p: {"issue_id": _issue(p).pk},
        area_bound=True,
        body=lambda p: {"to_status": "tier2_review", "date": "2025-05-01"},
    ),
    "POST /api/v1/regional-issues/{issue_id}/evidence": Access(
        C.EDIT_COUNCILS,
        obj=lambda p: {"issue_id": _issue(p).pk},
        area_bound=True,
        body=lambda p: {"kind": "consultation", "record_id": 1},
    ),
    "GET /api/v1/proposals": Access(C.VIEW_COUNCILS),
    "GET /api/v1/proposals/{proposal_id}": Access(
        C.VIEW_COUNCILS, obj=lambda p: {"proposal_id": _recommendation(p).proposal_id}
    ),
}
