"""Writes about the organisation: municipalities, areas, towns and support centres."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest
from django.utils import timezone

from sasaeai.audit.services import audit_record

from . import gazetteer
from .models import Area, Municipality, SupportCenter, Town, TownBlock
from .validators import validate_local_government_code


def municipality_create(*, code: str, name: str, name_kana: str = "") -> Municipality:
    municipality = Municipality(code=code, name=name, name_kana=name_kana)
    municipality.full_clean()
    municipality.save()
    return municipality


def area_save(*, area: Area) -> Area:
    area.full_clean()
    area.save()
    return area


@dataclass
class AreaTowns:
    """What saving an area's towns changed: towns added (with the area each came from, if
    any) and towns taken out (now without an area)."""

    added: list[Town]
    moved_from: dict[str, list[str]]
    removed: list[Town]


@transaction.atomic
def area_save_with_towns(
    *, area: Area, towns: Iterable[Town], request: HttpRequest | None = None
) -> AreaTowns:
    """Saves an area and makes it exactly the given towns: a town of another area moves here,
    a town left out loses its area (audited)."""
    towns = list(towns)
    creating = area.pk is None
    if any(t.municipality_id != area.municipality_id for t in towns):
        raise ValidationError({"towns": "ほかの市区町村の町は選べません。"})
    area_save(area=area)
    chosen = {t.pk for t in towns}
    removed = [t for t in area.towns.all() if t.pk not in chosen]
    added = [t for t in towns if t.area_id != area.pk]
    moved_from: dict[str, list[str]] = {}
    for town in added:
        if town.area_id is not None:
            moved_from.setdefault(town.area.name, []).append(town.name)
    now = timezone.now()
    Town.objects.filter(pk__in=[t.pk for t in removed]).update(area=None, updated_at=now)
    Town.objects.filter(pk__in=[t.pk for t in added]).update(area=area, updated_at=now)
    audit_record(
        action="create" if creating else "update",
        request=request,
        target=area,
        summary=f"圏域「{area.name}」を{'追加' if creating else '保存'}しました（町 {area.towns.count()}件）。",
    )
    return AreaTowns(added=added, moved_from=moved_from, removed=removed)


@transaction.atomic
def area_delete(*, area: Area, request: HttpRequest | None = None) -> None:
    """Deletes an area nothing depends on; its towns lose their area. An area that users are
    assigned to, or that records or support centres refer to, is kept (ValidationError)."""
    if area.users.exists():
        raise ValidationError(
            "この圏域を担当する利用者がいるため削除できません。先に担当を外してください。"
        )
    if area.support_centers.exists():
        raise ValidationError(
            "この圏域の支援センターがあるため削除できません。先に支援センターの担当圏域を変えてください。"
        )
    area.towns.update(area=None, updated_at=timezone.now())
    pk, name, municipality_id = area.pk, area.name, area.municipality_id
    try:
        with transaction.atomic():
            area.delete()
    except ProtectedError as exc:
        raise ValidationError(
            "この圏域には記録（社会資源・活動・ケースなど）があるため削除できません。"
        ) from exc
    audit_record(
        action="delete",
        request=request,
        target_type="org.area",
        target_id=pk,
        municipality_id=municipality_id,
        summary=f"圏域「{name}」を削除",
    )


def town_assign_area(*, town: Town, area: Area | None, request: HttpRequest | None = None) -> Town:
    if area is not None and area.municipality_id != town.municipality_id:
        raise ValidationError({"area": "ほかの市区町村の圏域には割り当てられません。"})
    town.area = area
    town.full_clean()
    town.save(update_fields=["area", "updated_at"])
    audit_record(
        action="update", request=request, target=town, summary=f"町「{town.name}」を保存しました。"
    )
    return town


def support_center_save(
    *, center: SupportCenter, request: HttpRequest | None = None
) -> SupportCenter:
    if center.area_id and center.area.municipality_id != center.municipality_id:
        raise ValidationError({"area": "ほかの市区町村の圏域は指定できません。"})
    creating = center.pk is None
    center.full_clean()
    center.save()
    audit_record(
        action="create" if creating else "update",
        request=request,
        target=center,
        summary=f"支援センター「{center.name}」を{'登録' if creating else '保存'}しました。",
    )
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


@dataclass
class TownLoad:
    """What loading towns from the gazetteer did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    blocks_created: int = 0
    blocks_updated: int = 0
    kept: int = 0  # towns in the database that the data does not have: left as they are

    @property
    def towns(self) -> int:
        return self.created + self.updated + self.unchanged


