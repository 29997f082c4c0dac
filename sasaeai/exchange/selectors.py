"""Reads of the exchange app: a person's own import batches (never anybody else's), and the
resources an export covers."""

from django.db.models import Max, QuerySet

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.resources import selectors as resources
from sasaeai.resources.models import Service
from sasaeai.resources.selectors import ServiceFilters

from .models import ImportBatch, ImportTrace


def batch_list_for(*, user: User) -> QuerySet[ImportBatch]:
    """The batches this person uploaded (others' are never listed, even to administrators:
    a batch holds a whole file's rows)."""
    return (
        ImportBatch.objects.filter(user=user, municipality_id=user.municipality_id)
        .defer("rows", "records", "preview", "result", "headers", "sheets", "mapping")
        .order_by("-created_at")
    )


def batch_get_for(*, user: User, token: str) -> ImportBatch:
    """One of the person's batches by its token; 404 for any other token."""
    return policy.get_in_scope(
        ImportBatch.objects.filter(user=user, municipality_id=user.municipality_id), token
    )


def export_services(*, user: User, filters: ServiceFilters) -> list[Service]:
    """The resources a search with these filters finds (resources' own search), with what an
    export shows, in the search's order."""
    result = resources.service_search(user=user, filters=filters)
    found = resources.with_display_relations(result.queryset).select_related(
        "organization__operator_type", "location__place_type", "location__town_block"
    )
    return list(found)


def public_services(*, user: User) -> QuerySet[Service]:
    """The resources residents may see in the user's municipality (public, consented,
    active), for HSDS and open-data exports."""
    if not policy.has(user, policy.Capability.VIEW_RESOURCES) or user.municipality_id is None:
        return Service.objects.none()
    return (
        resources.with_display_relations(
            resources.service_public_queryset(municipality=user.municipality)
        )
        .select_related("location__town_block", "location__area")
        .order_by("pk")
    )


def export_count(*, user: User, filters: ServiceFilters) -> int:
    """How many resources an export with these filters holds."""
    return resources.service_search(user=user, filters=filters).queryset.count()


def services_by_ids(*, user: User, ids: list[int]) -> list[Service]:
    """The resources among `ids` the user may read, in the given order (the import summary)."""
    if not ids:
        return []
    found = resources.service_list_visible_to(user=user).filter(pk__in=ids).only("pk", "name")
    by_id = {s.pk: s for s in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def import_batch_names(*, user: User) -> list[str]:
    """The files resources of the user's municipality were last imported from, newest first
    (the bulk publication page's filter)."""
    rows = (
        ImportTrace.objects.filter(service__municipality_id=user.municipality_id)
        .exclude(batch_source="")
        .values("batch_source")
        .annotate(last=Max("updated_at"))
        .order_by("-last")[:50]
    )
    return [row["batch_source"] for row in rows]
