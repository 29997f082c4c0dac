"""Writes of the living directory: organisers' update links (issue, revoke, use), proposals from
organisers and residents, and the coordinator's decision on a proposal.

Steps of a proposal:
1. An organiser opens their link: 「このままで正しい」 records a dated verification by the
   organiser (resources.services.service_confirm_by_organiser); 「変更を知らせる」 files a
   proposal. A resident reports an error in a listing or a place that is not listed.
2. The coordinator of the area reviews it field by field (old → new) and accepts all, some, or
   edited values, or rejects it with a reason the organiser sees on their page.
3. Accepted values are written by the same services as a staff edit (resources.services:
   service_update, location_save: history, search facts, version tokens, audit), and the
   acceptance is a staff verification of the resource.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.audit.services import audit_record
from sasaeai.org.models import Area, Municipality
from sasaeai.resources import selectors as resource_selectors
from sasaeai.resources import services as resource_services
from sasaeai.resources.models import Service
from sasaeai.resources.schedules import schedule_parse_japanese

from .fields import FIELD_BY_NAME, NEW_PLACE_FIELDS, current_values
from .models import OrganiserLink, Proposal

MAX_TEXT = 1000

# --- links ------------------------------------------------------------------------------------


def _require_link_staff(user: User | None, service: Service) -> None:
    if user is None:  # the command line: the operator of the installation
        return
    if not policy.can_edit_resource(user, service):
        raise PermissionDenied("この社会資源の主催者用リンクを発行・取り消す権限がありません。")


@transaction.atomic
def link_create(
    *,
    service: Service,
    user: User | None,
    days: int | None = None,
    request: HttpRequest | None = None,
    via: str = "",
) -> tuple[OrganiserLink, str]:
    """Issues the organiser's update link of a resource (any earlier live link of it is
    revoked: one printed QR code at a time). Returns the link and its secret, shown once."""
    _require_link_staff(user, service)
    if not service.publication_consent:
        raise ValidationError(
            "掲載の同意がない社会資源には主催者用リンクを発行できません。先に同意を記録してください。"
        )
    if days is None:
        days = resource_selectors.verification_policy(service.municipality_id).link_days
    if not 1 <= days <= 1095:
        raise ValidationError("有効期間は1〜1095日で指定してください。")
    _revoke_live(service)
    link, plain = OrganiserLink.issue(
        service=service,
        created_by=user,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(
        action="create",
        request=request,
        user=user,
        target=link,
        municipality_id=service.municipality_id,
        summary=f"主催者用リンクを発行（{service.name}、{days}日間）",
        via=via,
    )
    return link, plain


def _revoke_live(service: Service) -> int:
    count = 0
    for link in OrganiserLink.objects.filter(service=service, revoked_at__isnull=True):
        count += link.revoke()
    return count


@transaction.atomic
def link_revoke(
    *, service: Service, user: User | None, request: HttpRequest | None = None, via: str = ""
) -> int:
    """Revokes every live update link of a resource; returns how many."""
    _require_link_staff(user, service)
    count = _revoke_live(service)
    if count:
        audit_record(
            action="update",
            request=request,
            user=user,
            target=service,
            summary=f"主催者用リンクを取り消し（{count}件）",
            via=via,
        )
    return count


def link_resolve(plain: str | None) -> OrganiserLink | None:
    """The live link of a presented secret: not revoked, not expired; None otherwise."""
    link = OrganiserLink.live_for(plain)
    if link is None or link.expires_at <= timezone.now():
        return None
    return link


# --- organisers ---------------------------------------------------------------------------------


def organiser_confirm(*, link: OrganiserLink, request: HttpRequest | None = None) -> Service:
    """「このままで正しい」: a dated verification by the organiser."""
    link.touch()
    return resource_services.service_confirm_by_organiser(service=link.service, request=request)


def _clean_text(value: object, limit: int = MAX_TEXT) -> str:
    return str(value or "").strip()[:limit]


@transaction.atomic
def organiser_propose(
    *, link: OrganiserLink, changes: dict[str, str], message: str = ""
) -> Proposal:
    """「変更を知らせる」: the organiser's proposed values (only those that differ from the
    record) and a note."""
    service = link.service
    current = current_values(service)
    kept = {}
    for name, value in changes.items():
        if name not in FIELD_BY_NAME:
            raise ValueError(f"unknown field {name}")
        value = _clean_text(value, 300)
        if value and value != current.get(name, ""):
            kept[name] = value
    message = _clean_text(message)
    if not kept and not message:
        raise ValidationError("変更する項目か、お知らせの内容を入力してください。")
    link.touch()
    return _file(
        Proposal(
            municipality_id=service.municipality_id,
            kind=Proposal.Kind.CHANGE,
            proposer=Proposal.Proposer.ORGANISER,
            service=service,
            area_id=service.area_id,
            link=link,
            changes=kept,
            message=message,
        )
    )


# --- residents ----------------------------------------------------------------------------------


def resident_report_error(*, service: Service, message: str, contact: str = "") -> Proposal:
    """「情報の誤りを知らせる」 on a public listing."""
    message = _clean_text(message)
    if not message:
        raise ValidationError({"message": "どこが違っているかを入力してください。"})
    return _file(
        Proposal(
            municipality_id=service.municipality_id,
            kind=Proposal.Kind.ERROR,
            proposer=Proposal.Proposer.RESIDENT,
            service=service,
            area_id=service.area_id,
            message=message,
            contact=_clean_text(contact, 200),
        )
    )


def resident_suggest_place(
    *,
    municipality: Municipality,
    values: dict[str, str],
    area: Area | None = None,
    message: str = "",
    contact: str = "",
) -> Proposal:
    """「載っていない場所を知らせる」 on the finder: name, where, when, what."""
    kept = {f.name: _clean_text(values.get(f.name), 300) for f in NEW_PLACE_FIELDS}
    if not kept["name"]:
        raise ValidationError({"name": "場所や活動の名前を入力してください。"})
    if area is not None and area.municipality_id != municipality.pk:
        area = None
    return _file(
        Proposal(
            municipality=municipality,
            kind=Proposal.Kind.NEW_PLACE,
            proposer=Proposal.Proposer.RESIDENT,
            area=area,
            changes={k: v for k, v in kept.items() if v},
            message=_clean_text(message),
            contact=_clean_text(contact, 200),
        )
    )


def _file(proposal: Proposal) -> Proposal:
    proposal.full_clean()
    proposal.save()
    transaction.on_commit(lambda: _notify(proposal))
    return proposal


def _notify(proposal: Proposal) -> None:
    """E-mail where the municipality set an address (Django's mail settings decide how it is
    sent). The mail names the kind and the place, never what a resident wrote or their
    contact: those are read in the review queue."""
    address = resource_selectors.verification_policy(proposal.municipality_id).notify_email
    if not address:
        return
    where = proposal.service.name if proposal.service_id else proposal.changes.get("name", "")
    send_mail(
        subject=f"【情報提供】{proposal.get_kind_display()}：{where}",
        message=(
            f"{proposal.get_kind_display()}が届きました（{where}）。\n"
            "内容は支え合い業務システムの「情報提供の確認」で見てください。\n"
            f"{reverse('directory:review', args=[proposal.pk])}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
        fail_silently=True,
    )


# --- the coordinator's decision -------------------------------------------------------------------


def _require_review(user: User, proposal: Proposal) -> None:
    policy.require(user, Capability.EDIT_RESOURCES)
    if not policy.can_write_area(user, proposal.area_id, proposal.municipality_id):
        raise PermissionDenied("担当圏域の外の情報提供は扱えません。")


def _schedules_from(text: str) -> list[dict]:
    schedules = []
    for part in [p.strip() for p in text.replace("/", "／").split("／") if p.strip()]:
        try:
            schedules.append(schedule_parse_japanese(part))
        except ValidationError as exc:
            raise ValidationError(
                {"schedule": f"日程「{part}」: {' '.join(exc.messages)}"}
            ) from exc
    return schedules


def _apply(*, user: User, service: Service, values: dict[str, str], request) -> None:
    """Writes accepted values through the resources' staff edit services."""
    fields: dict = {}
    schedules = None
    place: dict[str, str] = {}
    for name, value in values.items():
        if name not in FIELD_BY_NAME:
            raise ValueError(f"unknown field {name}")
        value = _clean_text(value, 300)
        if name == "schedule":
            schedules = _schedules_from(value)
        elif name in ("place_name", "address"):
            place[name] = value
        elif name == "status":
            if value not in Service.Status.values:
                raise ValidationError({"status": "活動の状態を選び直してください。"})
            fields["status"] = value
        else:
            fields[name] = value
    location = service.location
    if place:
        address = place.get("address", location.address if location else "")
        address_changed = location is None or address != location.address
        location = resource_services.location_save(
            user=user,
            municipality=service.municipality,
            location=location,
            name=place.get("place_name", location.name if location else ""),
            address=address,
            address_2=location.address_2 if location else "",
            town=None if address_changed else location.town,
            latitude=None if address_changed else location.latitude,
            longitude=None if address_changed else location.longitude,
            is_approximate=True if address_changed else location.is_approximate,
            is_private_home=location.is_private_home if location else False,
            place_type=location.place_type if location else None,
            organization=location.organization if location else service.organization,
            request=request,
        )
    if fields or schedules is not None or location is not service.location:
        resource_services.service_update(
            user=user,
            service=service,
            fields=fields,
            location=location,
            schedules=schedules,
            request=request,
        )


