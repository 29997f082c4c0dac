"""Writes to cases: the case record and its number, its timeline, referrals and their
transitions. Case stories live in `stories.py`, the data-subject requests in `data_subject.py`,
the checks all three share in `checks.py`.

Every function checks the access policy itself and writes an audit entry naming the object by
type and id only: no names, contacts or health in the summary.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from sasaeai.accounts.models import User, tier_for_role
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record
from sasaeai.core.periods import fiscal_year_of
from sasaeai.core.plans import plan_date_error
from sasaeai.org.models import Area
from sasaeai.resources.models import Service

from . import checks, selectors
from .models import (
    CLOSED_REFERRAL_STATUSES,
    REFERRAL_FLOW,
    Case,
    CaseEntry,
    Referral,
    ReferralStatus,
    ReferralTransition,
)

CASE_FIELDS = [
    "area",
    "number",
    "status",
    "closed_on",
    "coordinator",
    "age",
    "age_band",
    "sex",
    "care_level",
    "memory_concern",
    "is_carer",
    "town",
    "town_block",
    "person_name",
    "person_name_kana",
    "contact_phone",
    "contact_note",
    "consent_to_share",
    "consent_on",
    "brought_by",
    "brought_by_note",
    "received_on",
    "needs_text",
    "wants_company",
    "wants_role",
    "wants_exercise",
    "wants_meals",
    "wants_learning",
    "wants_carer_support",
    "hobbies",
    "max_walk_m",
    "free_days",
    "free_time_from",
    "free_time_to",
    "role_preference",
    "constraints",
]


# --- dates of what has happened ------------------------------------------------------------------


def _not_future(day: dt.date | None, field: str, label: str) -> None:
    if day and day > checks.today():
        raise ValidationError({field: f"{label}に未来の日付は入れられません。"})


# Dates of what has happened (never in the future), by field, with their labels.
CASE_PAST_DATES = {"received_on": "受付日", "consent_on": "同意日", "closed_on": "終結日"}
ENTRY_PAST_DATES = {"date": "日付"}


def past_date_errors(record: Any, labels: dict[str, str]) -> dict[str, str]:
    """A message for each date of `labels` that lies in the future (forms ask this too, so
    that these show with the form's other errors)."""
    today = checks.today()
    return {
        name: f"{label}に未来の日付は入れられません。"
        for name, label in labels.items()
        if getattr(record, name, None) and getattr(record, name) > today
    }


def _check_all(record: Any, errors: dict[str, str]) -> None:
    """Raises the errors found so far together with the model's own, in one ValidationError:
    never one rule per submit."""
    found: dict[str, list[str]] = {name: [message] for name, message in errors.items()}
    try:
        record.full_clean(exclude=set(errors))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            found.setdefault(name, []).extend(m for m in messages if m not in found[name])
    if found:
        raise ValidationError(found)


# --- case numbers ----------------------------------------------------------------------------


def case_number_prefix(day: dt.date) -> str:
    """R7- for fiscal year 令和7年度, H27- for 平成27年度."""
    year = fiscal_year_of(day)
    if year >= 2019:
        return f"R{year - 2018}-"
    return f"H{year - 1988}-"


def case_number_next(*, municipality_id: int, day: dt.date) -> str:
    prefix = case_number_prefix(day)
    numbers = Case.objects.filter(
        municipality_id=municipality_id, number__startswith=prefix
    ).values_list("number", flat=True)
    highest = 0
    for number in numbers:
        tail = number[len(prefix) :]
        if tail.isdecimal():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:04d}"


# --- cases -----------------------------------------------------------------------------------


def _changed_labels(case: Case, changes: dict[str, Any]) -> list[str]:
    labels = []
    for name, value in changes.items():
        if getattr(case, name) != value:
            labels.append(str(Case._meta.get_field(name).verbose_name))
    return labels


