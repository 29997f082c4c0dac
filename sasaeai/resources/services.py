"""Writes to the social resource database: services with their location and schedules,
organisations, confirmations (a visit confirms a resource), restoring an earlier version."""

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.http import HttpRequest
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.audit.services import audit_record
from sasaeai.org.models import Municipality, Town
from sasaeai.org.selectors import address_resolve

from .models import (
    Category,
    Location,
    Organization,
    Schedule,
    Service,
    Synonym,
    TargetGroup,
    VerificationPolicy,
)
from .search import facts_deferred, facts_written, service_document, services_facts

SERVICE_FIELDS = [
    "name",
    "name_kana",
    "alternate_name",
    "description",
    "status",
    "is_public",
    "publication_consent",
    "eligibility_note",
    "direction",
    "welcomes_volunteers",
    "volunteer_roles",
    "is_free",
    "fee_amount",
    "fees_description",
    "capacity",
    "application_required",
    "application_process",
    "step_free",
    "accessible_toilet",
    "has_seating",
    "accessibility_note",
    "contact_name",
    "contact_phone",
    "fax",
    "contact_email",
    "contact_is_public",
    "url",
    "internal_note",
    "source",
    "source_note",
    "external_id",
    "organization",
]
SCHEDULE_FIELDS = list(Schedule.RULE_FIELDS)


def _require_write(*, user: User, municipality_id: int, area_id: int | None) -> None:
    policy.require(user, Capability.EDIT_RESOURCES)
    if not policy.can_write_area(user, area_id, municipality_id):
        if user.role == "tier2":
            raise PermissionDenied("担当圏域の外の社会資源は登録・変更できません。")
        raise PermissionDenied("この社会資源を変更する権限がありません。")


# --- search columns -------------------------------------------------------------------------


def service_reindex(*, service: Service) -> None:
    """Refreshes the stored search columns of one service: the folded text and readings, and
    the filter facts (categories, target groups, schedules…). Call after its categories, target
    groups and schedules are saved."""
    columns = service_document(service).columns()
    columns["search_facts"] = services_facts([service.pk])[service.pk]
    Service.objects.filter(pk=service.pk).update(**columns)
    facts_written([service.pk])
    for column, value in columns.items():
        setattr(service, column, value)


def services_reindex(*, services: Iterable[Service]) -> int:
    count = 0
    for service in services:
        service_reindex(service=service)
        count += 1
    return count


# --- locations --------------------------------------------------------------------------------


def location_save(
    *,
    user: User,
    municipality: Municipality,
    location: Location | None = None,
    name: str = "",
    address: str = "",
    address_2: str = "",
    postal_code: str | None = None,
    town: Town | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_approximate: bool = True,
    is_private_home: bool = False,
    place_type: Category | None = None,
    organization: Organization | None = None,
    request: HttpRequest | None = None,
) -> Location:
    """Creates or changes a location (audited). The town comes from the address when not chosen
    (「吉祥寺北町２丁目３－４」 and 「吉祥寺北町2-3-4」 resolve alike); an approximate position is
    the 丁目's or town's representative point, an exact one is what the coordinator set."""
    location = location or Location(municipality=municipality)
    location.name = name
    location.address = address
    location.address_2 = address_2
    if postal_code is not None:  # None: keep what is stored
        location.postal_code = postal_code
    location.is_private_home = is_private_home
    location.place_type = place_type
    location.organization = organization
    resolved = address_resolve(municipality=municipality, address=address) if address else None
    if town is None and resolved is not None:
        town = resolved.town
    location.town = town
    location.town_block = (
        resolved.block
        if resolved is not None and town is not None and resolved.town == town
        else None
    )
    location.is_approximate = is_approximate or latitude is None or longitude is None
    if location.is_approximate:
        point = None
        if location.town_block is not None:
            point = (location.town_block.latitude, location.town_block.longitude)
        elif town is not None and town.latitude is not None:
            point = (town.latitude, town.longitude)
        location.latitude, location.longitude = point if point else (None, None)
    else:
        location.latitude, location.longitude = latitude, longitude
    area_id = town.area_id if town is not None else None
    _require_write(user=user, municipality_id=municipality.pk, area_id=area_id)
    creating = location.pk is None
    location.full_clean()
    location.save()
    for service in location.services.all():
        _derive_place(service)
        Service.objects.filter(pk=service.pk).update(town=service.town, area=service.area)
        service_reindex(service=service)
    audit_record(
        action="create" if creating else "update",
        request=request,
        user=user,
        target=location,
        summary="場所を登録" if creating else "場所を変更",
    )
    return location


def _derive_place(service: Service) -> None:
    location = service.location
    service.town_id = location.town_id if location is not None else None
    service.area_id = location.area_id if location is not None else None


