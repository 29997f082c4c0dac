"""The stable ids of records in exports (HSDS needs UUIDs), which a later import of the same file
recognises."""

import uuid

from sasaeai.resources.models import Service

# The namespace of the ids this installation gives its resources in exports (HSDS ids are UUIDs).
EXPORT_NAMESPACE = uuid.UUID("6f1d8a52-3a0e-5c8e-9a47-5a5a5e0a1c39")


def export_id(*, municipality_code: str, kind: str, pk: int) -> str:
    """The stable id of a record in exports: a UUID derived from the municipality and the pk."""
    return str(uuid.uuid5(EXPORT_NAMESPACE, f"sasaeai:{municipality_code}:{kind}:{pk}"))


def service_export_id(service: Service, municipality_code: str) -> str:
    return service.external_id or export_id(
        municipality_code=municipality_code, kind="service", pk=service.pk
    )


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def service_hsds_id(service: Service, municipality_code: str) -> str:
    """The service's id in HSDS, which must be a UUID: its export id, or a UUID derived from
    an external id that is not one (the importer knows both)."""
    value = service_export_id(service, municipality_code)
    if is_uuid(value):
        return value
    return export_id(municipality_code=municipality_code, kind="external", pk=value)  # type: ignore[arg-type]