def case_create(
    *, user: User, request: HttpRequest | None = None, area: Area, **fields: Any
) -> Case:
    """Opens a case in one of the user's areas; the number is given when left empty."""
    municipality_id = user.municipality_id
    checks.require_case_write(user=user, municipality_id=municipality_id, area_id=area.pk)
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"unknown case fields: {sorted(unknown)}")
    case = Case(municipality_id=municipality_id, area=area, created_by=user, **fields)
    if case.coordinator_id is None:
        case.coordinator = user
    case.tier = tier_for_role(case.coordinator.role)
    for attempt in range(3):
        if not fields.get("number"):
            case.number = case_number_next(
                municipality_id=municipality_id, day=case.received_on or checks.today()
            )
        _check_all(case, past_date_errors(case, CASE_PAST_DATES))
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            if fields.get("number") or attempt == 2:
                raise ValidationError(
                    {"number": "このケース番号はすでに使われています。"}
                ) from None
    audit_record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=user,
        target=case,
        summary=f"ケース {case.number} を登録",
    )
    return case


def case_update(
    *, user: User, case: Case, request: HttpRequest | None = None, **fields: Any
) -> Case:
    """Changes a case; moving it to another area needs the right to write in both."""
    checks.require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"unknown case fields: {sorted(unknown)}")
    if "area" in fields and fields["area"].pk != case.area_id:
        checks.require_case_write(
            user=user, municipality_id=case.municipality_id, area_id=fields["area"].pk
        )
    if "number" in fields and not fields["number"]:
        fields.pop("number")
    changed = _changed_labels(case, fields)
    coordinator = fields.get("coordinator")
    if coordinator is not None and coordinator.pk != case.coordinator_id:
        # The case counts under the tier of whoever takes it on, as of this change; a
        # person's later change of role leaves it where it is.
        case.tier = tier_for_role(coordinator.role)
    for name, value in fields.items():
        setattr(case, name, value)
    if case.status == Case.Status.OPEN:
        case.closed_on = None
    _check_all(case, past_date_errors(case, CASE_PAST_DATES))
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError({"number": "このケース番号はすでに使われています。"}) from None
    if changed:
        audit_record(
            action=AuditEvent.Action.UPDATE,
            request=request,
            user=user,
            target=case,
            summary=f"ケース {case.number} の項目を変更: " + "、".join(changed),
        )
    return case


def case_record_view(*, user: User, case: Case, request: HttpRequest | None = None) -> None:
    """Every read of a case is logged (once per request, however many parts show it)."""
    if request is not None:
        seen = request.__dict__.setdefault("_sasaeai_cases_read", set())
        if case.pk in seen:
            return
        seen.add(case.pk)
    audit_record(
        action=AuditEvent.Action.VIEW,
        request=request,
        user=user,
        target=case,
        summary=f"ケース {case.number} を閲覧",
        via="API" if request is not None and request.path.startswith("/api/") else "",
    )


# Loading a case, or a part of one, to show it is an audited read. Every page and API operation
# that shows a case's fields loads it through one of these (tests/test_case_reads.py walks the
# URL patterns and checks each), so a new view cannot forget the audit row.


def case_open(*, user: User, pk: object, request: HttpRequest | None = None) -> Case:
    """The case to show (404 when missing or out of scope), its read audited."""
    case = selectors.case_get_visible(user=user, pk=pk)
    case_record_view(user=user, case=case, request=request)
    return case


def entry_open(*, user: User, pk: object, request: HttpRequest | None = None) -> CaseEntry:
    """A timeline entry to show, with its case; the case's read audited."""
    entry = selectors.entry_get_visible(user=user, pk=pk)
    case_record_view(user=user, case=entry.case, request=request)
    return entry


def referral_open(*, user: User, pk: object, request: HttpRequest | None = None) -> Referral:
    """A referral to show, with its case; the case's read audited."""
    referral = selectors.referral_get_visible(user=user, pk=pk)
    case_record_view(user=user, case=referral.case, request=request)
    return referral


