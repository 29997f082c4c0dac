"""Access rules of the cases app for the access matrix (tests/test_access_matrix.py).

Cases are the most sensitive records: only the case's area coordinators (tier 2) and tier 1
of the municipality reach them (`personal`); officials see counts only; council members,
administrators and the regional role nothing. Published case stories are anonymised and read
by every coordinator of the municipality; drafts are bound to their area. Requests from the
person (export, delete) and story review are tier 1's."""

import datetime as dt

from sasaeai.accounts.policy import Capability as C
from sasaeai.cases.models import ReferralStatus
from tests.access_registry import Access, Variant, personal_in, second_area

from .factories import CaseEntryFactory, CaseFactory, CaseStoryFactory, ReferralFactory


def _case(place, **kwargs):
    values = {
        "municipality": place.municipality,
        "area": place.area,
        "town": place.town,
        "person_name": place.secret(),
        "person_name_kana": place.secret("kana"),
        "contact_phone": place.secret("ascii"),
        "needs_text": place.secret(),
        "coordinator": place.user,
    }
    return CaseFactory(**(values | kwargs))


def _case_elsewhere(place):
    area = second_area(place)
    from sasaeai.org.models import Town

    return _case(place, area=area, town=Town.objects.filter(area=area).first())


def _closed_case(place):
    return _case(place, status="closed", closed_on=dt.date.today())


def _case_with_referral(status: str):
    def build(place):
        case = _case(place)
        ReferralFactory(
            case=case,
            agency_name="地域包括支援センター",
            status=status,
            reason=place.secret(),
            interruption_reason="本人の希望" if status == "interrupted" else "",
            follow_up_on=dt.date.today(),
        )
        return case

    return build


def _case_variants(address) -> tuple[Variant, ...]:
    """Every case that changes who sees it: one of another area of the municipality (tier 2
    of that area, not of this one), a closed case, and a case with a referral in each state
    (the follow-up lists show referrals by state). `address(case)` gives the URL kwargs."""
    variants = [
        Variant(
            "他の圏域のケース",
            obj=lambda p: address(_case_elsewhere(p)),
            reach=personal_in(second_area),
        ),
        Variant("終結したケース", obj=lambda p: address(_closed_case(p))),
    ]
    variants += [
        Variant(
            f"つなぎ先が「{label}」のケース",
            obj=lambda p, s=status: address(_case_with_referral(s)(p)),
        )
        for status, label in ReferralStatus.choices
    ]
    return tuple(variants)


def _referral(place):
    return ReferralFactory(
        case=_case(place),
        agency_name="地域包括支援センター",
        follow_up_on=dt.date.today(),
        reason=place.secret(),
    )


def _entry(place):
    return CaseEntryFactory(case=_case(place), text=place.secret())


def _draft(place):
    return CaseStoryFactory(
        municipality=place.municipality,
        area=place.area,
        consultation=place.secret(),
        written_by=place.user,
    )


def _published(place):
    return CaseStoryFactory(
        municipality=place.municipality,
        area=place.area,
        status="published",
        published_on=dt.date.today(),
    )


CASE = {"obj": lambda p: {"pk": _case(p).pk}, "personal": True}

