"""Case stories (事例): an anonymised first draft from a case, what in a story could identify the
person, and the story's way to the case library (edit → review by tier 1 → published or returned,
and withdrawn again).

Every function checks the access policy itself and writes an audit entry naming the story by
type and id only.
"""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record
from sasaeai.core.text import search_key
from sasaeai.org.models import Area, Town

from . import checks
from .models import Case, CaseStory, ReferralTransition

_PHONE = re.compile(r"0\d{1,4}[-‐－ー(（]?\d{1,4}[-‐－ー)）]?\d{3,4}")
_AGE = re.compile(r"(\d{2,3})\s*(歳|才)(?!代|以上|未満)")


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
    checks.require_case_write(user=user, municipality_id=case.municipality_id, area_id=case.area_id)
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
    checks.require_case_write(
        user=user, municipality_id=story.municipality_id, area_id=story.area_id
    )
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
    checks.require_case_write(
        user=user, municipality_id=story.municipality_id, area_id=story.area_id
    )
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
        story.published_on = checks.today()
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
