"""Writes to cases: the case record, its timeline, referrals and their transitions, case
stories (write, review, publish) and the data-subject requests (export, delete).

Every function checks the access policy itself and writes an audit entry naming the object by
type and id only: no names, contacts or health in the summary.
"""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User, tier_for_role
from sasaeai.accounts.policy import Capability
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record
from sasaeai.core.erasure import forget_deleted_rows
from sasaeai.core.periods import fiscal_year_of
from sasaeai.core.plans import plan_date_error
from sasaeai.core.text import search_key
from sasaeai.org.models import Area, Town
from sasaeai.resources.models import Service

from . import selectors
from .models import (
    CLOSED_REFERRAL_STATUSES,
    REFERRAL_FLOW,
    Case,
    CaseEntry,
    CaseStory,
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
IDENTITY_FIELDS = ("person_name", "person_name_kana", "contact_phone", "contact_note")


# --- access --------------------------------------------------------------------------------------


def _require_case_write(*, user: User, municipality_id: int | None, area_id: int | None) -> None:
    policy.require(user, Capability.EDIT_CASES)
    if not policy.can_write_area(user, area_id, municipality_id):
        raise PermissionDenied("担当圏域の外のケースは登録・変更できません。")


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(day: dt.date | None, field: str, label: str) -> None:
    if day and day > _today():
        raise ValidationError({field: f"{label}に未来の日付は入れられません。"})


# Dates of what has happened (never in the future), by field, with their labels.
CASE_PAST_DATES = {"received_on": "受付日", "consent_on": "同意日", "closed_on": "終結日"}
ENTRY_PAST_DATES = {"date": "日付"}


def past_date_errors(record: Any, labels: dict[str, str]) -> dict[str, str]:
    """A message for each date of `labels` that lies in the future (forms ask this too, so
    that these show with the form's other errors)."""
    today = _today()
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
    _require_case_write(user=user, municipality_id=municipality_id, area_id=area.pk)
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
                municipality_id=municipality_id, day=case.received_on or _today()
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
    _require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"unknown case fields: {sorted(unknown)}")
    if "area" in fields and fields["area"].pk != case.area_id:
        _require_case_write(
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
    _require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
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
    _require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
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
    _require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    date = date or _today()
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
    if date is not None and date > _today():
        errors["date"] = "日付に未来の日付は入れられません。"
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
    _require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    date = date or _today()
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
    _require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
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


# --- case stories ----------------------------------------------------------------------------------

_PHONE = re.compile(r"0\d{1,4}[-‐－ー(（]?\d{1,4}[-‐－ー)）]?\d{3,4}")
_AGE = re.compile(r"(\d{2,3})\s*(歳|才)(?!代|以上|未満)")
_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")


def story_findings(story: CaseStory) -> list[str]:
    """What in a story could identify the person: their name, a town name, a phone number or an
    exact age. Empty when the story is fit to publish."""
    text = "\n".join(
        [
            story.title,
            story.consultation,
            story.response,
            story.outcome,
            story.learning_points,
            story.keywords,
        ]
    )
    folded = search_key(text)
    findings = []
    case = story.case
    if case is not None:
        for value in (case.person_name, case.person_name_kana):
            for part in re.split(r"[\s　]+", value or ""):
                if len(part) >= 2 and search_key(part) in folded:
                    findings.append("本人の氏名が含まれています。")
                    break
        if case.contact_phone and search_key(case.contact_phone) in folded:
            findings.append("本人の電話番号が含まれています。")
    towns = list(
        Town.objects.filter(municipality_id=story.municipality_id).values_list("name", flat=True)
    )
    areas = list(
        Area.objects.filter(municipality_id=story.municipality_id).values_list("name", flat=True)
    )
    found_towns = sorted(
        {match for match in _place_pattern(towns, areas).findall(text) if match in towns}
    )
    if found_towns:
        findings.append(
            "町名（" + "、".join(found_towns) + "）が含まれています。圏域名に置き換えてください。"
        )
    if _PHONE.search(text):
        findings.append("電話番号のような数字が含まれています。")
    if _AGE.search(text):
        findings.append("年齢が含まれています。年代（例: 60歳代前半）で書いてください。")
    return list(dict.fromkeys(findings))


def _place_pattern(towns: list[str], areas: list[str]) -> re.Pattern:
    """Town and area names, longest first, matched in one pass (so that the town 境 is not
    found inside 境南町 or 境南エリア)."""
    names = sorted({*towns, *areas}, key=len, reverse=True)
    parts = []
    for name in names:
        if not name:
            continue
        if len(name) == 1:
            # A one-character town (境) is a place name only before a block number.
            parts.append(re.escape(name) + r"(?=[0-9０-９一二三四五六七八九十]+丁目|[0-9０-９])")
        else:
            parts.append(re.escape(name))
    return re.compile("|".join(parts) or "(?!)")


def _anonymise(text: str, *, case: Case, towns: list[str], areas: list[str], area_name: str) -> str:
    for value in (case.person_name, case.person_name_kana):
        value = (value or "").strip()
        parts = [value, value.replace(" ", "").replace("　", "")]
        parts += sorted(re.split(r"[\s　]+", value), key=len, reverse=True)
        for part in parts:
            if len(part) >= 2:
                text = text.replace(part + "さん", "本人").replace(part, "本人")
    town_set = set(towns)
    text = _place_pattern(towns, areas).sub(
        lambda m: area_name if m.group(0) in town_set else m.group(0), text
    )
    text = _PHONE.sub("（電話番号）", text)
    text = _AGE.sub("（年齢）", text)
    return text


def _age_band_words(case: Case) -> str:
    if not case.age_band:
        return ""
    if case.age_band == "90+":
        return "90歳以上の"
    if case.age_band == "under60":
        return "60歳未満の"
    low = int(case.age_band.split("-")[0])
    half = "前半" if low % 10 == 0 else "後半"
    return f"{low // 10 * 10}歳代{half}の"


def story_draft_from_case(
    *, user: User, case: Case, request: HttpRequest | None = None
) -> CaseStory:
    """Writes a first draft from a case, anonymised: no name, age band only, towns replaced by
    the area, dates as days since the request; the coordinator then edits it."""
    _require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
    towns = list(
        Town.objects.filter(municipality_id=case.municipality_id).values_list("name", flat=True)
    )
    areas = list(
        Area.objects.filter(municipality_id=case.municipality_id).values_list("name", flat=True)
    )
    area_name = case.area.name

    def clean(text: str) -> str:
        return _anonymise(text, case=case, towns=towns, areas=areas, area_name=area_name)

    person = f"{_age_band_words(case)}{case.get_sex_display() if case.sex in ('female', 'male') else '方'}"
    if case.care_level:
        person += f"（{case.get_care_level_display()}）"
    consultation = f"{case.get_brought_by_display()}より、{area_name}にお住まいの{person}について相談があった。"
    if case.needs_text:
        consultation += "\n" + clean(case.needs_text)
    steps = []
    events: list[tuple[dt.date, str]] = []
    for entry in case.entries.order_by("date", "id"):
        events.append((entry.date, f"{entry.get_kind_display()}: {clean(entry.text)}"))
    for transition in ReferralTransition.objects.filter(referral__case=case).select_related(
        "referral__service"
    ):
        events.append(
            (
                transition.date,
                clean(
                    f"{transition.referral.destination_label}: {transition.get_to_status_display()}"
                ),
            )
        )
    for day, text in sorted(events, key=lambda e: e[0]):
        offset = (day - case.received_on).days
        when = "受付時" if offset <= 0 else f"受付から{offset}日後"
        steps.append(f"・{when} {text}")
    outcomes = [
        clean(f"{r.destination_label}: {r.get_status_display()}")
        + (f"（{r.get_outcome_display()}）" if r.outcome else "")
        for r in case.referrals.select_related("service").order_by("created_at")
    ]
    story = CaseStory(
        municipality_id=case.municipality_id,
        case=case,
        area=case.area,
        title=f"{person}を地域の場につないだ事例",
        age_band=case.age_band,
        sex=case.sex,
        care_level=case.care_level,
        consultation=consultation,
        response="\n".join(steps) or "（対応の経過を書いてください）",
        outcome="\n".join(outcomes),
        keywords="、".join(
            k for k in [case.get_care_level_display() if case.care_level else "", case.hobbies] if k
        )[:300],
        written_by=user,
    )
    story.full_clean()
    story.save()
    audit_record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=user,
        target=story,
        summary=f"ケース {case.number} から事例の下書きを作成",
    )
    return story