@transaction.atomic
def proposal_decide(
    *,
    user: User,
    proposal: Proposal,
    accept: bool,
    values: dict[str, str] | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Proposal:
    """Accepts (all, some or edited values of) a proposal, or rejects it with a reason the
    organiser sees. For an organiser's change, `values` are the accepted fields with the values
    to write (as proposed, or as the coordinator edited them)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_review(user, proposal)
    if proposal.status != Proposal.Status.OPEN:
        raise ValidationError("この情報提供はすでに対応済みです。")
    reason = _clean_text(reason)
    values = values or {}
    if not accept:
        if not reason:
            raise ValidationError(
                {"reason": "採用しない理由を入力してください（主催者に表示されます）。"}
            )
        proposal.status = Proposal.Status.REJECTED
    elif proposal.kind == Proposal.Kind.CHANGE:
        if not values and not proposal.changes:
            proposal.status = Proposal.Status.ACCEPTED  # a note only: read and done
        elif not values:
            raise ValidationError({"fields": "採用する項目を1つ以上選んでください。"})
        else:
            service = Service.objects.select_related("location", "municipality").get(
                pk=proposal.service_id
            )
            _apply(user=user, service=service, values=values, request=request)
            resource_services.service_confirm(
                service=service, user=user, via=Service.ConfirmedVia.STAFF, request=request
            )
            proposal.accepted_fields = sorted(values)
            proposal.status = (
                Proposal.Status.ACCEPTED
                if set(values) >= set(proposal.changes)
                else Proposal.Status.PARTLY
            )
    else:
        proposal.status = Proposal.Status.ACCEPTED
    proposal.decision_reason = reason
    proposal.decided_at = timezone.now()
    proposal.decided_by = user
    proposal.save()
    audit_record(
        action="update",
        request=request,
        user=user,
        target=proposal,
        summary=f"情報提供に対応: {proposal.get_status_display()}",
    )
    return proposal


@transaction.atomic
def proposal_register_place(
    *, user: User, proposal: Proposal, service: Service, request: HttpRequest | None = None
) -> Proposal:
    """A resident's suggested place has been registered as `service` (the prefilled
    new-resource form): the suggestion is accepted, linked to the new resource, and leaves the
    queue. Called in the transaction that creates the resource."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_review(user, proposal)
    if proposal.kind != Proposal.Kind.NEW_PLACE:
        raise ValidationError("載っていない場所の情報だけが新しい社会資源として登録できます。")
    if proposal.status != Proposal.Status.OPEN:
        raise ValidationError("この情報提供はすでに対応済みです。")
    if service.municipality_id != proposal.municipality_id:
        raise PermissionDenied("ほかの市区町村の社会資源とは結びつけられません。")
    proposal.service = service
    proposal.status = Proposal.Status.ACCEPTED
    proposal.decided_at = timezone.now()
    proposal.decided_by = user
    proposal.save()
    audit_record(
        action="update",
        request=request,
        user=user,
        target=proposal,
        summary=f"情報提供に対応: 新しい社会資源として登録（{service.name}）",
    )
    return proposal