def municipality_entry_for_code(*, code: str) -> gazetteer.MunicipalityEntry:
    """The gazetteer's municipality for a 6-digit code, or a ValidationError saying in Japanese
    what is wrong (format, check digit, unknown code, a ward of a 政令指定都市)."""
    validate_local_government_code(code)
    entry = gazetteer.municipality_entry(code)
    if entry is None:
        raise ValidationError(
            f"全国地方公共団体コード「{code}」の市区町村は同梱の住所データにありません"
            "（合併などで新しくできた市区町村は、名前を指定すると町なしで登録できます）。",
            code="unknown",
        )
    if entry.is_ward:
        city = gazetteer.municipality_entry(entry.city)
        raise ValidationError(
            f"「{entry.full_name}」（{code}）は政令指定都市{city.name}の区です。"
            f"市のコード {city.code} で登録してください（各区の町を区名付きで読み込みます）。",
            code="ward",
        )
    return entry


@transaction.atomic
def municipality_create_from_code(*, code: str) -> tuple[Municipality, bool, TownLoad]:
    """Creates (or brings up to date) a municipality and its towns from the shipped gazetteer,
    from its 6-digit code alone. Running it again updates and never duplicates; areas given to
    towns, and towns the data does not have, are kept."""
    entry = municipality_entry_for_code(code=code)
    municipality = Municipality.objects.filter(code=code).first()
    created = municipality is None
    if created:
        municipality = municipality_create(code=code, name=entry.name, name_kana=entry.kana)
    elif (municipality.name, municipality.name_kana) != (entry.name, entry.kana):
        municipality.name, municipality.name_kana = entry.name, entry.kana
        municipality.full_clean()
        municipality.save()
    load = towns_load(municipality=municipality, towns=gazetteer.towns_of(code))
    return municipality, created, load


@transaction.atomic
def towns_load(*, municipality: Municipality, towns: Iterable[gazetteer.TownEntry]) -> TownLoad:
    """Creates or updates towns and their 丁目 in bulk (a 政令指定都市 has thousands). Points
    follow the data; a kana or postal code is only filled where empty; nothing the data lacks
    is erased, and a town's area is never touched."""
    load = TownLoad()
    now = timezone.now()
    towns = list(towns)
    existing = {t.name: t for t in Town.objects.filter(municipality=municipality)}
    to_create, to_update = [], []
    for entry in towns:
        town = existing.get(entry.name)
        if town is None:
            town = Town(
                municipality=municipality,
                name=entry.name,
                name_kana=entry.kana,
                postal_code=entry.postal_code,
                latitude=entry.latitude,
                longitude=entry.longitude,
            )
            town.clean_fields(exclude=["municipality", "area"])
            to_create.append(town)
            continue
        changed = False
        # Kana and postal code are filled only where empty: an administrator may have
        # corrected them (the town page edits them). Points come from the data only.
        for field, value in (("name_kana", entry.kana), ("postal_code", entry.postal_code)):
            if value and not getattr(town, field):
                setattr(town, field, value)
                changed = True
        if entry.latitude is not None and (town.latitude, town.longitude) != (
            entry.latitude,
            entry.longitude,
        ):
            town.latitude, town.longitude = entry.latitude, entry.longitude
            changed = True
        if changed:
            town.updated_at = now
            to_update.append(town)
        else:
            load.unchanged += 1
    Town.objects.bulk_create(to_create, batch_size=500)
    Town.objects.bulk_update(
        to_update,
        ["name_kana", "postal_code", "latitude", "longitude", "updated_at"],
        batch_size=500,
    )
    load.created, load.updated = len(to_create), len(to_update)
    names = {entry.name for entry in towns}
    load.kept = sum(1 for name in existing if name not in names)

    town_ids = dict(
        Town.objects.filter(municipality=municipality, name__in=names).values_list("name", "pk")
    )
    blocks = {
        (b.town_id, b.number): b for b in TownBlock.objects.filter(town_id__in=town_ids.values())
    }
    new_blocks, changed_blocks = [], []
    for entry in towns:
        for b in entry.blocks:
            block = blocks.get((town_ids[entry.name], b.number))
            if block is None:
                new_blocks.append(
                    TownBlock(
                        town_id=town_ids[entry.name],
                        number=b.number,
                        postal_code=b.postal_code,
                        latitude=b.latitude,
                        longitude=b.longitude,
                    )
                )
            elif (block.latitude, block.longitude) != (b.latitude, b.longitude) or (
                b.postal_code and block.postal_code != b.postal_code
            ):
                block.latitude, block.longitude = b.latitude, b.longitude
                block.postal_code = b.postal_code or block.postal_code
                changed_blocks.append(block)
    TownBlock.objects.bulk_create(new_blocks, batch_size=500)
    TownBlock.objects.bulk_update(
        changed_blocks, ["latitude", "longitude", "postal_code"], batch_size=500
    )
    load.blocks_created, load.blocks_updated = len(new_blocks), len(changed_blocks)
    return load
