"""The public face of a service: exactly the fields a resident may see, in plain words.

Everything the finder pages and the brochure show comes through `public_service`, so internal
fields (staff notes, source, confirmation, non-public contacts, a private home's address and
exact point) cannot reach them by accident."""

from dataclasses import dataclass, field

from .models import Service
from .schedules import schedule_text


@dataclass(frozen=True)
class PublicService:
    id: int
    name: str
    name_kana: str
    description: str
    organization: str
    categories: list[str]
    targets: list[str]
    schedules: list[str]
    place: str
    town: str
    area: str
    is_private_home: bool
    fee: str
    capacity: str
    application: str
    accessibility: list[str]
    volunteers: str
    contact_name: str
    contact_phone: str
    url: str
    eligibility_note: str = ""
    latitude: float | None = None
    longitude: float | None = None
    point_precision: str = ""
    extra: dict = field(default_factory=dict)


def _fee(service: Service) -> str:
    if service.is_free is True:
        return "無料"
    if service.is_free is False:
        details = [f"1回{service.fee_amount:,}円"] if service.fee_amount else []
        if service.fees_description:
            details.append(service.fees_description)
        return "有料（" + "、".join(details) + "）" if details else "有料"
    return service.fees_description or "お問い合わせください"


def _application(service: Service) -> str:
    if service.application_required is True:
        text = "事前の申し込みが必要です"
        return text + (f"（{service.application_process}）" if service.application_process else "")
    if service.application_required is False:
        return "申し込みは不要です。当日そのまま参加できます"
    return service.application_process or "お問い合わせください"


def _accessibility(service: Service) -> list[str]:
    items = []
    labels = [
        ("step_free", "段差がありません", "段差があります"),
        ("accessible_toilet", "多目的トイレがあります", "多目的トイレはありません"),
        ("has_seating", "椅子に座って参加できます", "椅子席はありません"),
    ]
    for attribute, yes, no in labels:
        value = getattr(service, attribute)
        if value is True:
            items.append(yes)
        elif value is False:
            items.append(no)
    if service.accessibility_note:
        items.append(service.accessibility_note)
    return items


def public_service(
    service: Service, *, area_points: dict[int, tuple[float, float]] | None = None
) -> PublicService:
    """Expects a service loaded with selectors.with_display_relations."""
    location = service.location
    private = bool(location and location.is_private_home)
    town = service.town.name if service.town_id else ""
    if location is None:
        place = town
    elif private:
        place = f"{town}（個人のお宅のため、詳しい場所はお問い合わせください）" if town else ""
    else:
        place = " ".join(p for p in [location.name, location.address, location.address_2] if p)
    latitude = longitude = None
    precision = ""
    if private:
        point = (area_points or {}).get(service.area_id)
        if point:
            latitude, longitude, precision = point[0], point[1], "area"
    elif location is not None and location.latitude is not None:
        latitude, longitude = float(location.latitude), float(location.longitude)
        precision = "town" if location.is_approximate else "exact"
    volunteers = ""
    if service.welcomes_volunteers:
        volunteers = "ボランティアを募集しています" + (
            f"（{service.volunteer_roles}）" if service.volunteer_roles else ""
        )
    return PublicService(
        id=service.pk,
        name=service.name,
        name_kana=service.name_kana,
        description=service.description,
        organization=service.organization.name if service.organization_id else "",
        categories=[c.name for c in service.categories.all()],
        targets=[t.public_label or t.name for t in service.target_groups.all()],
        schedules=[schedule_text(s, with_note=True) for s in service.schedules.all()],
        place=place,
        town=town,
        area=service.area.name if service.area_id else "",
        is_private_home=private,
        fee=_fee(service),
        capacity=f"{service.capacity}人" if service.capacity else "",
        application=_application(service),
        accessibility=_accessibility(service),
        volunteers=volunteers,
        contact_name=service.contact_name if service.contact_is_public else "",
        contact_phone=service.contact_phone if service.contact_is_public else "",
        url=service.url,
        eligibility_note=service.eligibility_note,
        latitude=latitude,
        longitude=longitude,
        point_precision=precision,
    )