# --- timeline ------------------------------------------------------------------------------------


def case_entry_add(
    *,
    user: User,
    case: Case,
    kind: str,
    date: dt.date,
    text: str,
    referral: Referral | None = None,
    request: HttpRequest | None = None,
) -> CaseEntry:
    checks.require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    entry = CaseEntry(case=case, kind=kind, date=date, text=text, by=user, referral=referral)
    errors = past_date_errors(entry, ENTRY_PAST_DATES)
    if referral is not None and referral.case_id != case.pk:
        errors["referral"] = "このケースのつなぎ先を選んでください。"
    _check_all(entry, errors)
    entry.save()
    audit_record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=user,
        target=entry,
        municipality_id=case.municipality_id,
        summary=f"ケース {case.number} に経過（{entry.get_kind_display()}）を記録",
    )
    return entry


def case_entry_update(
    *, user: User, entry: CaseEntry, request: HttpRequest | None = None, **fields: Any
) -> CaseEntry:
    case = entry.case
    checks.require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    for name in fields:
        if name not in ("kind", "date", "text", "referral"):
            raise TypeError(f"unknown entry field: {name}")
    for name, value in fields.items():
        setattr(entry, name, value)
    errors = past_date_errors(entry, ENTRY_PAST_DATES)
    if entry.referral_id and entry.referral.case_id != case.pk:
        errors["referral"] = "このケースのつなぎ先を選んでください。"
    _check_all(entry, errors)
    entry.save()
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=entry,
        municipality_id=case.municipality_id,
        summary=f"ケース {case.number} の経過を変更",
    )
    return entry


# --- referrals ---------------------------------------------------------------------------------


