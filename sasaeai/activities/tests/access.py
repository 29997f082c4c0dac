"""Who may use each URL and API operation of the activities app (see tests/access_registry.py).

Activity records are read by tier 1 and officials across the municipality and by tier 2 in
its areas; council members read none of them (aggregates come through reports). Visits and
consultations may mention people, so they are registered as personal; calendars and their
feed URL belong to their coordinator."""

from sasaeai.accounts.policy import Capability as C
from tests.access_registry import LOGIN, PUBLIC, Access, Variant

from .factories import (
    CalendarEntryFactory,
    ConsultationFactory,
    MeetingFactory,
    OtherActivityFactory,
    VisitFactory,
)


def _visit(place) -> dict:
    visit = VisitFactory(
        coordinator=place.user,
        municipality=place.municipality,
        area=place.area,
        place_name="公園",
        observations=place.secret(),
        needs_heard=place.secret("kana"),
    )
    return {"pk": visit.pk}


def _consultation(place) -> dict:
    consultation = ConsultationFactory(
        coordinator=place.user,
        municipality=place.municipality,
        area=place.area,
        summary=place.secret(),
        referral_note=place.secret("kana"),
    )
    return {"pk": consultation.pk}


def _meeting(place) -> dict:
    meeting = MeetingFactory(
        coordinator=place.user,
        municipality=place.municipality,
        area=place.area,
        minutes_text=place.secret(),
    )
    return {"pk": meeting.pk}


def _meeting_variants() -> tuple[Variant, ...]:
    """The meetings of the councils app's registry (with and without a council), asked here
    through the activity pages and the API: one rule decides both."""
    from sasaeai.councils.tests.access import MEETING_VARIANTS

    return MEETING_VARIANTS


def _api_variants() -> tuple[Variant, ...]:
    return tuple(
        Variant(v.name, obj=_api(v.obj, "meeting_id"), reach=v.reach, personal=v.personal)
        for v in _meeting_variants()
    )


def _other(place) -> dict:
    activity = OtherActivityFactory(
        coordinator=place.user,
        municipality=place.municipality,
        area=place.area,
        note=place.secret(),
    )
    return {"pk": activity.pk}


def _entry(place) -> dict:
    entry = CalendarEntryFactory(
        coordinator=place.user,
        municipality=place.municipality,
        area=place.area,
        note=place.secret(),
    )
    return {"pk": entry.pk}


def _feed(place) -> dict:
    from sasaeai.activities.services import calendar_feed_create

    _, token = calendar_feed_create(user=place.user)
    return {"token": token}


def _topic(place) -> dict:
    from sasaeai.activities.models import ConsultationTopic

    topic = ConsultationTopic.objects.create(
        municipality=place.municipality, code=f"t-{place.secret('ascii')}", name="独自の分類"
    )
    return {"pk": topic.pk}


def _api(builder, name):
    return lambda place: {name: builder(place)["pk"]}


PAGES = {
    "activities:list": Access(C.VIEW_ACTIVITIES, note="scoped: tier 2 sees its areas"),
    "activities:export": Access(C.VIEW_ACTIVITIES, note="the list's scope, audited"),
    "activities:visit_create": Access(C.EDIT_ACTIVITIES),
    "activities:visit_detail": Access(C.VIEW_ACTIVITIES, obj=_visit, personal=True),
    # Edit entries are area-bound rather than personal: officials read the same record
    # through the detail entries (personal) but may not edit it.
    "activities:visit_edit": Access(C.EDIT_ACTIVITIES, obj=_visit, area_bound=True),
    "activities:consultation_create": Access(C.EDIT_ACTIVITIES),
    "activities:consultation_detail": Access(C.VIEW_ACTIVITIES, obj=_consultation, personal=True),
    "activities:consultation_edit": Access(C.EDIT_ACTIVITIES, obj=_consultation, area_bound=True),
    "activities:meeting_create": Access(C.EDIT_ACTIVITIES),
    "activities:meeting_detail": Access(
        C.VIEW_ACTIVITIES, obj=_meeting, area_bound=True, variants=_meeting_variants()
    ),
    "activities:meeting_edit": Access(
        C.EDIT_ACTIVITIES,
        obj=_meeting,
        area_bound=True,
        # Reading a council's meeting is not editing it: the area decides (no reach override).
        variants=tuple(
            Variant(v.name, obj=v.obj, personal=v.personal) for v in _meeting_variants()
        ),
    ),
    "activities:other_create": Access(C.EDIT_ACTIVITIES),
    "activities:other_detail": Access(C.VIEW_ACTIVITIES, obj=_other, area_bound=True),
    "activities:other_edit": Access(C.EDIT_ACTIVITIES, obj=_other, area_bound=True),
    "activities:resource_picker": Access(
        C.VIEW_ACTIVITIES, note="resources are not personal; the search is scoped by resources"
    ),
    "activities:calendar": Access(C.VIEW_ACTIVITIES),
    "activities:calendar_team": Access(
        C.VIEW_ACTIVITIES, note="tier 1 and officials: everyone; tier 2: its areas' colleagues"
    ),
    "activities:entry_create": Access(C.EDIT_ACTIVITIES),
    "activities:entry_edit": Access(C.EDIT_ACTIVITIES, obj=_entry, owner_only=True),
    "activities:entry_delete": Access(C.EDIT_ACTIVITIES, obj=_entry, owner_only=True),
    "activities:entry_skip": Access(C.EDIT_ACTIVITIES, obj=_entry, owner_only=True),
    "activities:entry_record": Access(C.EDIT_ACTIVITIES, obj=_entry, owner_only=True),
    "activities:feed_manage": Access(C.VIEW_ACTIVITIES, note="one's own subscription URL"),
    "activities:feed": Access(
        PUBLIC,
        obj=_feed,
        note="calendar programs cannot log in: the secret in the URL is the credential "
        "(revocable, only its digest stored, notes never included)",
    ),
    "activities:offline_queue": Access(
        C.EDIT_ACTIVITIES, note="the page only; the queue itself lives in the phone's browser"
    ),
    "activities:offline_session": Access(
        LOGIN, note="who is logged in and a fresh CSRF token for one's own queue"
    ),
    "service_worker": Access(
        PUBLIC, note="the offline queue's worker: code and the URLs of two empty forms, no data"
    ),
    "activities:topic_list": Access(C.MANAGE_ORG),
    "activities:topic_create": Access(C.MANAGE_ORG),
    "activities:topic_edit": Access(C.MANAGE_ORG, obj=_topic),
}