STORY_FIELDS = (
    "title",
    "age_band",
    "sex",
    "care_level",
    "consultation",
    "response",
    "outcome",
    "learning_points",
    "keywords",
    "area",
)


def _story_search_text(story: CaseStory) -> str:
    return search_key(
        " ".join(
            [
                story.title,
                story.consultation,
                story.response,
                story.outcome,
                story.learning_points,
                story.keywords,
                story.area.name if story.area_id else "",
                story.get_care_level_display() if story.care_level else "",
            ]
        )
    )


def story_update(
    *, user: User, story: CaseStory, request: HttpRequest | None = None, **fields: Any
) -> CaseStory:
    _require_case_write(user=user, municipality_id=story.municipality_id, area_id=story.area_id)
    if story.status == CaseStory.Status.PUBLISHED:
        raise ValidationError(
            "公開済みの事例は変更できません。公開を取り下げてから直してください。"
        )
    for name in fields:
        if name not in STORY_FIELDS:
            raise TypeError(f"unknown story field: {name}")
    for name, value in fields.items():
        setattr(story, name, value)
    story.full_clean()
    story.save()
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=story,
        summary="事例を変更",
    )
    return story


def story_submit(*, user: User, story: CaseStory, request: HttpRequest | None = None) -> CaseStory:
    """Sends a draft to review; refused while anything in it could identify the person."""
    _require_case_write(user=user, municipality_id=story.municipality_id, area_id=story.area_id)
    if story.status not in (CaseStory.Status.DRAFT, CaseStory.Status.RETURNED):
        raise ValidationError("下書きか差し戻しの事例だけを確認に回せます。")
    findings = story_findings(story)
    if findings:
        raise ValidationError(findings)
    story.status = CaseStory.Status.IN_REVIEW
    story.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=story,
        summary="事例を確認に回した",
    )
    return story


