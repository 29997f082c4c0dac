"""Which columns of an import go where: the resource's own text fields, yes/no fields, the
place's and the organisation's keys, and the keys that are only checked."""

from sasaeai.resources.models import Schedule

# Service fields written from a text column of the same name.
TEXT_FIELDS = (
    "name",
    "name_kana",
    "alternate_name",
    "description",
    "eligibility_note",
    "fees_description",
    "application_process",
    "contact_name",
    "volunteer_roles",
    "accessibility_note",
    "internal_note",
    "source_note",
    "external_id",
)
MULTILINE_FIELDS = {"description", "internal_note", "volunteer_roles"}
BOOLEAN_FIELDS = (
    "is_private_home",
    "contact_is_public",
    "welcomes_volunteers",
    "step_free",
    "accessible_toilet",
    "has_seating",
    "publication_consent",
    "is_public",
)
# Boolean service fields that cannot be unknown: an empty cell means "not given".
NOT_NULL_BOOLEANS = {"contact_is_public", "welcomes_volunteers", "publication_consent", "is_public"}
LOCATION_KEYS = (
    "location_name",
    "address",
    "address_2",
    "postal_code",
    "town",
    "latitude",
    "longitude",
    "is_private_home",
    "place_type",
)
ORGANIZATION_KEYS = ("organization", "operator_type", "corporate_number")
# Keys whose value is only checked, never stored.
CHECK_ONLY_KEYS = ("area", "municipality_code")
SERVICE_DIRECT = (
    *TEXT_FIELDS,
    "status",
    "direction",
    "contact_phone",
    "fax",
    "contact_email",
    "url",
    "capacity",
    "application_required",
    "confirmed_at",
    "contact_is_public",
    "welcomes_volunteers",
    "step_free",
    "accessible_toilet",
    "has_seating",
    "publication_consent",
    "is_public",
)

# The fields of a schedule as the import reads and compares them.
SCHEDULE_KEYS = Schedule.RULE_FIELDS
