"""Access rules of the resource database for the access matrix (tests/test_access_matrix.py).

Resources are not personal data: everyone holding resources.view in the municipality reads
them; their staff records (internal note, non-public contacts, history, full export) need
resources.view_records, which the regional role (across its prefecture) lacks: it reads what
the public reads. Writing is bounded by area for tier 2; a
confirmation (a visit or a call) may come from any coordinator of the municipality. The
finder is public and shows only public, consented, active services."""

from sasaeai.accounts.policy import Capability as C
from sasaeai.resources.models import Category, Synonym
from tests.access_registry import PUBLIC, Access, Target, Variant, nobody

from .factories import LocationFactory, ServiceFactory


def _service(place, **kwargs):
    if "location" not in kwargs:
        kwargs["location"] = LocationFactory(town=place.town, municipality=place.municipality)
    return ServiceFactory(
        municipality=place.municipality,
        internal_note=place.secret(),
        contact_name=place.secret(),
        **kwargs,
    )


def _public_service(place, **kwargs):
    return _service(place, is_public=True, publication_consent=True, **kwargs)


def _home_salon(place, **kwargs):
    """A salon held in someone's home: its address is never shown to the public."""
    home = LocationFactory(
        town=place.town,
        municipality=place.municipality,
        is_private_home=True,
        name=place.secret(),
        address=f"{place.town.name}{place.secret('ascii')}",
    )
    return _service(place, location=home, **kwargs)


def _resource_variants(address, *, public_page: bool) -> tuple[Variant, ...]:
    """Every resource that changes who sees what: not public, public without the organiser's
    consent, suspended, and a public salon in a private home. Staff read them all; the public
    finder shows only the public, consented, active ones, and never a home's address."""
    hidden = nobody if public_page else None
    return (
        Variant("非公開の資源", obj=lambda p: address(_service(p, is_public=False)), reach=hidden),
        Variant(
            "掲載の同意がない資源",
            obj=lambda p: address(_service(p, is_public=True, publication_consent=False)),
            reach=hidden,
        ),
        Variant(
            "休止中の資源",
            obj=lambda p: address(_public_service(p, status="paused")),
            reach=hidden,
        ),
        Variant(
            "個人宅のサロン（公開）",
            obj=lambda p: address(_home_salon(p, is_public=True, publication_consent=True)),
        ),
    )


def _restore_target(place):
    service = _service(place)
    service._change_reason = "テスト"
    service.save()
    version = service.history.order_by("history_id").first()
    return {"pk": service.pk, "history_id": version.history_id}


def _synonym(place):
    return Synonym.objects.create(
        municipality=place.municipality, terms="ひみつ、" + place.secret()
    )


def _category(place):
    return Category.objects.create(
        municipality=place.municipality,
        code=f"local-{place.secret('ascii')}",
        name=place.secret(),
    )


PAGES = {
    "resources:list": Access(C.VIEW_RESOURCES),
    "resources:create": Access(C.EDIT_RESOURCES),
    "resources:recheck": Access(C.VIEW_RESOURCES),
    "resources:organizations": Access(C.VIEW_RESOURCES),
    "resources:categories": Access(C.VIEW_RESOURCES),
    "resources:category_create": Access(C.MANAGE_ORG),
    "resources:category_edit": Access(
        C.MANAGE_ORG,
        obj=lambda p: {"pk": _category(p).pk},
        note="only the municipality's own terms; the national lists are shared",
    ),
    "resources:synonyms": Access(C.VIEW_RESOURCES, note="adding one needs org.manage"),
    "resources:synonym_edit": Access(C.MANAGE_ORG, obj=lambda p: {"pk": _synonym(p).pk}),
    "resources:detail": Access(
        C.VIEW_RESOURCE_RECORDS,
        obj=lambda p: {"pk": _service(p).pk},
        variants=_resource_variants(lambda s: {"pk": s.pk}, public_page=False),
        note="the regional reader is sent to the public page, so a non-public one is 404",
    ),
    "resources:history": Access(
        C.VIEW_RESOURCE_RECORDS,
        obj=lambda p: {"pk": _service(p).pk},
        variants=_resource_variants(lambda s: {"pk": s.pk}, public_page=False),
    ),
    "resources:edit": Access(
        C.EDIT_RESOURCES,
        obj=lambda p: {"pk": _service(p).pk},
        area_bound=True,
        variants=_resource_variants(lambda s: {"pk": s.pk}, public_page=False),
    ),
    "resources:set_point": Access(
        C.EDIT_RESOURCES,
        obj=lambda p: Target(
            kwargs={"pk": _service(p).pk}, data={"latitude": "35.7", "longitude": "139.56"}
        ),
        area_bound=True,
    ),
    "resources:restore": Access(C.EDIT_RESOURCES, obj=_restore_target, area_bound=True),
    "resources:confirm": Access(
        C.EDIT_RESOURCES,
        obj=lambda p: {"pk": _service(p).pk},
        note="a visit by any coordinator of the municipality confirms the resource",
    ),
    "finder:index": Access(PUBLIC),
    "finder:search": Access(PUBLIC, obj=lambda p: {"code": p.municipality.code}),
    "finder:detail": Access(
        PUBLIC,
        obj=lambda p: {"code": p.municipality.code, "pk": _public_service(p).pk},
        note="public, consented, active services; internal fields are never shown",
        private_fields=True,
        variants=_resource_variants(
            lambda s: {"code": s.municipality.code, "pk": s.pk}, public_page=True
        ),
    ),
    "finder:brochure_index": Access(PUBLIC, obj=lambda p: {"code": p.municipality.code}),
    "finder:brochure": Access(
        PUBLIC, obj=lambda p: {"code": p.municipality.code, "area_id": p.area.pk}
    ),
}

API = {
    "GET /api/v1/resources": Access(C.VIEW_RESOURCES),
    "GET /api/v1/resources/categories": Access(C.VIEW_RESOURCES),
    "GET /api/v1/resources/{service_id}": Access(
        C.VIEW_RESOURCE_RECORDS,
        obj=lambda p: {"service_id": _service(p).pk},
        variants=_resource_variants(lambda s: {"service_id": s.pk}, public_page=False),
    ),
}
