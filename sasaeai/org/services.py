"""Writes about the organisation: municipalities, areas, towns and support centres."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Area, Municipality, SupportCenter, Town, TownBlock


def municipality_create(*, code: str, name: str, name_kana: str = "") -> Municipality:
    municipality = Municipality(code=code, name=name, name_kana=name_kana)
    municipality.full_clean()
    municipality.save()
    return municipality


def area_save(*, area: Area) -> Area:
    area.full_clean()
    area.save()
    return area


def town_assign_area(*, town: Town, area: Area | None) -> Town:
    if area is not None and area.municipality_id != town.municipality_id:
        raise ValidationError({"area": "ほかの市区町村の圏域には割り当てられません。"})
    town.area = area
    town.full_clean()
    town.save(update_fields=["area", "updated_at"])
    return town


def support_center_save(*, center: SupportCenter) -> SupportCenter:
    if center.area_id and center.area.municipality_id != center.municipality_id:
        raise ValidationError({"area": "ほかの市区町村の圏域は指定できません。"})
    center.full_clean()
    center.save()
    return center


@transaction.atomic
def town_upsert(
    *,
    municipality: Municipality,
    name: str,
    name_kana: str = "",
    area: Area | None = None,
    postal_code: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Town:
    town, _ = Town.objects.get_or_create(municipality=municipality, name=name)
    town.name_kana = name_kana or town.name_kana
    town.area = area if area is not None else town.area
    town.postal_code = postal_code or town.postal_code
    town.latitude = latitude if latitude is not None else town.latitude
    town.longitude = longitude if longitude is not None else town.longitude
    town.full_clean()
    town.save()
    return town


def town_block_upsert(
    *, town: Town, number: int, latitude: Decimal, longitude: Decimal, postal_code: str = ""
) -> TownBlock:
    block, _ = TownBlock.objects.update_or_create(
        town=town,
        number=number,
        defaults={"latitude": latitude, "longitude": longitude, "postal_code": postal_code},
    )
    return block
