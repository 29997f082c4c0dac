"""Demo resources for Musashino: the places of `data/demo_places.toml` (every place the seed
document names, plus invented but plausible ones; the file says which is which) loaded as
services through the resources services. Loading twice changes nothing (keyed by external id
"demo:<key>")."""

import datetime as dt
import hashlib
import tomllib
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.org.models import Municipality, Town

from . import services
from .models import Category, Organization, Service, Source, TargetGroup, VerificationPolicy
from .schedules import schedule_parse_japanese

DATA_FILE = Path(__file__).parent / "data" / "demo_places.toml"
INVENTED = Source.DEMO_INVENTED

# The keys a place may have (data/demo_places.toml explains each).
REQUIRED_KEYS = {"key", "name", "source"}
OPTIONAL_KEYS = set(
    [
        "kana",
        "town",
        "block",
        "place",
        "cats",
        "targets",
        "schedules",
        "valid_this_fiscal_year",
        "fee",
        "fees",
        "apply",
        "apply_note",
        "volunteers",
        "capacity",
        "description",
        "source_note",
        "org",
        "op",
        "place_type",
        "private",
        "public",
        "status",
        "contact_public",
        "confirmed",
    ]
)


def read_places(path: Path = DATA_FILE) -> list[dict]:
    """The places of the data file, in order; a misspelt or missing key is an error, not a
    place quietly loaded without it."""
    with path.open("rb") as file:
        places = tomllib.load(file)["places"]
    sources = set(Source.values)
    seen: set[str] = set()
    for number, place in enumerate(places, start=1):
        name = f"{path.name}: place {number} ({place.get('key', '?')})"
        if missing := REQUIRED_KEYS - place.keys():
            raise ValueError(f"{name} lacks {', '.join(sorted(missing))}")
        if unknown := place.keys() - REQUIRED_KEYS - OPTIONAL_KEYS:
            raise ValueError(f"{name} has unknown keys {', '.join(sorted(unknown))}")
        if place["source"] not in sources:
            raise ValueError(f"{name} has the unknown source {place['source']!r}")
        if place["key"] in seen:
            raise ValueError(f"{name} repeats a key")
        seen.add(place["key"])
    return places


def _jitter(key: str) -> tuple[Decimal, Decimal]:
    """A small fixed offset (under ~150 m) so invented places do not stack on one point."""
    digest = hashlib.sha256(key.encode()).digest()
    dlat = (digest[0] - 128) / 128 * 0.0012
    dlon = (digest[1] - 128) / 128 * 0.0015
    return Decimal(str(round(dlat, 6))), Decimal(str(round(dlon, 6)))


def _fiscal_year_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    start_year = today.year if today.month >= 4 else today.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def load(municipality: Municipality) -> None:
    writer = User.objects.get(username="tier1", municipality=municipality)
    # The residents' page names the service for residents (issue #24); verification lasts a
    # year and nothing is hidden automatically until the municipality decides so.
    VerificationPolicy.objects.get_or_create(
        municipality=municipality,
        defaults={"finder_title": f"{municipality.name} 地域の通いの場・サロンさがし"},
    )
    tier2_by_area = {
        area_id: user
        for user in User.objects.filter(municipality=municipality, role="tier2").prefetch_related(
            "areas"
        )
        for area_id in user.areas.values_list("id", flat=True)
    }
    categories = {c.code: c for c in Category.objects.all()}
    targets = {t.code: t for t in TargetGroup.objects.all()}
    towns = {t.name: t for t in Town.objects.filter(municipality=municipality)}
    existing = set(
        Service.objects.filter(
            municipality=municipality, external_id__startswith="demo:"
        ).values_list("external_id", flat=True)
    )
    today = timezone.localdate()
    for index, place in enumerate(read_places(), start=1):
        external_id = f"demo:{place['key']}"
        if external_id in existing:
            continue
        _load_place(
            municipality=municipality,
            place=place,
            index=index,
            external_id=external_id,
            writer=writer,
            tier2_by_area=tier2_by_area,
            categories=categories,
            targets=targets,
            towns=towns,
            today=today,
        )


def _load_place(
    *,
    municipality,
    place,
    index,
    external_id,
    writer,
    tier2_by_area,
    categories,
    targets,
    towns,
    today,
) -> None:
    organization = None
    if place.get("org"):
        organization = Organization.objects.filter(
            municipality=municipality, name=place["org"]
        ).first() or services.organization_save(
            user=writer,
            fields={
                "name": place["org"],
                "operator_type": categories.get(place.get("op", "")),
                "source": place["source"],
                "description": "デモ用の団体です。",
            },
        )
    location = None
    town = towns.get(place["town"]) if place.get("town") else None
    if town is not None:
        block = place.get("block")
        address = f"東京都武蔵野市{town.name}{block}丁目" if block else f"東京都武蔵野市{town.name}"
        exact = place["source"] == INVENTED and not place.get("private")
        latitude = longitude = None
        if exact:
            point = town.blocks.filter(number=block).first() if block else None
            base = (point.latitude, point.longitude) if point else (town.latitude, town.longitude)
            dlat, dlon = _jitter(place["key"])
            latitude, longitude = base[0] + dlat, base[1] + dlon
        location = services.location_save(
            user=writer,
            municipality=municipality,
            name=place.get("place", ""),
            address=address,
            town=town,
            latitude=latitude,
            longitude=longitude,
            is_approximate=not exact,
            is_private_home=bool(place.get("private")),
            place_type=categories.get(place.get("place_type", "")),
            organization=organization,
        )
    schedules = []
    for phrase in place.get("schedules", []):
        values = schedule_parse_japanese(phrase)
        if place.get("valid_this_fiscal_year"):
            values["valid_from"], values["valid_to"] = _fiscal_year_bounds(today)
        schedules.append(values)
    fee = place.get("fee")
    public = place.get("public", True) and place.get("status", "active") == "active"
    number = f"{index:04d}"
    fields = {
        "name": place["name"],
        "name_kana": place.get("kana", ""),
        "description": place.get("description", ""),
        "status": place.get("status", Service.Status.ACTIVE),
        "is_public": public,
        "publication_consent": public,
        "is_free": None if fee is None else fee == 0,
        "fee_amount": fee or None,
        "fees_description": place.get("fees", ""),
        "capacity": place.get("capacity"),
        "application_required": place.get("apply"),
        "application_process": place.get("apply_note", ""),
        "welcomes_volunteers": bool(place.get("volunteers")),
        "volunteer_roles": place.get("volunteers", ""),
        "has_seating": True if place.get("place_type") in ("place-hall", "place-care") else None,
        "step_free": True if place.get("place_type") == "place-care" else None,
        "contact_name": "世話人（デモ）",
        "contact_phone": f"0422-00-{number}",
        "contact_is_public": bool(place.get("contact_public")),
        "source": place["source"],
        "source_note": place.get("source_note", ""),
        "external_id": external_id,
        "organization": organization,
    }
    service = services.service_create(
        user=writer,
        municipality=municipality,
        fields=fields,
        location=location,
        categories=[categories[c] for c in place.get("cats", [])],
        target_groups=[targets[t] for t in place.get("targets", [])],
        schedules=schedules,
    )
    days = place.get("confirmed")
    if days is not None:
        confirmer = tier2_by_area.get(service.area_id, writer)
        services.service_confirm(
            service=service, user=confirmer, when=today - dt.timedelta(days=days)
        )