# --- services ---------------------------------------------------------------------------------


def _check_categories(categories: Iterable[Category], municipality_id: int) -> list[Category]:
    categories = list(categories)
    for category in categories:
        if (
            category.axis != Category.Axis.ACTIVITY
            or not category.is_active
            or category.municipality_id not in (None, municipality_id)
        ):
            raise ValidationError(
                {"categories": f"「{category.name}」は活動の種類として使える分類ではありません。"}
            )
    return categories


def _save_schedules(*, service: Service, schedules: list[dict]) -> None:
    """Replaces the service's schedules by these (entries with an `id` update that one)."""
    existing = {s.pk: s for s in service.schedules.all()}
    keep: set[int] = set()
    errors = []
    prepared = []
    for index, values in enumerate(schedules):
        schedule = existing.get(values.get("id")) or Schedule(service=service)
        for field in SCHEDULE_FIELDS:
            if field in values:
                setattr(schedule, field, values[field])
        schedule.byday = (schedule.byday or "").upper().replace(" ", "")
        schedule.bymonthday = (schedule.bymonthday or "").replace(" ", "")
        try:
            schedule.full_clean(exclude=["service"])
        except ValidationError as exc:
            errors.append((index, exc))
        prepared.append(schedule)
    if errors:
        index, exc = errors[0]
        messages = "; ".join(m for ms in exc.message_dict.values() for m in ms)
        raise ValidationError({"schedules": f"開催日時{index + 1}行目: {messages}"})
    for schedule in prepared:
        schedule.service = service
        schedule.save()
        keep.add(schedule.pk)
    for pk, schedule in existing.items():
        if pk not in keep:
            schedule.delete()


@transaction.atomic
def service_create(
    *,
    user: User,
    fields: dict,
    location: Location | None = None,
    categories: Iterable[Category] = (),
    target_groups: Iterable[TargetGroup] = (),
    schedules: list[dict] | None = None,
    municipality: Municipality | None = None,
    request: HttpRequest | None = None,
) -> Service:
    """Registers a service in the user's municipality. Tier 2 may register only in its areas."""
    municipality = municipality or user.municipality
    service = Service(municipality=municipality)
    return _service_write(
        request=request,
        user=user,
        service=service,
        fields=fields,
        location=location,
        categories=categories,
        target_groups=target_groups,
        schedules=schedules,
        reason="作成",
    )


@transaction.atomic
def service_update(
    *,
    user: User,
    service: Service,
    fields: dict,
    location: Location | None = None,
    categories: Iterable[Category] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    schedules: list[dict] | None = None,
    request: HttpRequest | None = None,
) -> Service:
    """Changes a service. Both its old area and its new one must be writable by the user."""
    _require_write(user=user, municipality_id=service.municipality_id, area_id=service.area_id)
    return _service_write(
        request=request,
        user=user,
        service=service,
        fields=fields,
        location=location if location is not None else service.location,
        categories=categories,
        target_groups=target_groups,
        schedules=schedules,
        reason="変更",
    )


def _service_write(
    *,
    user: User,
    service: Service,
    fields: dict,
    location: Location | None,
    categories: Iterable[Category] | None,
    target_groups: Iterable[TargetGroup] | None,
    schedules: list[dict] | None,
    reason: str,
    request: HttpRequest | None = None,
) -> Service:
    for field, value in fields.items():
        if field not in SERVICE_FIELDS:
            raise ValueError(f"unknown service field {field}")
        setattr(service, field, value)
    service.location = location
    _derive_place(service)
    _require_write(user=user, municipality_id=service.municipality_id, area_id=service.area_id)
    if categories is not None:
        categories = _check_categories(categories, service.municipality_id)
    service.full_clean(exclude=list(Service.SEARCH_COLUMNS))
    is_new = service.pk is None
    # The facts are refreshed once, after every part is written (search.facts_deferred).
    with facts_deferred():
        # One history version per edit, taken after the categories are set (not one per change).
        service.skip_history_when_saving = True
        try:
            service.save()
            if categories is not None:
                service.categories.set(categories)
            if target_groups is not None:
                service.target_groups.set(list(target_groups))
        finally:
            del service.skip_history_when_saving
        if schedules is not None:
            _save_schedules(service=service, schedules=schedules)
        _record_version(service, user=user, created=is_new, reason=reason)
        service_reindex(service=service)
    audit_record(
        action="create" if is_new else "update",
        request=request,
        user=user,
        target=service,
        summary="社会資源を登録" if is_new else "社会資源を変更",
    )
    return service


