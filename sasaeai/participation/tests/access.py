"""Access rules of the participation pages and API for the access matrix
(tests/test_access_matrix.py). Participation holds counts only (no names); writes are
coordinators' record-keeping (tier 2 within its areas), the population import is tier 1's and
the administrator's, the gap map is read by the staff roles that read activities."""

from sasaeai.accounts.policy import Capability as C
from sasaeai.councils.tests.factories import RegionalIssueFactory
from sasaeai.directory.tests.factories import issued_link
from sasaeai.participation.models import PopulationDataset
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory
from tests.access_registry import PUBLIC, Access, Target

from .factories import (
    ParticipationUploadFactory,
    PopulationCountFactory,
    PopulationDatasetFactory,
    PopulationUploadFactory,
    service_in,
)


def _record_body(place) -> dict:
    return {
        "service_id": service_in(place.town).pk,
        "month": "2026-01",
        "participants": 12,
        "attendances": 40,
        "aged_65_plus": 11,
    }


def _record_target(place) -> Target:
    pk = service_in(place.town).pk
    return Target(query={"service": pk}, data={"service": pk})


def _population(place) -> Target:
    """A population for the place's town and an open issue of its area, so that the page
    shows its ranking and the form attaching a town to an issue."""
    dataset = PopulationDataset.objects.filter(municipality=place.municipality).first()
    if dataset is None:
        dataset = PopulationDatasetFactory(municipality=place.municipality)
    PopulationCountFactory(dataset=dataset, town=place.town, age_from=65, age_to=None, count=80)
    RegionalIssueFactory(municipality=place.municipality, areas=[place.area], raised_by=place.admin)
    return Target(query={"walk_m": 500})


def _upload(place) -> dict:
    return {"pk": PopulationUploadFactory(uploaded_by=place.admin).pk}


def _survey_place(place) -> dict:
    return {"pk": service_in(place.town).pk}


def _sheet_upload(place) -> dict:
    return {"pk": ParticipationUploadFactory(uploaded_by=place.admin).pk}


def _organiser_secret(place) -> dict:
    service = ServiceFactory(
        municipality=place.municipality,
        location=LocationFactory(town=place.town, municipality=place.municipality),
        internal_note=place.secret(),
        is_public=True,
        publication_consent=True,
    )
    _link, secret = issued_link(service)
    return {"secret": secret}


PAGES = {
    "participation:index": Access(C.VIEW_ACTIVITIES),
    "participation_public:organiser_report": Access(
        PUBLIC,
        obj=_organiser_secret,
        private_fields=True,
        note="behind the organiser's secret link: the place's name and a form for counts only",
    ),
    "participation:record": Access(
        C.EDIT_ACTIVITIES,
        obj=_record_target,
        area_bound=True,
        note="the place is offered only to those who may record for it; counts only",
    ),
    "participation:sheet_import": Access(
        C.EDIT_ACTIVITIES,
        note="the template lists only the places the user may record for; counts only",
    ),
    "participation:sheet_preview": Access(
        C.EDIT_ACTIVITIES,
        obj=_sheet_upload,
        reach=lambda user, place: user is not None and user.pk == place.admin.pk,
        note="a pending sheet is its uploader's own until confirmed",
    ),
    "participation:population_import": Access(C.IMPORT_RESOURCES),
    "participation:population_preview": Access(
        C.IMPORT_RESOURCES,
        obj=_upload,
        reach=lambda user, place: user is not None and user.pk == place.admin.pk,
        note="a pending upload is its uploader's own until confirmed",
    ),
    "participation:gaps": Access(
        C.VIEW_ACTIVITIES,
        obj=_population,
        note="aggregates only; the page shows the user's own municipality whatever is asked",
    ),
    "participation:survey_download": Access(C.VIEW_ACTIVITIES),
    "participation:survey_places": Access(C.VIEW_ACTIVITIES),
    "participation:survey_place": Access(
        C.EDIT_ACTIVITIES,
        obj=_survey_place,
        area_bound=True,
        note="staff's survey judgement of a place they may record for (tier 2: its areas)",
    ),
    "participation:gap_attach": Access(
        C.EDIT_COUNCILS, note="needs reading the gap map too; both are held by tier 1 and 2"
    ),
}
API = {
    "POST /api/v1/participation": Access(C.EDIT_ACTIVITIES, body=_record_body, area_bound=True),
    "GET /api/v1/participation": Access(C.VIEW_ACTIVITIES),
    "GET /api/v1/gaps": Access(C.VIEW_ACTIVITIES),
}