VISIT_BODY = {"date": "2024-04-01", "place_name": "公園"}
CONSULTATION_BODY = {
    "date": "2024-04-01",
    "consulter_type": "elderly",
    "channel": "phone",
    "topic_ids": [],
}

API = {
    "GET /api/v1/visits": Access(C.VIEW_ACTIVITIES),
    "POST /api/v1/visits": Access(C.EDIT_ACTIVITIES, body=lambda place: VISIT_BODY),
    "GET /api/v1/visits/{visit_id}": Access(
        C.VIEW_ACTIVITIES, obj=_api(_visit, "visit_id"), personal=True
    ),
    "PATCH /api/v1/visits/{visit_id}": Access(
        C.EDIT_ACTIVITIES,
        obj=_api(_visit, "visit_id"),
        body=lambda place: {"attendees": 3},
        area_bound=True,
    ),
    "GET /api/v1/consultations": Access(C.VIEW_ACTIVITIES),
    "POST /api/v1/consultations": Access(C.EDIT_ACTIVITIES, body=lambda place: CONSULTATION_BODY),
    "GET /api/v1/consultations/{consultation_id}": Access(
        C.VIEW_ACTIVITIES, obj=_api(_consultation, "consultation_id"), personal=True
    ),
    "PATCH /api/v1/consultations/{consultation_id}": Access(
        C.EDIT_ACTIVITIES,
        obj=_api(_consultation, "consultation_id"),
        body=lambda place: {"summary": "変更"},
        area_bound=True,
    ),
    "GET /api/v1/meetings": Access(C.VIEW_ACTIVITIES),
    "POST /api/v1/meetings": Access(
        C.EDIT_ACTIVITIES,
        body=lambda place: {"date": "2024-04-01", "meeting_type": "liaison", "title": "連携会議"},
    ),
    "GET /api/v1/meetings/{meeting_id}": Access(
        C.VIEW_ACTIVITIES,
        obj=_api(_meeting, "meeting_id"),
        area_bound=True,
        variants=_api_variants(),
    ),
    "PATCH /api/v1/meetings/{meeting_id}": Access(
        C.EDIT_ACTIVITIES,
        obj=_api(_meeting, "meeting_id"),
        body=lambda place: {"title": "変更"},
        area_bound=True,
    ),
    "GET /api/v1/activities": Access(C.VIEW_ACTIVITIES),
    "POST /api/v1/activities": Access(
        C.EDIT_ACTIVITIES,
        body=lambda place: {"date": "2024-04-01", "kind": "training_attended", "title": "研修"},
    ),
    "GET /api/v1/activities/{activity_id}": Access(
        C.VIEW_ACTIVITIES, obj=_api(_other, "activity_id"), area_bound=True
    ),
    "PATCH /api/v1/activities/{activity_id}": Access(
        C.EDIT_ACTIVITIES,
        obj=_api(_other, "activity_id"),
        body=lambda place: {"title": "変更"},
        area_bound=True,
    ),
}
