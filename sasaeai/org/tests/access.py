"""Access rules of the organisation's setup pages for the access matrix
(tests/test_access_matrix.py). The overview, area, town and centre pages are registered in
tests/access_registry.py; these are the administrator's setup pages and the postal-code
lookup the address forms use (public data: any logged-in user)."""

from sasaeai.accounts.policy import Capability as C
from tests.access_registry import LOGIN, Access

from .factories import AreaFactory


def _fresh_area(place) -> dict:
    # Its own area: an administrator's POST deletes it (the place's area has users).
    return {"pk": AreaFactory(municipality=place.municipality).pk}


PAGES = {
    "org:setup": Access(C.MANAGE_ORG),
    "org:area_create": Access(C.MANAGE_ORG),
    "org:area_delete": Access(C.MANAGE_ORG, obj=_fresh_area),
    "org:postal_lookup": Access(LOGIN, note="Japan Post's data is public"),
}
API = {}