def require_story_reviewer(*, user: User, story: CaseStory) -> None:
    """Stories are reviewed by tier 1 of the municipality, never by their writer."""
    if (
        not policy.has(user, Capability.REVIEW_CASE_STORIES)
        or user.municipality_id != story.municipality_id
    ):
        raise PermissionDenied("事例の確認は第1層生活支援コーディネーターが行います。")
    if story.written_by_id == user.pk:
        raise PermissionDenied("自分が書いた事例は、ほかの人に確認してもらってください。")


def story_review(
    *,
    user: User,
    story: CaseStory,
    approve: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> CaseStory:
    """Tier 1 reviews a story written by someone else: publishes it into the case library or
    returns it with a comment."""
    require_story_reviewer(user=user, story=story)
    if story.status != CaseStory.Status.IN_REVIEW:
        raise ValidationError("確認待ちの事例ではありません。")
    if approve:
        findings = story_findings(story)
        if findings:
            raise ValidationError(findings)
        story.status = CaseStory.Status.PUBLISHED
        story.published_on = _today()
        story.search_text = _story_search_text(story)
    else:
        if not note.strip():
            raise ValidationError({"review_note": "差し戻す理由を書いてください。"})
        story.status = CaseStory.Status.RETURNED
    story.review_note = note[:500]
    story.reviewed_by = user
    story.save()
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=story,
        summary="事例を公開" if approve else "事例を差し戻し",
    )
    return story


def story_withdraw(
    *, user: User, story: CaseStory, request: HttpRequest | None = None
) -> CaseStory:
    if (
        not policy.has(user, Capability.REVIEW_CASE_STORIES)
        or user.municipality_id != story.municipality_id
    ):
        raise PermissionDenied("公開の取り下げは第1層生活支援コーディネーターが行います。")
    if story.status != CaseStory.Status.PUBLISHED:
        raise ValidationError("公開中の事例ではありません。")
    story.status = CaseStory.Status.DRAFT
    story.published_on = None
    story.search_text = ""
    story.save()
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=story,
        summary="事例の公開を取り下げ",
    )
    return story