PAGES = {
    "cases:list": Access(C.VIEW_CASES, note="scoped by personal_scope: own areas / tier 1"),
    "cases:create": Access(C.EDIT_CASES, body=lambda p: {"area": p.area.pk}),
    "cases:quick_match": Access(C.VIEW_CASES, note="stores nothing"),
    "cases:follow_ups": Access(C.VIEW_CASES),
    "cases:detail": Access(
        C.VIEW_CASES, **CASE, variants=_case_variants(lambda case: {"pk": case.pk})
    ),
    "cases:edit": Access(
        C.EDIT_CASES, **CASE, variants=_case_variants(lambda case: {"pk": case.pk})
    ),
    "cases:match": Access(
        C.VIEW_CASES, **CASE, variants=_case_variants(lambda case: {"pk": case.pk})
    ),
    "cases:entry_create": Access(C.EDIT_CASES, **CASE),
    "cases:referral_create": Access(C.EDIT_CASES, **CASE),
    "cases:referral_suggested": Access(C.EDIT_CASES, **CASE),
    "cases:story_create": Access(C.EDIT_CASES, **CASE),
    "cases:person_export": Access(
        C.HANDLE_SUBJECT_REQUESTS,
        **CASE,
        note="requests from the person are tier 1's",
        variants=_case_variants(lambda case: {"pk": case.pk}),
    ),
    "cases:person_delete": Access(
        C.HANDLE_SUBJECT_REQUESTS, **CASE, note="requests from the person are tier 1's"
    ),
    "cases:entry_edit": Access(C.EDIT_CASES, obj=lambda p: {"pk": _entry(p).pk}, personal=True),
    "cases:referral_advance": Access(
        C.EDIT_CASES, obj=lambda p: {"pk": _referral(p).pk}, personal=True
    ),
    "cases:referral_follow_up": Access(
        C.EDIT_CASES, obj=lambda p: {"pk": _referral(p).pk}, personal=True
    ),
    "cases:stories": Access(C.VIEW_CASES),
    "cases:story_detail": Access(
        C.VIEW_CASES,
        obj=lambda p: {"pk": _published(p).pk},
        note="published stories are anonymised: every coordinator of the municipality",
    ),
    "cases:story_edit": Access(C.EDIT_CASES, obj=lambda p: {"pk": _draft(p).pk}, personal=True),
    "cases:story_submit": Access(C.EDIT_CASES, obj=lambda p: {"pk": _draft(p).pk}, personal=True),
    "cases:story_review": Access(
        C.REVIEW_CASE_STORIES,
        obj=lambda p: {"pk": _published(p).pk},
        note="tier 1 reviews stories before publication",
    ),
    "cases:story_withdraw": Access(C.REVIEW_CASE_STORIES, obj=lambda p: {"pk": _published(p).pk}),
}

API = {
    "POST /api/v1/match": Access(C.VIEW_CASES, body=lambda p: {"town": p.town.name}),
    "GET /api/v1/cases": Access(C.VIEW_CASES),
    "POST /api/v1/cases": Access(C.EDIT_CASES, body=lambda p: {"area_id": p.area.pk, "age": 80}),
    "GET /api/v1/cases/{case_id}": Access(
        C.VIEW_CASES,
        obj=lambda p: {"case_id": _case(p).pk},
        personal=True,
        variants=_case_variants(lambda case: {"case_id": case.pk}),
    ),
    "PATCH /api/v1/cases/{case_id}": Access(
        C.EDIT_CASES,
        obj=lambda p: {"case_id": _case(p).pk},
        body=lambda p: {"hobbies": "カラオケ"},
        personal=True,
    ),
    "GET /api/v1/cases/{case_id}/match": Access(
        C.VIEW_CASES,
        obj=lambda p: {"case_id": _case(p).pk},
        personal=True,
        variants=_case_variants(lambda case: {"case_id": case.pk}),
    ),
    "POST /api/v1/cases/{case_id}/entries": Access(
        C.EDIT_CASES,
        obj=lambda p: {"case_id": _case(p).pk},
        body=lambda p: {"kind": "call", "date": dt.date.today().isoformat(), "text": "電話"},
        personal=True,
    ),
    "POST /api/v1/cases/{case_id}/referrals": Access(
        C.EDIT_CASES,
        obj=lambda p: {"case_id": _case(p).pk},
        body=lambda p: {"agency_name": "福祉公社"},
        personal=True,
    ),
    "POST /api/v1/referrals/{referral_id}/transitions": Access(
        C.EDIT_CASES,
        obj=lambda p: {"referral_id": _referral(p).pk},
        body=lambda p: {
            "to_status": "interrupted",
            "outcome": "declined",
            "interruption_reason": "本人の希望",
        },
        personal=True,
    ),
    "PATCH /api/v1/referrals/{referral_id}": Access(
        C.EDIT_CASES,
        obj=lambda p: {"referral_id": _referral(p).pk},
        body=lambda p: {"follow_up_on": None},
        personal=True,
    ),
}