def referral_create(
    *,
    user: User,
    case: Case,
    service: Service | None = None,
    agency_name: str = "",
    role: str = "participant",
    reason: str = "",
    follow_up_on: dt.date | None = None,
    date: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Proposes a resource (or an agency) to the person: the referral starts at 提案."""
    checks.require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    date = date or checks.today()
    _not_future(date, "status_on", "日付")
    if service is not None:
        if service.municipality_id != case.municipality_id:
            raise ValidationError({"service": "ほかの市区町村の社会資源にはつなげません。"})
        if service.status != Service.Status.ACTIVE:
            raise ValidationError(
                {
                    "service": f"「{service.name}」は{service.get_status_display()}のため、つなげません。"
                }
            )
        open_same = case.referrals.filter(service=service).exclude(
            status__in=CLOSED_REFERRAL_STATUSES
        )
        if open_same.exists():
            raise ValidationError({"service": f"「{service.name}」にはすでにつないでいます。"})
    late = plan_date_error(follow_up_on, date, plan_label="次の確認日", anchor_label="提案日")
    if late:
        raise ValidationError({"follow_up_on": late})
    referral = Referral(
        case=case,
        service=service,
        agency_name=agency_name.strip(),
        role=role,
        reason=reason[:500],
        status=ReferralStatus.PROPOSED,
        status_on=date,
        follow_up_on=follow_up_on,
        created_by=user,
    )
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        ReferralTransition.objects.create(
            referral=referral,
            from_status="",
            to_status=ReferralStatus.PROPOSED,
            date=date,
            by=user,
            note=reason[:500],
        )
    audit_record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=user,
        target=referral,
        municipality_id=case.municipality_id,
        summary=f"ケース {case.number} のつなぎ（提案）を登録",
    )
    return referral


CONSENT_NEEDED = "本人の同意（社会資源への情報提供）が記録されていません。ケースの同意欄を記録してから進めてください。"


def consent_needed_for(referral: Referral, to_status: str) -> bool:
    """Leaving 提案 for 見学・体験 or 利用開始 shares the person's situation with the place."""
    return (
        referral.status == ReferralStatus.PROPOSED
        and to_status in (ReferralStatus.TRIAL, ReferralStatus.STARTED)
        and not referral.case.consent_to_share
    )


def referral_advance_errors(
    *,
    referral: Referral,
    to_status: str,
    date: dt.date | None,
    follow_up_on: dt.date | None,
) -> dict[str, str]:
    """Every rule of a status change at once, by field (the form asks this on what it could
    read, so the errors show together; `referral_advance` refuses on the same)."""
    errors: dict[str, str] = {}
    if to_status not in ReferralStatus.values:
        return {"to_status": "状態の指定が正しくありません。"}
    if to_status not in REFERRAL_FLOW.get(referral.status, ()):
        current = ReferralStatus(referral.status).label
        target = ReferralStatus(to_status).label
        return {"to_status": f"「{current}」から「{target}」には進められません。"}
    # A trial visit (見学・体験) is arranged before it happens: its date may be a plan.
    if date is not None and date > checks.today() and to_status != ReferralStatus.TRIAL:
        errors["date"] = "日付に未来の日付は入れられません（見学・体験は予定の日を入れられます）。"
    last = referral.transitions.order_by("-date", "-id").first()
    if date is not None and last is not None and date < last.date:
        errors["date"] = f"日付が前回の状態変更（{last.date:%Y-%m-%d}）より前になっています。"
    if consent_needed_for(referral, to_status):
        errors["to_status"] = CONSENT_NEEDED
    late = plan_date_error(follow_up_on, date, plan_label="次の確認日", anchor_label="日付")
    if late:
        errors["follow_up_on"] = late
    return errors


def referral_advance(
    *,
    user: User,
    referral: Referral,
    to_status: str,
    date: dt.date | None = None,
    note: str = "",
    follow_up_on: dt.date | None = None,
    outcome: str = "",
    outcome_note: str = "",
    interruption_reason: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Moves a referral along 提案 → 見学・体験 → 利用開始 → 定着 → 終了 (or 中断, from which it
    may be proposed again). Leaving 提案 shares the person's situation with the place, so the
    case must record the person's consent; 終了 and 中断 need an outcome, 中断 a reason."""
    case = referral.case
    checks.require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    date = date or checks.today()
    errors = referral_advance_errors(
        referral=referral, to_status=to_status, date=date, follow_up_on=follow_up_on
    )
    if errors:
        raise ValidationError(errors)
    before = referral.status
    referral.status = to_status
    referral.status_on = date
    if to_status in CLOSED_REFERRAL_STATUSES:
        referral.outcome = outcome
        referral.outcome_note = outcome_note[:300]
        referral.follow_up_on = None
        if to_status == ReferralStatus.INTERRUPTED:
            referral.interruption_reason = interruption_reason.strip()[:300]
    else:
        referral.follow_up_on = follow_up_on
        if to_status == ReferralStatus.PROPOSED:
            referral.outcome = ""
            referral.outcome_note = ""
            referral.interruption_reason = ""
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        ReferralTransition.objects.create(
            referral=referral,
            from_status=before,
            to_status=to_status,
            date=date,
            by=user,
            note=note[:500],
        )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=referral,
        municipality_id=case.municipality_id,
        summary=(
            f"ケース {case.number} のつなぎを「{ReferralStatus(before).label}」から"
            f"「{ReferralStatus(to_status).label}」へ"
        ),
    )
    return referral


def referral_set_follow_up(
    *,
    user: User,
    referral: Referral,
    follow_up_on: dt.date | None,
    request: HttpRequest | None = None,
) -> Referral:
    case = referral.case
    checks.require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    if referral.is_closed and follow_up_on:
        raise ValidationError({"follow_up_on": "終了・中断したつなぎには確認日を設定できません。"})
    referral.follow_up_on = follow_up_on
    referral.full_clean()
    referral.save(update_fields=["follow_up_on", "updated_at"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=referral,
        municipality_id=case.municipality_id,
        summary=f"ケース {case.number} のつなぎの確認日を変更",
    )
    return referral
