"""Writes of the activity records and the calendar: recording and editing visits,
consultations, meetings and other activities; calendar entries, skipped dates and the private
iCalendar feed URL; the consultation topics the administrator manages.

Every write checks the policy, validates with Japanese messages before anything is saved
(`full_clean`), keeps a history version with the user and reason, and is audited.
"""

import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User
from sasaeai.accounts.policy import Capability
from sasaeai.audit.services import audit_record
from sasaeai.org.models import Area

from .models import (
    ActivityRecord,
    CalendarEntry,
    CalendarException,
    CalendarFeed,
    Consultation,
    ConsultationTopic,
    Meeting,
    OtherActivity,
    SubmissionKey,
    Visit,
)
from .recurrence import first_occurrence

VISIT_FIELDS = [
    "date",
    "start_time",
    "end_time",
    "area",
    "service",
    "place_name",
    "companions",
    "attendees",
    "observations",
    "needs_heard",
    "calendar_entry",
    "occurrence_date",
]
CONSULTATION_FIELDS = [
    "date",
    "start_time",
    "end_time",
    "area",
    "visit",
    "consulter_type",
    "consulter_body",
    "channel",
    "summary",
    "referral",
    "referral_service",
    "referral_note",
    "followup_needed",
    "followup_due",
    "followup_done_on",
    "case",
    "calendar_entry",
    "occurrence_date",
]
MEETING_FIELDS = [
    "date",
    "start_time",
    "end_time",
    "area",
    "meeting_type",
    "title",
    "council",
    "organiser",
    "venue",
    "participant_organisations",
    "participant_count",
    "agenda",
    "minutes_text",
    "calendar_entry",
    "occurrence_date",
]
OTHER_ACTIVITY_FIELDS = [
    "date",
    "end_date",
    "start_time",
    "end_time",
    "area",
    "kind",
    "title",
    "counterpart",
    "venue",
    "head_count",
    "copies",
    "distribution",
    "note",
    "calendar_entry",
    "occurrence_date",
]
CALENDAR_FIELDS = [
    "title",
    "kind",
    "meeting_type",
    "area",
    "service",
    "venue",
    "date",
    "start_time",
    "end_time",
    "note",
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "bymonth",
    "until",
    "skip_holidays",
]
RECORD_FIELDS = {
    Visit: VISIT_FIELDS,
    Consultation: CONSULTATION_FIELDS,
    Meeting: MEETING_FIELDS,
    OtherActivity: OTHER_ACTIVITY_FIELDS,
}


# The records a coordinator can attach, from the record itself, as evidence of a regional
# issue (the councils app's attach page: /councils/attach/?kind=<kind>&id=<pk>).
ATTACHABLE_KINDS = ("visit", "consultation", "meeting")


def _today() -> dt.date:
    return timezone.localdate()


def default_area(user: User, *, hint: Area | None = None) -> Area | None:
    """The area a new record goes to when none is chosen: the hint (the visited resource's
    area) when the user covers it, else a tier-2 coordinator's first area; tier 1 leaves it
    blank (市全域)."""
    if hint is not None and policy.can_write_area(user, hint.pk, user.municipality_id):
        return hint
    if user.role == Role.TIER2:
        ids = sorted(policy.area_ids(user))
        return Area.objects.filter(pk=ids[0]).first() if ids else None
    return None


def _check_area(user: User, area: Area | None) -> dict[str, str]:
    """A record in an area the user does not cover is refused with a message on the area
    field (the form keeps what was typed)."""
    if area is not None and area.municipality_id != user.municipality_id:
        return {"area": "ほかの市区町村の圏域は指定できません。"}
    if user.role == Role.TIER2:
        if area is None:
            return {"area": "第2層の記録には担当圏域を選んでください。"}
        if area.pk not in policy.area_ids(user):
            return {
                "area": f"「{area.name}」は担当圏域ではありません。担当圏域の記録だけ登録できます。"
            }
    return {}


