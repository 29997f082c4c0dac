"""Case pages: list, create, detail (timeline and referrals), edit, matching (from a case or
the quick form), follow-ups due, the case library and data-subject requests. Thin: parse,
call one selector or service, render. Access is decided by the policy in the selectors and
services; every read of a case is audited."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.core.plans import CONFIRM_FIELD
from sasaeai.core.text import parse_id
from sasaeai.org.models import Area
from sasaeai.resources.models import Service

from . import data_subject, matching, profiles, selectors, services, stories
from .forms import (
    CaseEntryForm,
    CaseForm,
    CaseStoryForm,
    DeleteRequestForm,
    FollowUpForm,
    QuickMatchForm,
    ReferralAdvanceForm,
    ReferralForm,
    StoryReviewForm,
    SuggestionReferralForm,
    add_service_errors,
)
from .models import Case, CaseStory, ReferralStatus

PAGE_SIZE = 50


def _require_view(request: HttpRequest) -> None:
    policy.require(request.user, Capability.VIEW_CASES)


# --- list, create, detail, edit ----------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    area_id = request.GET.get("area", "")
    filters = selectors.CaseFilters(
        text=request.GET.get("q", ""),
        status=request.GET.get("status", "")
        if request.GET.get("status") in Case.Status.values
        else "",
        area_id=parse_id(area_id),
        referral_status=request.GET.get("referral", "")
        if request.GET.get("referral") in ReferralStatus.values
        else "",
        mine=request.GET.get("mine") == "1",
    )
    page = Paginator(selectors.case_list(user=user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    areas = Area.objects.filter(municipality_id=user.municipality_id).order_by("order", "id")
    if user.role == "tier2":
        areas = areas.filter(pk__in=policy.area_ids(user))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "cases": page.object_list,
            "filters": filters,
            "areas": areas,
            "statuses": Case.Status.choices,
            "referral_statuses": ReferralStatus.choices,
            "can_edit": policy.has(user, Capability.EDIT_CASES),
            "due_count": selectors.follow_ups_due(user=user, horizon_days=0).count(),
        },
    )


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_CASES)
    form = CaseForm(
        request.POST or None,
        user=request.user,
        initial={"received_on": timezone.localdate()},
        instance=Case(municipality_id=request.user.municipality_id),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        area = data.pop("area")
        try:
            case = services.case_create(user=request.user, request=request, area=area, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("area", str(exc))
        else:
            messages.success(request, f"ケース {case.number} を登録しました。")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    case = services.case_open(user=request.user, pk=pk, request=request)
    context = selectors.case_detail_relations(case)
    can_edit = policy.can_edit_case(request.user, case)
    context.update(
        {
            "case": case,
            "can_edit": can_edit,
            "entry_form": CaseEntryForm(case=case, initial={"date": timezone.localdate()}),
            "referral_form": ReferralForm(initial={"role": case.role_preference}),
            "advance_forms": {
                r.pk: ReferralAdvanceForm(
                    referral=r, initial={"date": timezone.localdate()}, prefix=f"r{r.pk}"
                )
                for r in context["referrals"]
                if not r.is_closed or r.allowed_statuses()
            }
            if can_edit
            else {},
            "stories": case.stories.order_by("-id"),
            "can_attach": policy.has(request.user, Capability.EDIT_COUNCILS),
            "can_handle_requests": can_edit
            and policy.has(request.user, Capability.HANDLE_SUBJECT_REQUESTS),
        }
    )
    return render(request, "cases/case_detail.html", context)


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    case = services.case_open(user=request.user, pk=pk, request=request)
    if not policy.can_edit_case(request.user, case):
        raise PermissionDenied("このケースを変更する権限がありません。")
    form = CaseForm(request.POST or None, user=request.user, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(user=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("area", str(exc))
        else:
            messages.success(request, f"ケース {case.number} を保存しました。")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


# --- timeline and referrals --------------------------------------------------------------------


def _detail_with_error(request, case, **forms):
    """Re-renders the case page with a form that failed, keeping what was typed."""
    services.case_record_view(user=request.user, case=case, request=request)
    context = selectors.case_detail_relations(case)
    context.update(
        {
            "case": case,
            "can_edit": True,
            "entry_form": forms.get("entry_form")
            or CaseEntryForm(case=case, initial={"date": timezone.localdate()}),
            "referral_form": forms.get("referral_form")
            or ReferralForm(initial={"role": case.role_preference}),
            "advance_forms": {
                r.pk: (
                    forms["advance_form"]
                    if forms.get("advance_for") == r.pk
                    else ReferralAdvanceForm(
                        referral=r, initial={"date": timezone.localdate()}, prefix=f"r{r.pk}"
                    )
                )
                for r in context["referrals"]
                if r.allowed_statuses()
            },
            "stories": case.stories.order_by("-id"),
            "can_attach": policy.has(request.user, Capability.EDIT_COUNCILS),
            "can_handle_requests": policy.has(request.user, Capability.HANDLE_SUBJECT_REQUESTS),
            # The summary at the top of the page names the errors of the form that failed.
            "failed_forms": [f for f in forms.values() if isinstance(f, BaseForm)],
        }
    )
    return render(request, "cases/case_detail.html", context, status=422)


def _editable_case(request: HttpRequest, pk: int) -> Case:
    _require_view(request)
    case = selectors.case_get_visible(user=request.user, pk=pk)
    if not policy.can_edit_case(request.user, case):
        raise PermissionDenied("このケースを変更する権限がありません。")
    return case


@login_required
@require_POST
def entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    form = CaseEntryForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_entry_add(
                user=request.user, case=case, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "経過を記録しました。")
            return redirect("cases:detail", pk=case.pk)
    return _detail_with_error(request, case, entry_form=form)


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    entry = services.entry_open(user=request.user, pk=pk, request=request)
    case = entry.case
    if not policy.can_edit_case(request.user, case):
        raise PermissionDenied("このケースを変更する権限がありません。")
    form = CaseEntryForm(request.POST or None, case=case, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_entry_update(
                user=request.user, entry=entry, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "経過を保存しました。")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/entry_form.html", {"form": form, "case": case, "entry": entry})


@login_required
@require_POST
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A referral to an agency typed on the case page."""
    case = _editable_case(request, pk)
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            services.referral_create(
                user=request.user, case=case, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "つなぎ先（提案）を登録しました。")
            return redirect("cases:detail", pk=case.pk)
    return _detail_with_error(request, case, referral_form=form)


