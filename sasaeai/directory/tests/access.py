"""Access rules of the living directory for the access matrix (tests/test_access_matrix.py).

The organiser's page is public behind its secret and shows only public fields plus the
organiser's own contact; residents' reports are public. The review queue, a proposal (which may
hold a resident's contact) and a resource's link page are for the coordinators who may change
the resource: tier 1 the municipality, tier 2 its areas."""

from sasaeai.accounts.policy import Capability as C
from sasaeai.directory.models import Proposal
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory
from tests.access_registry import PUBLIC, Access

from .factories import ProposalFactory, issued_link


def _service(place, **kwargs):
    return ServiceFactory(
        municipality=place.municipality,
        location=LocationFactory(town=place.town, municipality=place.municipality),
        internal_note=place.secret(),
        contact_email=f"{place.secret('ascii')}@example.jp",
        is_public=True,
        publication_consent=True,
        **kwargs,
    )


def _secret_of(place) -> dict:
    _link, secret = issued_link(_service(place))
    return {"secret": secret}


def _proposal(place) -> dict:
    # The resource itself is no secret to staff (its own entries plant those); the
    # proposal's message and the resident's contact are.
    service = ServiceFactory(
        municipality=place.municipality,
        location=LocationFactory(town=place.town, municipality=place.municipality),
    )
    proposal = ProposalFactory(
        service=service,
        kind=Proposal.Kind.ERROR,
        proposer=Proposal.Proposer.RESIDENT,
        message=place.secret(),
        contact=place.secret(),
    )
    return {"pk": proposal.pk}


def _suggestion(place) -> dict:
    # A resident's suggested place: its words prefill the new-resource form.
    proposal = ProposalFactory(
        service=None,
        municipality=place.municipality,
        area=place.area,
        kind=Proposal.Kind.NEW_PLACE,
        proposer=Proposal.Proposer.RESIDENT,
        changes={"name": place.secret(), "where": place.secret()},
        contact=place.secret(),
    )
    return {"pk": proposal.pk}


PAGES = {
    "directory_public:organiser": Access(
        PUBLIC,
        obj=_secret_of,
        private_fields=True,
        note="the secret link shows the public listing and the organiser's own contact only",
    ),
    "directory_public:organiser_change": Access(
        PUBLIC, obj=_secret_of, private_fields=True, note="as the organiser's page"
    ),
    "directory_public:report_error": Access(
        PUBLIC,
        obj=lambda p: {"code": p.municipality.code, "pk": _service(p).pk},
        private_fields=True,
    ),
    "directory_public:suggest_place": Access(PUBLIC, obj=lambda p: {"code": p.municipality.code}),
    "directory:queue": Access(C.EDIT_RESOURCES),
    "directory:quality": Access(C.EDIT_RESOURCES),
    "directory:settings": Access(C.MANAGE_ORG),
    "directory:review": Access(
        C.EDIT_RESOURCES,
        obj=_proposal,
        personal=True,
        note="a resident's report may carry their contact: the area's coordinators only",
    ),
    "directory:register": Access(
        C.EDIT_RESOURCES,
        obj=_suggestion,
        personal=True,
        note="the new-resource form prefilled with a resident's words: the area's coordinators",
    ),
    "directory:link": Access(
        C.EDIT_RESOURCES,
        obj=lambda p: {"pk": _service(p).pk},
        area_bound=True,
        note="issuing a resource's link is a change to it: tier 2 in its areas",
    ),
}

API = {
    "GET /api/v1/resource-changes": Access(C.EDIT_RESOURCES),
}