def _check_date(record: ActivityRecord, *, today: dt.date) -> dict[str, str]:
    if record.date and record.date > today:
        return {
            "date": "未来の日付は記録できません。実施した日を入力してください（予定は予定表へ）。"
        }
    return {}


def _check_calendar_link(user: User, record: ActivityRecord) -> dict[str, str]:
    entry = record.calendar_entry
    if entry is not None and entry.municipality_id != record.municipality_id:
        return {"calendar_entry": "この予定には結び付けられません。"}
    if entry is not None and record.occurrence_date is None:
        record.occurrence_date = record.date
    return {}


def _check_choices(record: models.Model) -> dict[str, str]:
    """A value outside a list (an unknown consulter type, channel, meeting type …) gets a
    message that names the field and the value."""
    errors = {}
    for model_field in record._meta.concrete_fields:
        if not model_field.choices:
            continue
        value = getattr(record, model_field.attname)
        if value in (None, "") and model_field.blank:
            continue
        if value not in {key for key, _ in model_field.flatchoices}:
            errors[model_field.name] = (
                f"{model_field.verbose_name}「{value}」は一覧にありません。一覧から選んでください。"
            )
    return errors


def _assign(record: models.Model, fields: dict, allowed: list[str]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"unknown field {name} for {type(record).__name__}")
        setattr(record, name, value)


