"""Who may use each URL and API operation of the exchange app (see tests/access_registry.py).

Importing is for administrators and tier-1 coordinators (resources.import with
resources.edit); an import batch holds a whole uploaded file and is reached only by the person
who uploaded it, never by another administrator. Exports follow the resource list: whoever may
read resources may download what the list shows, and the open-data files hold public resources
only."""

from sasaeai.accounts.policy import Capability as C
from tests.access_registry import Access


def _batch(place) -> dict:
    """A previewed batch uploaded by the place's administrator, its file naming a secret."""
    from sasaeai.exchange import services
    from sasaeai.exchange.tests.helpers import csv_bytes, upload

    content = csv_bytes([["名称", "町"], [place.secret(), place.town.name]])
    batch = services.batch_create(
        user=place.admin, upload=upload(content, f"{place.secret('ascii')}.csv")
    )
    return {"token": batch.token}


def _uploader(user, place) -> bool:
    return user.pk == place.admin.pk


_BATCH_NOTE = "a batch holds a whole file: only the person who uploaded it reaches it"

PAGES = {
    "exchange:import_start": Access(C.IMPORT_RESOURCES),
    "exchange:publication": Access(
        C.EDIT_RESOURCES, note="publish or hide many resources: tier 2 lists only its areas'"
    ),
    "exchange:template": Access(C.IMPORT_RESOURCES, note="lists the municipality's categories"),
    "exchange:import_mapping": Access(
        C.IMPORT_RESOURCES, obj=_batch, reach=_uploader, note=_BATCH_NOTE
    ),
    "exchange:import_preview": Access(
        C.IMPORT_RESOURCES, obj=_batch, reach=_uploader, note=_BATCH_NOTE
    ),
    "exchange:import_commit": Access(
        C.IMPORT_RESOURCES, obj=_batch, reach=_uploader, note=_BATCH_NOTE
    ),
    "exchange:import_summary": Access(
        C.IMPORT_RESOURCES, obj=_batch, reach=_uploader, note=_BATCH_NOTE
    ),
    "exchange:export": Access(C.VIEW_RESOURCES, note="the resource list's own scope"),
    "exchange:export_csv": Access(
        C.VIEW_RESOURCE_RECORDS, note="the resource list's scope, every column, audited"
    ),
    "exchange:export_xlsx": Access(
        C.VIEW_RESOURCE_RECORDS, note="the resource list's scope, every column, audited"
    ),
    "exchange:export_hsds": Access(C.VIEW_RESOURCES, note="public resources only, audited"),
    "exchange:export_open_data": Access(C.VIEW_RESOURCES, note="public resources only, audited"),
}

API = {
    "POST /api/v1/resources/import": Access(
        C.IMPORT_RESOURCES,
        body=lambda place: {"contents": []},
        note="the file is the body (multipart or raw); nothing is written without commit",
    ),
    "GET /api/v1/hsds/services": Access(C.VIEW_RESOURCES, note="public resources only"),
}