# --- data-subject requests ---------------------------------------------------------------------------


def require_data_subject_rights(*, user: User, case: Case) -> None:
    """Requests from the person (開示・訂正・削除) are handled by tier 1 of the municipality."""
    if (
        not policy.has(user, Capability.HANDLE_SUBJECT_REQUESTS)
        or user.municipality_id != case.municipality_id
    ):
        raise PermissionDenied(
            "本人からの開示・削除の請求は第1層生活支援コーディネーターが扱います。"
        )


def case_person_export(*, user: User, case: Case, request: HttpRequest | None = None) -> dict:
    """Everything held about the person of one case (開示請求), as a document to hand over."""
    require_data_subject_rights(user=user, case=case)

    def label(instance, name):
        value = getattr(instance, name)
        display = getattr(instance, f"get_{name}_display", None)
        if display is not None and value not in ("", None):
            return display()
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        if hasattr(value, "pk"):
            return str(value)
        return value

    record = {
        str(Case._meta.get_field(name).verbose_name): label(case, name)
        for name in CASE_FIELDS
        if name not in ("coordinator",)
    }
    document = {
        "ケース": record,
        "経過記録": [
            {
                "日付": entry.date.isoformat(),
                "種類": entry.get_kind_display(),
                "内容": entry.text,
            }
            for entry in case.entries.order_by("date", "id")
        ],
        "つなぎ": [
            {
                "つなぎ先": referral.destination_label,
                "参加の形": referral.get_role_display(),
                "状態": referral.get_status_display(),
                "結果": referral.get_outcome_display() if referral.outcome else "",
                "中断の理由": referral.interruption_reason,
                "経過": [
                    {
                        "日付": t.date.isoformat(),
                        "状態": t.get_to_status_display(),
                        "メモ": t.note,
                    }
                    for t in referral.transitions.order_by("date", "id")
                ],
            }
            for referral in case.referrals.select_related("service").order_by("created_at")
        ],
        "相談": [
            {
                "日付": consultation.date.isoformat(),
                "相談者": consultation.get_consulter_type_display(),
                "相談の方法": consultation.get_channel_display(),
                "相談内容": [topic.name for topic in consultation.topics.all()],
                "概要": consultation.summary,
                "つないだ先": consultation.get_referral_display(),
                "つないだ社会資源": (
                    consultation.referral_service.name if consultation.referral_service else ""
                ),
                "つないだ先の補足": consultation.referral_note,
                "フォローの期限": (
                    consultation.followup_due.isoformat() if consultation.followup_due else ""
                ),
            }
            for consultation in case.consultations.select_related("referral_service")
            .prefetch_related("topics")
            .order_by("date", "id")
        ],
        "事例": [
            {"題名": s.title, "状態": s.get_status_display()} for s in case.stories.order_by("id")
        ],
    }
    audit_record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        user=user,
        target=case,
        summary=f"本人の開示請求によりケース {case.number} の全記録を出力",
    )
    return document


def case_person_delete(
    *, user: User, case: Case, confirm_number: str, request: HttpRequest | None = None
) -> None:
    """Deletes everything about the person (削除請求): the case, its timeline and referrals.
    Audit entries stay (they name objects by type and id, never the person); case stories
    already anonymised are kept but unlinked from the case."""
    require_data_subject_rights(user=user, case=case)
    if confirm_number.strip() != case.number:
        raise ValidationError(
            {"confirm_number": "確認のため、ケース番号を正しく入力してください。"}
        )
    number, pk, municipality_id = case.number, case.pk, case.municipality_id
    with transaction.atomic():
        CaseStory.objects.filter(case=case).update(case=None)
        case.delete()
        audit_record(
            action=AuditEvent.Action.DELETE,
            request=request,
            user=user,
            target_type="cases.case",
            target_id=pk,
            municipality_id=municipality_id,
            summary=f"本人の削除請求によりケース {number} を削除",
        )
        # Gone from the database file and its log too, not only from the tables.
        forget_deleted_rows()