def _record_version(service: Service, *, user: User, created: bool, reason: str) -> None:
    """Takes the history snapshot (fields and categories) of a service as it now stands."""
    service._change_reason = reason
    service._history_user = user
    post_save.send(sender=Service, instance=service, created=created, raw=False, using="default")


@transaction.atomic
def service_confirm(
    *,
    service: Service,
    user: User,
    when: dt.date | dt.datetime | None = None,
    via: str = Service.ConfirmedVia.VISIT,
    request: HttpRequest | None = None,
) -> Service:
    """Records that the resource was seen as it is: a verification, with its date, who made it
    and how (`via`: a visit, which activities record, or a staff check by phone or review). A
    date older than the one already recorded changes nothing."""
    policy.require(user, Capability.VIEW_RESOURCES)
    if service.municipality_id not in policy.municipality_ids(user) or (
        not policy.can_write_municipality(user, service.municipality_id)
    ):
        raise PermissionDenied("ほかの市区町村の社会資源は確認できません。")
    return _confirm(service=service, user=user, when=when, via=via, request=request)


def service_confirm_by_organiser(
    *, service: Service, when: dt.date | None = None, request: HttpRequest | None = None
) -> Service:
    """The organiser confirmed through their update link that the listing is right (the caller
    has checked the link): a verification with no staff member behind it."""
    return _confirm(
        service=service, user=None, when=when, via=Service.ConfirmedVia.ORGANISER, request=request
    )


def _confirm(
    *,
    service: Service,
    user: User | None,
    when: dt.date | dt.datetime | None,
    via: str,
    request: HttpRequest | None,
) -> Service:
    if via not in Service.ConfirmedVia.values:
        raise ValueError(f"unknown confirmation {via}")
    if when is None:
        when = timezone.localdate()
    if isinstance(when, dt.datetime):
        when = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    if service.confirmed_at is not None and service.confirmed_at >= when:
        return service
    service.confirmed_at = when
    service.confirmed_by = user
    service.confirmed_via = via
    label = Service.ConfirmedVia(via).label
    service._change_reason = f"現況を確認（{label}）"
    service._history_user = user
    service.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_via", "updated_at"])
    audit_record(
        action="update",
        request=request,
        user=user,
        target=service,
        summary=f"現況を確認（{label}）",
    )
    return service


# --- publication, many at once ------------------------------------------------------------------


PUBLICATION_ACTIONS = {
    "publish": "公開する",
    "hide": "公開しない",
    "consent": "掲載の同意ありにする",
    "consent_publish": "掲載の同意ありにして公開する",
}


@dataclass
class PublicationResult:
    changed: list[Service] = dataclasses.field(default_factory=list)
    unchanged: list[Service] = dataclasses.field(default_factory=list)
    skipped: list[tuple[Service, str]] = dataclasses.field(default_factory=list)  # (service, why)


@transaction.atomic
def services_set_publication(
    *,
    user: User,
    service_ids: Iterable[int],
    action: str,
    request: HttpRequest | None = None,
) -> PublicationResult:
    """Publishes, hides or records consent for many resources at once. A resource is published
    only with its organiser's consent (「掲載の同意ありにして公開する」 records both); a tier-2
    coordinator changes only the resources of its areas. Each change is kept in the resource's
    history and the audit log."""
    if action not in PUBLICATION_ACTIONS:
        raise ValidationError("操作を選んでください。")
    policy.require(user, Capability.EDIT_RESOURCES)
    result = PublicationResult()
    found = (
        Service.objects.filter(pk__in=list(service_ids), municipality_id=user.municipality_id)
        .select_for_update()
        .order_by("pk")
    )
    for service in found:
        if not policy.can_write_area(user, service.area_id, service.municipality_id):
            result.skipped.append((service, "担当圏域の外の社会資源です"))
            continue
        before = (service.is_public, service.publication_consent)
        if action in ("consent", "consent_publish"):
            service.publication_consent = True
        if action in ("publish", "consent_publish"):
            if not service.publication_consent:
                result.skipped.append((service, "掲載の同意がないため公開できません"))
                continue
            service.is_public = True
        if action == "hide":
            service.is_public = False
        if (service.is_public, service.publication_consent) == before:
            result.unchanged.append(service)
            continue
        label = PUBLICATION_ACTIONS[action]
        service._change_reason = f"まとめて{label}"
        service._history_user = user
        service.save(update_fields=["is_public", "publication_consent", "updated_at"])
        service_reindex(service=service)  # the public search document follows publication
        audit_record(
            action="update",
            request=request,
            user=user,
            target=service,
            summary=f"公開の状態をまとめて変更: {label}",
        )
        result.changed.append(service)
    return result