@login_required
@require_POST
def referral_from_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on a suggestion: the service becomes a referral (提案) with its reasons."""
    case = _editable_case(request, pk)
    form = SuggestionReferralForm(request.POST)
    if not form.is_valid():
        messages.error(request, "つなぎ先を登録できませんでした。もう一度選んでください。")
        return redirect("cases:match", pk=case.pk)
    service = Service.objects.filter(
        pk=form.cleaned_data["service"], municipality_id=case.municipality_id
    ).first()
    if service is None:
        raise Http404("見つかりません。")
    try:
        services.referral_create(
            user=request.user,
            case=case,
            service=service,
            role=form.cleaned_data["role"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cases:match", pk=case.pk)
    messages.success(request, f"「{service.name}」をつなぎ先（提案）に加えました。")
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def referral_advance(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    referral = selectors.referral_get_visible(user=request.user, pk=pk)
    case = referral.case
    if not policy.can_edit_case(request.user, case):
        raise PermissionDenied("このケースを変更する権限がありません。")
    form = ReferralAdvanceForm(request.POST, referral=referral, prefix=f"r{referral.pk}")
    if form.is_valid():
        # The confirmation of a date a year ahead is the form's, not the service's.
        values = {k: v for k, v in form.cleaned_data.items() if k != CONFIRM_FIELD}
        try:
            services.referral_advance(
                user=request.user, referral=referral, request=request, **values
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"「{referral.destination_label}」を「{referral.get_status_display()}」にしました。",
            )
            return redirect("cases:detail", pk=case.pk)
    return _detail_with_error(request, case, advance_form=form, advance_for=referral.pk)


@login_required
def referral_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    referral = services.referral_open(user=request.user, pk=pk, request=request)
    case = referral.case
    if not policy.can_edit_case(request.user, case):
        raise PermissionDenied("このケースを変更する権限がありません。")
    form = FollowUpForm(
        request.POST or None, referral=referral, initial={"follow_up_on": referral.follow_up_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_set_follow_up(
                user=request.user,
                referral=referral,
                follow_up_on=form.cleaned_data["follow_up_on"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "次の確認日を保存しました。")
            if request.POST.get("next") == "follow_ups":
                return redirect("cases:follow_ups")
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/follow_up_form.html", {"form": form, "referral": referral, "case": case}
    )


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    mine = request.GET.get("all") != "1"
    referrals = selectors.follow_ups_due(user=request.user, mine=mine)
    return render(
        request,
        "cases/follow_ups.html",
        {"referrals": referrals, "mine": mine, "today": timezone.localdate()},
    )


# --- matching ------------------------------------------------------------------------------


@login_required
def case_match(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    case = services.case_open(user=request.user, pk=pk, request=request)
    result = matching.match(profiles.profile_from_case(case), limit=10)
    return render(
        request,
        "cases/match.html",
        {
            "case": case,
            "result": result,
            "can_edit": policy.can_edit_case(request.user, case),
            "part_labels": matching.PART_LABELS,
            "part_weights": matching.PART_WEIGHTS,
        },
    )


@login_required
def quick_match(request: HttpRequest) -> HttpResponse:
    """Matching with no case at all (a care manager on the phone): nothing is stored."""
    _require_view(request)
    municipality = request.user.municipality
    form = QuickMatchForm(request.GET or None, municipality=municipality)
    result = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            profile = profiles.profile_from_input(
                municipality=municipality,
                town=data["town"],
                age=data["age"],
                sex=data["sex"],
                care_level=data["care_level"],
                max_walk_m=data["max_walk_m"],
                days=data["days"],
                time_from=data["time_from"],
                time_to=data["time_to"],
                interests=data["interests"],
                role=data["role"],
                notes=data["notes"],
                wishes=set(data["wishes"]),
                is_carer=data["is_carer"],
                memory_concern=data["memory_concern"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            result = matching.match(profile, limit=10)
    return render(
        request,
        "cases/quick_match.html",
        {
            "form": form,
            "result": result,
            "part_labels": matching.PART_LABELS,
            "part_weights": matching.PART_WEIGHTS,
        },
    )


# --- case stories ----------------------------------------------------------------------------


@login_required
def story_library(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    text = request.GET.get("q", "")
    page = Paginator(selectors.story_library(user=request.user, text=text), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/story_library.html",
        {
            "page": page,
            "stories": page.object_list,
            "q": text,
            "drafts": selectors.story_drafts_visible_to(user=request.user).exclude(
                status=CaseStory.Status.PUBLISHED
            )[:50],
            "for_review": selectors.stories_for_review(user=request.user),
        },
    )


@login_required
@require_POST
def story_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    story = stories.story_draft_from_case(user=request.user, case=case, request=request)
    messages.success(request, "事例の下書きを作りました。個人が分からないよう見直してください。")
    return redirect("cases:story_edit", pk=story.pk)


@login_required
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    story = selectors.story_get_visible(user=request.user, pk=pk)
    return _story_page(request, story)


def _story_page(request: HttpRequest, story: CaseStory, review_form=None) -> HttpResponse:
    """The story page; after a refused review, with the review form as it was sent."""
    can_review = (
        story.status == CaseStory.Status.IN_REVIEW
        and policy.has(request.user, Capability.REVIEW_CASE_STORIES)
        and story.written_by_id != request.user.pk
    )
    if can_review and review_form is None:
        review_form = StoryReviewForm()
    return render(
        request,
        "cases/story_detail.html",
        {
            "story": story,
            "findings": stories.story_findings(story)
            if story.status != CaseStory.Status.PUBLISHED
            else [],
            "can_edit": story.status != CaseStory.Status.PUBLISHED
            and policy.can_write_area(request.user, story.area_id, story.municipality_id),
            "can_review": can_review,
            "review_form": review_form if can_review else None,
            "can_withdraw": story.status == CaseStory.Status.PUBLISHED
            and policy.has(request.user, Capability.REVIEW_CASE_STORIES),
        },
        status=422 if review_form is not None and review_form.errors else 200,
    )


@login_required
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    story = selectors.story_get_visible(user=request.user, pk=pk)
    if not policy.can_write_area(request.user, story.area_id, story.municipality_id):
        raise PermissionDenied("この事例を変更する権限がありません。")
    form = CaseStoryForm(request.POST or None, user=request.user, instance=story)
    if request.method == "POST" and form.is_valid():
        try:
            stories.story_update(
                user=request.user, story=story, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "事例を保存しました。")
            return redirect("cases:story_detail", pk=story.pk)
    return render(
        request,
        "cases/story_form.html",
        {"form": form, "story": story, "findings": stories.story_findings(story)},
    )


@login_required
@require_POST
def story_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    story = selectors.story_get_visible(user=request.user, pk=pk)
    try:
        stories.story_submit(user=request.user, story=story, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "事例を確認に回しました。")
    return redirect("cases:story_detail", pk=story.pk)


@login_required
@require_POST
def story_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    story = selectors.story_get_visible(user=request.user, pk=pk)
    stories.require_story_reviewer(user=request.user, story=story)
    form = StoryReviewForm(request.POST)
    if form.is_valid():
        try:
            stories.story_review(
                user=request.user,
                story=story,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "事例の確認を記録しました。")
            return redirect("cases:story_detail", pk=story.pk)
    # Shown again with what was chosen and typed, and the reason it was refused.
    return _story_page(request, story, review_form=form)


@login_required
@require_POST
def story_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    story = selectors.story_get_visible(user=request.user, pk=pk)
    try:
        stories.story_withdraw(user=request.user, story=story, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "事例の公開を取り下げました。")
    return redirect("cases:story_detail", pk=story.pk)


# --- counts for officials ----------------------------------------------------------------------


# --- data-subject requests -------------------------------------------------------------------


@login_required
def case_person_export(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    case = selectors.case_get_visible(user=request.user, pk=pk)
    document = data_subject.case_person_export(user=request.user, case=case, request=request)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="case-{case.number}.json"'
    return response


@login_required
def case_person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    case = selectors.case_get_visible(user=request.user, pk=pk)  # the page shows its number only
    data_subject.require_data_subject_rights(user=request.user, case=case)
    form = DeleteRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_subject.case_person_delete(
                user=request.user,
                case=case,
                confirm_number=form.cleaned_data["confirm_number"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "ケースを削除しました。監査ログには番号だけが残ります。")
            return redirect("cases:list")
    return render(request, "cases/delete_request.html", {"form": form, "case": case})
