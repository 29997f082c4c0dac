"""Requests from the person of a case (開示・削除の請求): everything held about them as one
document to hand over, and the deletion of their case with its timeline and referrals.

Handled by tier 1 of the municipality; each request leaves an audit entry that names the case by
number and id, never the person.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record
from sasaeai.core.erasure import forget_deleted_rows

from .models import Case, CaseStory
from .services import CASE_FIELDS


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