@transaction.atomic
def service_restore(
    *, user: User, service: Service, history_id: int, request: HttpRequest | None = None
) -> Service:
    """Restores the fields, categories and target groups of an earlier version (a new version
    is recorded; nothing is lost). Schedules and the location keep their current state."""
    _require_write(user=user, municipality_id=service.municipality_id, area_id=service.area_id)
    try:
        version = service.history.get(history_id=history_id)
    except (service.history.model.DoesNotExist, ValueError, TypeError) as exc:
        raise ValidationError("指定の版が見つかりません。") from exc
    restored = version.instance
    location = restored.location if restored.location_id else None
    if location is not None and location.municipality_id != service.municipality_id:
        location = None
    area_id = location.area_id if location is not None else None
    _require_write(user=user, municipality_id=service.municipality_id, area_id=area_id)
    for field in SERVICE_FIELDS:
        setattr(service, field, getattr(restored, field))
    service.location = location
    _derive_place(service)
    service.full_clean(exclude=list(Service.SEARCH_COLUMNS))
    service.skip_history_when_saving = True
    try:
        service.save()
        service.categories.set(
            Category.objects.filter(pk__in=version.categories.values_list("category_id", flat=True))
        )
        service.target_groups.set(
            TargetGroup.objects.filter(
                pk__in=version.target_groups.values_list("targetgroup_id", flat=True)
            )
        )
    finally:
        del service.skip_history_when_saving
    _record_version(
        service,
        user=user,
        created=False,
        reason=f"{timezone.localtime(version.history_date):%Y-%m-%d %H:%M}の版を復元",
    )
    service_reindex(service=service)
    audit_record(
        action="update", request=request, user=user, target=service, summary="以前の版を復元"
    )
    return service


@transaction.atomic
def organization_save(
    *,
    user: User,
    organization: Organization | None = None,
    fields: dict,
    request: HttpRequest | None = None,
) -> Organization:
    policy.require(user, Capability.EDIT_RESOURCES)
    organization = organization or Organization(municipality=user.municipality)
    if not policy.can_write_municipality(user, organization.municipality_id):
        raise PermissionDenied("この団体を変更する権限がありません。")
    for field, value in fields.items():
        setattr(organization, field, value)
    creating = organization.pk is None
    organization.full_clean()
    organization.save()
    for service in organization.services.all():
        service_reindex(service=service)
    audit_record(
        action="create" if creating else "update",
        request=request,
        user=user,
        target=organization,
        summary="団体を登録" if creating else "団体を変更",
    )
    return organization


# --- the municipality's own terms (administrators) ---------------------------------------------


def synonym_save(*, user: User, synonym: Synonym, request: HttpRequest | None = None) -> Synonym:
    """Adds or changes a search synonym of the administrator's municipality (shared entries are
    changed in the Django admin)."""
    policy.require(user, Capability.MANAGE_ORG)
    creating = synonym.pk is None
    if creating:
        synonym.municipality = user.municipality
    elif synonym.municipality_id != user.municipality_id:
        raise PermissionDenied("全国共通の同義語はここでは変更できません。")
    synonym.full_clean()
    synonym.save()
    audit_record(
        action="create" if creating else "update",
        request=request,
        user=user,
        target=synonym,
        summary="同義語を追加" if creating else "同義語を変更",
    )
    return synonym


@transaction.atomic
def category_save(
    *, user: User, category: Category, request: HttpRequest | None = None
) -> Category:
    """Adds or changes a category of the administrator's municipality; the services filed
    under a changed one are re-indexed (their search text holds its name)."""
    policy.require(user, Capability.MANAGE_ORG)
    creating = category.pk is None
    if creating:
        category.municipality = user.municipality
    elif category.municipality_id != user.municipality_id:
        raise PermissionDenied("全国共通の分類はここでは変更できません。")
    category.full_clean()
    category.save()
    if not creating:
        services_reindex(services=category.services.all())
    audit_record(
        action="create" if creating else "update",
        request=request,
        user=user,
        target=category,
        summary="分類を追加" if creating else "分類を変更",
    )
    return category


def verification_policy_save(
    *, user: User, policy_row: VerificationPolicy, request: HttpRequest | None = None
) -> VerificationPolicy:
    """Saves the administrator's municipality's verification and residents' page settings."""
    policy.require(user, Capability.MANAGE_ORG)
    if policy_row.municipality_id != user.municipality_id:
        raise PermissionDenied("ほかの市区町村の設定は変更できません。")
    policy_row.full_clean()
    policy_row.save()
    audit_record(
        action="update",
        request=request,
        user=user,
        target=policy_row,
        municipality_id=user.municipality_id,
        summary="確認と公開の設定を変更",
    )
    return policy_row