def _save_version(record: models.Model, *, user: User, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


def _validate(
    *,
    user: User,
    record: ActivityRecord,
    fields: dict,
    today: dt.date | None,
    exclude: Iterable[str] = (),
) -> None:
    """Every check of a record write, all at once: one ValidationError carrying the messages
    of every field in error (never one rule per submit). `exclude`: fields the caller already
    found in error (a form's unparsable input), left out of the checks."""
    if record.pk is None:
        record.municipality_id = user.municipality_id
        record.coordinator = user
        record.tier = policy.tier_of(user)
    _assign(record, fields, RECORD_FIELDS[type(record)])
    skip = set(exclude)
    errors: dict[str, list[str]] = {}
    checks = (
        _check_choices(record),
        {} if "area" in skip else _check_area(user, record.area),
        _check_date(record, today=today or _today()),
        _check_calendar_link(user, record),
    )
    for found in checks:
        for name, message in found.items():
            errors.setdefault(name, []).append(message)
    try:
        record.full_clean(exclude=skip | set(errors))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            known = errors.setdefault(name, [])
            known.extend(m for m in messages if m not in known)
    errors = {name: messages for name, messages in errors.items() if name not in skip}
    if errors:
        raise ValidationError(errors)


def record_check(
    *,
    user: User,
    model: type[ActivityRecord],
    fields: dict,
    record: ActivityRecord | None = None,
    exclude: Iterable[str] = (),
    today: dt.date | None = None,
) -> None:
    """Runs a write's checks on the values a form could read, without saving, so that the
    form shows the write's errors together with its own (the forms call this from `clean`;
    the write itself checks again). The same defaults as the write apply (the visit's area
    from its resource, a consultation's day and area from its visit)."""
    import copy

    candidate = copy.copy(record) if record is not None else model()
    creating = record is None
    if model is Visit and creating:
        fields = _visit_area(user, fields)
    elif model is Consultation and creating:
        if fields.get("visit") is None:
            fields = _with_default_area(user, fields)
        else:
            fields = {"date": fields["visit"].date, "area": fields["visit"].area, **fields}
    elif creating:
        fields = _with_default_area(user, fields)
    _validate(user=user, record=candidate, fields=fields, today=today, exclude=exclude)


def _write_record(
    *,
    user: User,
    record: ActivityRecord,
    fields: dict,
    reason: str,
    request: HttpRequest | None,
    today: dt.date | None,
) -> ActivityRecord:
    """Shared steps of every record write (forms and the API reach it alike); the caller runs
    it inside a transaction."""
    policy.require(user, Capability.EDIT_ACTIVITIES)
    creating = record.pk is None
    if not creating and not policy.can_edit_record(user, record):
        raise PermissionDenied("この記録を変更する権限がありません。")
    _validate(user=user, record=record, fields=fields, today=today)
    _save_version(record, user=user, reason=reason)
    audit_record(
        action="create" if creating else "update",
        request=request,
        user=user,
        target=record,
        summary=f"{record._meta.verbose_name}を{reason}",
    )
    return record


# --- visits -----------------------------------------------------------------------------------


def _confirm_resource(visit: Visit, *, user: User) -> None:
    """A visit confirms the resource: its confirmed date moves to the visit date."""
    if visit.service_id is None:
        return
    from sasaeai.resources.services import service_confirm

    service_confirm(service=visit.service, user=user, when=visit.date)


def _visit_area(user: User, fields: dict) -> dict:
    """No area chosen: the visited resource's area when the user covers it, else the user's
    own. Tier 1 choosing 市全域 explicitly keeps it."""
    if fields.get("area") is not None or ("area" in fields and user.role != Role.TIER2):
        return fields
    service = fields.get("service")
    hint = service.area if service is not None and service.area_id else None
    return {**fields, "area": default_area(user, hint=hint)}


@transaction.atomic
def visit_record(
    *,
    user: User,
    fields: dict,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Visit:
    """Records a visit (訪問) and confirms the visited resource. Without an area the visit
    goes to the resource's area when the user covers it, else to the user's area."""
    visit = _write_record(
        user=user,
        record=Visit(),
        fields=_visit_area(user, fields),
        reason="記録",
        request=request,
        today=today,
    )
    _confirm_resource(visit, user=user)
    return visit


@transaction.atomic
def visit_update(
    *,
    user: User,
    visit: Visit,
    fields: dict,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Visit:
    visit = _write_record(
        user=user, record=visit, fields=fields, reason="変更", request=request, today=today
    )
    _confirm_resource(visit, user=user)
    return visit


# --- consultations ----------------------------------------------------------------------------


def _check_topics(user: User, topics: Iterable[ConsultationTopic] | None) -> list:
    topics = list(topics or [])
    if not topics:
        raise ValidationError({"topics": "相談内容を1つ以上選んでください。"})
    for topic in topics:
        if not topic.is_active or topic.municipality_id not in (None, user.municipality_id):
            raise ValidationError(
                {"topics": f"相談内容「{topic.name}」は一覧にない（使われていない）分類です。"}
            )
    return topics


def _consultation_write(
    *,
    user: User,
    consultation: Consultation,
    fields: dict,
    topics: Iterable[ConsultationTopic] | None,
    reason: str,
    request: HttpRequest | None,
    today: dt.date | None,
) -> Consultation:
    creating = consultation.pk is None
    visit = fields.get("visit", consultation.visit if not creating else None)
    if visit is not None and creating:
        # A consultation received on a visit takes the visit's day and area by default.
        fields = {"date": visit.date, "area": visit.area, **fields}
    if creating or topics is not None:
        topics = _check_topics(user, topics)
    case = fields.get("case")
    if case is not None and case.pk != consultation.case_id:
        from sasaeai.cases.selectors import case_list_visible_to

        if not case_list_visible_to(user=user).filter(pk=case.pk).exists():
            raise ValidationError({"case": "このケースには結び付けられません。"})
    if visit is not None and not policy.can_write_area(user, visit.area_id, visit.municipality_id):
        raise ValidationError({"visit": "この訪問には相談を追加できません。"})
    # One history version per edit, taken after the topics are set.
    consultation.skip_history_when_saving = True
    try:
        _write_record(
            user=user,
            record=consultation,
            fields=fields,
            reason=reason,
            request=request,
            today=today,
        )
        if topics is not None:
            consultation.topics.set(topics)
    finally:
        del consultation.skip_history_when_saving
    _record_history(consultation, user=user, reason=reason, created=creating)
    return consultation


def _record_history(record: models.Model, *, user: User, reason: str, created: bool) -> None:
    """Takes the history snapshot (fields and m2m) of a record as it now stands."""
    from django.db.models.signals import post_save

    record._history_user = user
    record._change_reason = reason
    post_save.send(
        sender=type(record), instance=record, created=created, raw=False, using="default"
    )


@transaction.atomic
def consultation_record(
    *,
    user: User,
    fields: dict,
    topics: Iterable[ConsultationTopic],
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Consultation:
    """Records a consultation (相談). With `visit` in the fields it is one received on that
    visit: the date and area default to the visit's."""
    if fields.get("visit") is None:
        fields = _with_default_area(user, fields)
    return _consultation_write(
        user=user,
        consultation=Consultation(),
        fields=fields,
        topics=topics,
        reason="記録",
        request=request,
        today=today,
    )


@transaction.atomic
def consultation_update(
    *,
    user: User,
    consultation: Consultation,
    fields: dict,
    topics: Iterable[ConsultationTopic] | None = None,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Consultation:
    return _consultation_write(
        user=user,
        consultation=consultation,
        fields=fields,
        topics=topics,
        reason="変更",
        request=request,
        today=today,
    )


# --- records sent once (the phone's offline queue) -------------------------------------------

SUBMISSION_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUBMISSION_KEY_FIELD = "Idempotency-Key"


def submission_key_check(key: str) -> str:
    """The key a client sends so that a retry never records twice: 16 to 64 letters, digits,
    '-' or '_' (a UUID fits)."""
    if not SUBMISSION_KEY_PATTERN.match(key or ""):
        raise ValidationError(
            {
                SUBMISSION_KEY_FIELD: "送信キーは英数字・ハイフン・下線の16〜64文字で指定してください。"
            }
        )
    return key


def _sent_before(claim: SubmissionKey, *, kind: str) -> ActivityRecord:
    if claim.kind != kind:
        raise ValidationError(
            {SUBMISSION_KEY_FIELD: "この送信キーは別の種類の記録に使われています。"}
        )
    record = claim.record
    if record is None:
        raise ValidationError(
            {
                SUBMISSION_KEY_FIELD: "この送信キーの記録は受け付けた後に削除されています。"
                "もう一度記録する場合は、新しく入力してください。"
            }
        )
    return record


def sent_before(*, user: User, key: str, kind: str) -> ActivityRecord | None:
    """The record a key already wrote for this user (None when the key is new). A key of
    another kind, or whose record was deleted, is refused as record_once refuses it."""
    claimed = SubmissionKey.objects.filter(user=user, key=key).first()
    return None if claimed is None else _sent_before(claimed, kind=kind)


def record_once(
    *, user: User, key: str, kind: str, create: Callable[[], ActivityRecord]
) -> tuple[ActivityRecord, bool]:
    """Runs `create` (visit_record or consultation_record with their arguments) once per user
    and key: `(record, True)` the first time, `(the same record, False)` for every resend.

    The key is claimed in the same transaction as the record is written, under a unique
    constraint: of two sends racing (two tabs, a retry while the first answer is on its way)
    one writes, the other waits for it on the constraint and then answers with its record. A
    send that fails validation claims nothing, so the corrected item can be sent with its key."""
    if kind not in ("visit", "consultation"):
        raise ValueError(kind)
    submission_key_check(key)
    earlier = sent_before(user=user, key=key, kind=kind)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            claim = SubmissionKey.objects.create(user=user, key=key, kind=kind)
            record = create()
            setattr(claim, kind, record)
            claim.save(update_fields=[kind])
    except IntegrityError:
        claimed = SubmissionKey.objects.filter(user=user, key=key).first()
        if claimed is None:
            raise
        return _sent_before(claimed, kind=kind), False
    return record, True


# --- meetings and other activities ------------------------------------------------------------


def _with_default_area(user: User, fields: dict) -> dict:
    if fields.get("area") is None and user.role == Role.TIER2:
        return {**fields, "area": default_area(user)}
    return fields


@transaction.atomic
def meeting_record(
    *,
    user: User,
    fields: dict,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Meeting:
    return _write_record(
        user=user,
        record=Meeting(),
        fields=_with_default_area(user, fields),
        reason="記録",
        request=request,
        today=today,
    )


@transaction.atomic
def meeting_update(
    *,
    user: User,
    meeting: Meeting,
    fields: dict,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Meeting:
    return _write_record(
        user=user, record=meeting, fields=fields, reason="変更", request=request, today=today
    )


@transaction.atomic
def other_activity_record(
    *,
    user: User,
    fields: dict,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> OtherActivity:
    return _write_record(
        user=user,
        record=OtherActivity(),
        fields=_with_default_area(user, fields),
        reason="記録",
        request=request,
        today=today,
    )


@transaction.atomic
def other_activity_update(
    *,
    user: User,
    activity: OtherActivity,
    fields: dict,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> OtherActivity:
    return _write_record(
        user=user, record=activity, fields=fields, reason="変更", request=request, today=today
    )


# --- the calendar -----------------------------------------------------------------------------


def _require_own_calendar(user: User, entry: CalendarEntry) -> None:
    """A calendar is its coordinator's own: others read it (the team view), nobody else
    changes it."""
    policy.require(user, Capability.EDIT_ACTIVITIES)
    if entry.pk is not None and entry.coordinator_id != user.pk:
        raise PermissionDenied("ほかの人の予定は変更できません。")


def _calendar_validate(
    *, user: User, entry: CalendarEntry, fields: dict, exclude: Iterable[str] = ()
) -> None:
    """Every check of a calendar entry at once (one ValidationError); a recurring entry's date
    moves to its first occurrence."""
    _assign(entry, fields, CALENDAR_FIELDS)
    if not entry.freq:
        entry.interval, entry.byday, entry.bymonthday, entry.bymonth = 1, "", "", ""
        entry.until = None
    entry.byday = (entry.byday or "").upper().replace(" ", "")
    entry.bymonthday = (entry.bymonthday or "").replace(" ", "")
    entry.bymonth = (entry.bymonth or "").replace(" ", "")
    skip = set(exclude)
    errors: dict[str, list[str]] = {}
    if (
        "area" not in skip
        and entry.area is not None
        and not policy.can_write_area(user, entry.area_id, entry.municipality_id)
    ):
        errors["area"] = [f"「{entry.area.name}」は担当圏域ではありません。"]
    try:
        entry.full_clean(exclude=skip | set(errors))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    errors = {name: messages for name, messages in errors.items() if name not in skip}
    if not errors and not skip and entry.freq:
        first = first_occurrence(entry)
        if first is None:
            errors["freq"] = [
                "この繰り返しでは予定が一度も入りません。曜日・日付と終了日を確認してください。"
            ]
        else:
            entry.date = first
    if errors:
        raise ValidationError(errors)


def calendar_entry_check(
    *,
    user: User,
    fields: dict,
    entry: CalendarEntry | None = None,
    exclude: Iterable[str] = (),
) -> None:
    """The checks of `calendar_entry_save` on what a form could read, without saving (on a
    copy of the entry), so that the form shows every error in one round."""
    import copy

    candidate = (
        copy.copy(entry)
        if entry is not None and entry.pk is not None
        else CalendarEntry(coordinator=user, municipality_id=user.municipality_id)
    )
    _calendar_validate(user=user, entry=candidate, fields=fields, exclude=exclude)


@transaction.atomic
def calendar_entry_save(
    *,
    user: User,
    fields: dict,
    entry: CalendarEntry | None = None,
    request: HttpRequest | None = None,
) -> CalendarEntry:
    """Creates or changes one of the user's calendar entries. A recurring entry's date moves
    to its first occurrence (毎週火曜 starting on a Monday starts on the Tuesday)."""
    entry = entry or CalendarEntry(coordinator=user, municipality_id=user.municipality_id)
    _require_own_calendar(user, entry)
    creating = entry.pk is None
    _calendar_validate(user=user, entry=entry, fields=fields)
    _save_version(entry, user=user, reason="登録" if creating else "変更")
    audit_record(
        action="create" if creating else "update",
        request=request,
        user=user,
        target=entry,
        summary="予定を登録" if creating else "予定を変更",
    )
    return entry


@transaction.atomic
def calendar_entry_delete(
    *, user: User, entry: CalendarEntry, request: HttpRequest | None = None
) -> None:
    _require_own_calendar(user, entry)
    audit_record(action="delete", request=request, user=user, target=entry, summary="予定を削除")
    entry._history_user = user
    entry.delete()


@transaction.atomic
def calendar_occurrence_skip(
    *, user: User, entry: CalendarEntry, date: dt.date, request: HttpRequest | None = None
) -> CalendarException:
    """Marks one date of a recurring entry as not happening (休み・中止)."""
    _require_own_calendar(user, entry)
    if not entry.freq:
        raise ValidationError({"date": "繰り返さない予定は、予定そのものを削除してください。"})
    exception, _ = CalendarException.objects.get_or_create(entry=entry, date=date)
    audit_record(
        action="update",
        request=request,
        user=user,
        target=entry,
        summary=f"予定の{date:%Y-%m-%d}を休みにした",
    )
    return exception


@transaction.atomic
def calendar_feed_create(
    *, user: User, request: HttpRequest | None = None
) -> tuple[CalendarFeed, str]:
    """Issues the user's private iCalendar URL secret (shown once) and revokes any earlier
    one: a coordinator has one live subscription URL at a time."""
    policy.require(user, Capability.VIEW_ACTIVITIES)
    calendar_feed_revoke_all(user=user, request=request)
    feed, token = CalendarFeed.issue(user=user)
    audit_record(
        action="create", request=request, user=user, target=feed, summary="予定表の購読URLを発行"
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke_all(*, user: User, request: HttpRequest | None = None) -> int:
    feeds = list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True))
    for feed in feeds:
        feed.revoke()
        audit_record(
            action="update",
            request=request,
            user=user,
            target=feed,
            summary="予定表の購読URLを無効にした",
        )
    return len(feeds)


def calendar_feed_open(*, token: str) -> CalendarFeed | None:
    """The live feed behind a presented secret whose owner may still read activities (its
    use noted), or None."""
    feed = CalendarFeed.live_for(token)
    if feed is None or not policy.has(feed.user, Capability.VIEW_ACTIVITIES):
        return None
    feed.touch()
    return feed


# --- consultation topics (administrators) -----------------------------------------------------


@transaction.atomic
def topic_save(
    *,
    user: User,
    fields: dict,
    topic: ConsultationTopic | None = None,
    request: HttpRequest | None = None,
) -> ConsultationTopic:
    """Adds or changes a consultation topic of the administrator's municipality. Topics shared
    by every municipality are changed only in the Django admin."""
    policy.require(user, Capability.MANAGE_ORG)
    creating = topic is None
    topic = topic or ConsultationTopic(municipality_id=user.municipality_id)
    if topic.municipality_id != user.municipality_id:
        raise PermissionDenied("全国共通の分類はここでは変更できません。")
    _assign(topic, fields, ["name", "order", "is_active"])
    if creating:
        base = f"m{user.municipality_id}-{secrets.token_hex(4)}"
        topic.code = base
    if (
        ConsultationTopic.objects.filter(name=topic.name)
        .filter(models.Q(municipality__isnull=True) | models.Q(municipality=user.municipality_id))
        .exclude(pk=topic.pk)
        .exists()
    ):
        raise ValidationError({"name": f"「{topic.name}」はすでに一覧にあります。"})
    topic.full_clean()
    _save_version(topic, user=user, reason="登録" if creating else "変更")
    audit_record(
        action="create" if creating else "update",
        request=request,
        user=user,
        target=topic,
        summary="相談内容の分類を登録" if creating else "相談内容の分類を変更",
    )
    return topic
