"""Pages for regional issues, councils, their meetings and proposals. Thin: parse, call a
service or selector, render. Access is decided in sasaeai.accounts.policy and the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role
from sasaeai.audit.services import audit_record
from sasaeai.core.text import parse_id
from sasaeai.org.models import Area, Municipality

from . import briefing, selectors, services
from . import policy as councils_policy
from .forms import (
    AdvanceForm,
    AgendaAddForm,
    AnswerForm,
    AttachForm,
    DecisionForm,
    EvidenceForm,
    EvidenceSearchForm,
    IssueForm,
    MemberForm,
    MergeForm,
    ProgressForm,
    ProposalForm,
    PublishForm,
    RecommendationForm,
)
from .models import (
    AgendaItem,
    CouncilMember,
    IssueEvidence,
    IssueStatus,
    IssueTheme,
    Proposal,
    Recommendation,
)

VIEW = policy.Capability.VIEW_COUNCILS


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if shown else None, errors)
    else:
        form.add_error(None, exc.messages)


def _render(request, template: str, context: dict, form=None) -> HttpResponse:
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


def _form_again(request, form, *, title: str, back_url: str, lead: str = "") -> HttpResponse:
    """An action posted from a detail page failed: the form comes back on its own page with
    what was typed and the errors summarised at the top (never a redirect that drops them)."""
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": title, "back_url": back_url, "lead": lead},
        status=400,
    )


# --- overview and issues --------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, VIEW)
    data = selectors.overview(user=request.user)
    rows = []
    for area in [*data.areas, None]:
        cells = [data.heat.get((area.id if area else None, theme.id), 0) for theme in data.themes]
        if area is None and not any(cells):
            continue
        rows.append({"area": area.name if area else "市全域", "cells": cells})
    return render(
        request,
        "councils/index.html",
        {
            "overview": data,
            "heat_rows": rows,
            "can_edit": policy.has(request.user, policy.Capability.EDIT_COUNCILS),
        },
    )


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, VIEW)
    user = request.user
    status = request.GET.get("status", "")
    status = status if status in IssueStatus.values else ""
    area_id = request.GET.get("area", "")
    theme_id = request.GET.get("theme", "")
    issues = selectors.issue_search(
        user=user,
        text=request.GET.get("q", "")[:100],
        status=status,
        area_id=parse_id(area_id),
        theme_id=parse_id(theme_id),
    )
    page = Paginator(issues, 30).get_page(request.GET.get("page"))
    counts = selectors.evidence_counts_by_area(issues=[i.id for i in page])
    return render(
        request,
        "councils/issue_list.html",
        {
            "page": page,
            "counts": counts,
            "statuses": IssueStatus.choices,
            "areas": Area.objects.filter(municipality_id=user.municipality_id),
            "themes": IssueTheme.objects.filter(is_active=True),
            "status": status,
            "can_edit": policy.has(user, policy.Capability.EDIT_COUNCILS),
        },
    )


@login_required
def issue_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.EDIT_COUNCILS)
    user = request.user
    initial = {"areas": list(user.areas.all())} if user.role == Role.TIER2 else {}
    form = IssueForm(request.POST or None, municipality=user.municipality, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = services.issue_create(
                request=request,
                user=user,
                title=data["title"],
                description=data["description"],
                areas=data["areas"],
                themes=data["themes"],
                raised_on=data["raised_on"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"地域課題「{issue.title}」を登録しました。")
            return redirect("councils:issue_detail", pk=issue.pk)
    return _render(
        request,
        "councils/form.html",
        {"form": form, "title": "地域課題の登録", "back": "councils:issue_list"},
        form,
    )


def _issue(request: HttpRequest, pk: int):
    policy.require(request.user, VIEW)
    return policy.get_in_scope(selectors.issue_list_visible_to(user=request.user), pk)


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    user = request.user
    can_edit = councils_policy.can_edit_issue(user, issue)
    context = {
        "issue": issue,
        "counts": selectors.evidence_counts(issue=issue),
        "transitions": selectors.transitions_of(issue=issue),
        "evidence": selectors.evidence_visible_to(user=user, issue=issue),
        "figures": list(issue.figures.all()),
        "shows_records": selectors.can_see_evidence_records(user),
        "merged": issue.merged_issues.all(),
        "can_edit": can_edit,
        "can_merge": can_edit
        and policy.has(user, policy.Capability.STEER_COUNCILS)
        and not issue.is_merged,
        "next_statuses": [IssueStatus(s) for s in services.allowed_next_statuses(issue.status)],
        "proposals": issue.proposals.all(),
    }
    if can_edit:
        context["suggestions"] = selectors.suggested_evidence(user=user, issue=issue, limit=10)
        context.update(_evidence_search(request, issue))
        next_status = (services.allowed_next_statuses(issue.status) or [""])[0]
        context["advance_form"] = AdvanceForm(
            meetings=selectors.meeting_visible_to(user=user),
            meeting_choices=selectors.advance_meeting_choices(
                user=user, to_status=next_status, today=timezone.localdate()
            ),
            initial={"to_status": next_status},
        )
    return render(request, "councils/issue_detail.html", context)


def _evidence_search(request: HttpRequest, issue) -> dict:
    """The search of records to attach (words and a period), from the page's query string."""
    form = EvidenceSearchForm(request.GET if "q" in request.GET else None)
    searched = form.is_bound and form.is_valid()
    results = []
    if searched:
        data = form.cleaned_data
        results = selectors.evidence_search(
            user=request.user,
            issue=issue,
            text=data["q"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    return {"search_form": form, "searched": searched, "results": results}


@login_required
def evidence_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The results of the evidence search as an htmx fragment (the page itself shows the same
    results without JavaScript)."""
    issue = _issue(request, pk)
    if not councils_policy.can_edit_issue(request.user, issue):
        raise PermissionDenied
    return render(
        request,
        "councils/_evidence_results.html",
        {"issue": issue, **_evidence_search(request, issue)},
    )


@login_required
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    if not councils_policy.can_edit_issue(request.user, issue):
        raise PermissionDenied
    initial = {
        "title": issue.title,
        "description": issue.description,
        "areas": list(issue.areas.all()),
        "themes": list(issue.themes.all()),
        "proposed_wording": issue.proposed_wording,
    }
    form = IssueForm(
        request.POST or None, initial=initial, municipality=request.user.municipality, editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.issue_update(
                request=request,
                user=request.user,
                issue=issue,
                title=data["title"],
                description=data["description"],
                areas=data["areas"],
                themes=data["themes"],
                proposed_wording=data["proposed_wording"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "地域課題を保存しました。")
            return redirect("councils:issue_detail", pk=issue.pk)
    return _render(
        request,
        "councils/form.html",
        {"form": form, "title": f"「{issue.title}」の編集", "back": "councils:issue_list"},
        form,
    )


@login_required
def issue_advance(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    if not councils_policy.can_edit_issue(request.user, issue):
        raise PermissionDenied
    to_status = (
        request.POST.get("to_status") or (services.allowed_next_statuses(issue.status) or [""])[0]
    )
    form = AdvanceForm(
        request.POST or None,
        meetings=selectors.meeting_visible_to(user=request.user),
        meeting_choices=selectors.advance_meeting_choices(
            user=request.user, to_status=to_status, today=timezone.localdate()
        ),
        initial={"to_status": to_status},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.issue_advance(
                request=request,
                user=request.user,
                issue=issue,
                to_status=data["to_status"],
                date=data["date"],
                meeting=data["meeting"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, f"段階を「{IssueStatus(data['to_status']).label}」にしました。"
            )
            return redirect("councils:issue_detail", pk=issue.pk)
    return _render(
        request,
        "councils/form.html",
        {"form": form, "title": f"「{issue.title}」の段階を進める", "back": "councils:issue_list"},
        form,
    )


@login_required
def issue_merge(request: HttpRequest, pk: int) -> HttpResponse:
    target = _issue(request, pk)
    policy.require(request.user, policy.Capability.STEER_COUNCILS)
    if not councils_policy.can_edit_issue(request.user, target):
        raise PermissionDenied
    candidates = (
        selectors.issue_list_visible_to(user=request.user)
        .filter(merged_into__isnull=True)
        .exclude(pk=target.pk)
    )
    form = MergeForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_merge(
                request=request,
                user=request.user,
                target=target,
                sources=form.cleaned_data["sources"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, "課題を統合しました。統合した課題の経過はそれぞれに残ります。"
            )
            return redirect("councils:issue_detail", pk=target.pk)
    return _render(
        request,
        "councils/form.html",
        {
            "form": form,
            "title": f"「{target.title}」に課題を統合する",
            "back": "councils:issue_list",
        },
        form,
    )


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    if not councils_policy.can_edit_issue(request.user, issue):
        raise PermissionDenied
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            services.evidence_attach(
                request=request, user=request.user, issue=issue, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, _as_validation_error(exc))
        else:
            messages.success(request, "根拠を追加しました。")
            return redirect("councils:issue_detail", pk=issue.pk)
    return _form_again(
        request,
        form,
        title=f"「{issue.title}」に根拠を追加",
        back_url=reverse("councils:issue_detail", kwargs={"pk": issue.pk}),
    )


def _as_validation_error(exc: Exception) -> ValidationError:
    if isinstance(exc, ValidationError):
        return exc
    return ValidationError(str(exc) or "この操作の権限がありません。")


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, policy.Capability.EDIT_COUNCILS)
    evidence = policy.get_in_scope(
        IssueEvidence.objects.filter(issue__municipality_id=request.user.municipality_id), pk
    )
    issue = evidence.issue
    services.evidence_detach(request=request, user=request.user, evidence=evidence)
    messages.success(request, "根拠を外しました。")
    return redirect("councils:issue_detail", pk=issue.pk)


@login_required
def attach_from_record(request: HttpRequest) -> HttpResponse:
    """Reached from a consultation, visit, meeting or case: choose the issue it shows."""
    policy.require(request.user, policy.Capability.EDIT_COUNCILS)
    kind = request.GET.get("kind") or request.POST.get("kind", "")
    record_id = request.GET.get("id") or request.POST.get("record_id", "")
    if kind not in IssueEvidence.Kind.values or not str(record_id).isdecimal():
        return render(
            request,
            "errors/error.html",
            {
                "code": 400,
                "title": "記録を指定してください",
                "message": "相談・訪問・会議・個別ケースの画面から「地域課題に追加」を選んでください。",
            },
            status=400,
        )
    records = services.evidence_record_queryset(user=request.user, kind=kind)
    record = policy.get_in_scope(records, int(record_id))
    editable = [
        i.pk
        for i in selectors.issue_list_visible_to(user=request.user).filter(merged_into__isnull=True)
        if councils_policy.can_edit_issue(request.user, i)
    ]
    form = AttachForm(
        request.POST if request.method == "POST" else None,
        issues=selectors.issue_list_visible_to(user=request.user).filter(pk__in=editable),
    )
    if request.method == "POST" and form.is_valid():
        issue = form.cleaned_data["issue"]
        try:
            services.evidence_attach(
                request=request,
                user=request.user,
                issue=issue,
                kind=kind,
                record_id=record.pk,
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, _as_validation_error(exc))
        else:
            messages.success(request, f"「{issue.title}」の根拠に追加しました。")
            return redirect("councils:issue_detail", pk=issue.pk)
    return render(
        request,
        "councils/attach.html",
        {
            "kind": kind,
            "kind_label": IssueEvidence.Kind(kind).label,
            "record": record,
            "form": form,
            "has_issues": bool(editable),
        },
        status=400 if form.errors else 200,
    )


# --- councils, members, meetings --------------------------------------------------------------


@login_required
def council_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, VIEW)
    return render(
        request,
        "councils/council_list.html",
        {"councils": selectors.council_list_visible_to(user=request.user)},
    )


@login_required
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, VIEW)
    council = policy.get_in_scope(selectors.council_list_visible_to(user=request.user), pk)
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "meetings": selectors.council_meetings(council=council)[:30],
            "can_edit": policy.has(request.user, policy.Capability.EDIT_COUNCILS),
        },
    )


@login_required
def member_edit(request: HttpRequest, council_pk: int, pk: int | None = None) -> HttpResponse:
    policy.require(request.user, policy.Capability.EDIT_COUNCILS)
    council = policy.get_in_scope(selectors.council_list_visible_to(user=request.user), council_pk)
    councils_policy.require_council_edit(request.user, council)
    member = (
        policy.get_in_scope(council.members.all(), pk) if pk else CouncilMember(council=council)
    )
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_save(request=request, user=request.user, member=form.save(commit=False))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "委員を保存しました。")
            return redirect("councils:council_detail", pk=council.pk)
    return _render(
        request,
        "councils/form.html",
        {"form": form, "title": f"{council.name}の委員", "back": "councils:council_list"},
        form,
    )


def _meeting(request: HttpRequest, pk: int):
    policy.require(request.user, VIEW)
    return policy.get_in_scope(selectors.meeting_visible_to(user=request.user), pk)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    can_edit = policy.has(request.user, policy.Capability.EDIT_COUNCILS)
    members = list(meeting.council.members.all()) if meeting.council_id else []
    present = set(meeting.attendances.filter(present=True).values_list("member_id", flat=True))
    items = selectors.agenda_of(meeting=meeting)
    return render(
        request,
        "councils/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "members": members,
            "present": present,
            "can_edit": can_edit,
            "agenda_form": AgendaAddForm(
                issues=selectors.issue_list_visible_to(user=request.user).filter(
                    merged_into__isnull=True
                )
            )
            if can_edit
            else None,
            "decision_forms": {
                item.pk: DecisionForm(instance=item, prefix=f"d{item.pk}") for item in items
            }
            if can_edit
            else {},
        },
    )


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    councils_policy.require_meeting_edit(request.user, meeting)
    form = AgendaAddForm(request.POST, issues=selectors.issue_list_visible_to(user=request.user))
    if form.is_valid():
        try:
            services.agenda_item_add(
                request=request,
                user=request.user,
                meeting=meeting,
                issue=form.cleaned_data["issue"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "議題に追加しました。")
    else:
        messages.error(request, "議題にする地域課題を選んでください。")
    return redirect("councils:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def agenda_decide(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, policy.Capability.EDIT_COUNCILS)
    item = policy.get_in_scope(
        AgendaItem.objects.filter(meeting__municipality_id=request.user.municipality_id), pk
    )
    councils_policy.require_meeting_edit(request.user, item.meeting)
    form = DecisionForm(request.POST, instance=item, prefix=f"d{item.pk}")
    if form.is_valid():
        try:
            services.agenda_item_decide(
                request=request,
                user=request.user,
                item=item,
                decision=form.cleaned_data["decision"],
                decision_text=form.cleaned_data["decision_text"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "決定を記録しました。")
            return redirect("councils:meeting_detail", pk=item.meeting_id)
    return _form_again(
        request,
        form,
        title=f"議題「{item.issue.title}」の決定",
        back_url=reverse("councils:meeting_detail", kwargs={"pk": item.meeting_id}),
    )


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    councils_policy.require_meeting_edit(request.user, meeting)
    ids = [int(v) for v in request.POST.getlist("present") if v.isdecimal()]
    try:
        services.attendance_set(
            request=request, user=request.user, meeting=meeting, present_member_ids=ids
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "出欠を記録しました。")
    return redirect("councils:meeting_detail", pk=meeting.pk)


@login_required
def briefing_pack(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    pdf = briefing.render_briefing_pack(meeting=meeting)
    audit_record(
        request=request, action="export", target=meeting, summary="協議体資料（PDF）を出力"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="briefing-{meeting.pk}.pdf"'
    return response


# --- proposals -------------------------------------------------------------------------------


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    policy.require(request.user, VIEW)
    return policy.get_in_scope(selectors.proposal_list_visible_to(user=request.user), pk)


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, VIEW)
    return render(
        request,
        "councils/proposal_list.html",
        {
            "proposals": selectors.proposal_list_visible_to(user=request.user),
            "can_edit": request.user.role == Role.TIER1,
            "public_url_code": request.user.municipality.code,
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    can_edit = request.user.role == Role.TIER1
    return render(
        request,
        "councils/proposal_detail.html",
        {
            "proposal": proposal,
            "can_edit": can_edit,
            "recommendations": proposal.recommendations.prefetch_related("updates"),
            "answer_form": AnswerForm(),
            "publish_form": PublishForm(),
            "progress_form": ProgressForm(),
            "recommendation_form": RecommendationForm(
                initial={"order": proposal.recommendations.count() + 1}
            ),
        },
    )


@login_required
def proposal_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_tier1(request)
    proposal = _proposal(request, pk) if pk else Proposal(municipality=request.user.municipality)
    form = ProposalForm(
        request.POST or None,
        instance=proposal,
        councils=selectors.council_list_visible_to(user=request.user).filter(tier=1),
        issues=selectors.issue_list_visible_to(user=request.user).filter(merged_into__isnull=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.proposal_save(
                request=request,
                user=request.user,
                proposal=form.save(commit=False),
                issues=form.cleaned_data["issues"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "政策提言を保存しました。")
            return redirect("councils:proposal_detail", pk=saved.pk)
    return _render(
        request,
        "councils/form.html",
        {"form": form, "title": "政策提言", "back": "councils:proposal_list"},
        form,
    )


def _require_tier1(request: HttpRequest) -> None:
    policy.require(request.user, policy.Capability.STEER_COUNCILS)


def _recommendation(request: HttpRequest, pk: int) -> Recommendation:
    _require_tier1(request)
    return policy.get_in_scope(
        Recommendation.objects.filter(
            proposal__municipality_id=request.user.municipality_id
        ).select_related("proposal"),
        pk,
    )


def _recommendation_action(request, recommendation, form, action, summary):
    """Runs one action on a recommendation posted from the proposal page; on an error the form
    comes back on its own page with what was typed."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, summary + "しました。")
            return redirect("councils:proposal_detail", pk=recommendation.proposal_id)
    proposal = recommendation.proposal
    about = f"（提言{recommendation.order}）" if recommendation.pk else ""
    return _form_again(
        request,
        form,
        title=f"「{proposal.title}」{about}: {summary}",
        back_url=reverse("councils:proposal_detail", kwargs={"pk": proposal.pk}),
        lead=recommendation.text if recommendation.pk else "",
    )


@login_required
@require_POST
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_tier1(request)
    proposal = _proposal(request, pk)
    recommendation = Recommendation(proposal=proposal)
    form = RecommendationForm(request.POST, instance=recommendation)
    return _recommendation_action(
        request,
        recommendation,
        form,
        lambda data: services.recommendation_save(
            request=request, user=request.user, recommendation=form.save(commit=False)
        ),
        "提言項目を追加",
    )


@login_required
@require_POST
def recommendation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    return _recommendation_action(
        request,
        recommendation,
        AnswerForm(request.POST),
        lambda data: services.recommendation_answer(
            request=request, user=request.user, recommendation=recommendation, **data
        ),
        "市の回答を記録",
    )


@login_required
@require_POST
def recommendation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    return _recommendation_action(
        request,
        recommendation,
        PublishForm(request.POST),
        lambda data: services.recommendation_publish_answer(
            request=request, user=request.user, recommendation=recommendation, **data
        ),
        "市の回答を公表",
    )


@login_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    return _recommendation_action(
        request,
        recommendation,
        ProgressForm(request.POST),
        lambda data: services.progress_add(
            request=request, user=request.user, recommendation=recommendation, **data
        ),
        "進捗を記録",
    )


def public_accountability(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of proposals and the city's published answers (no login)."""
    municipality = get_object_or_404(Municipality, code=code)
    proposals = selectors.proposal_list_public(municipality_id=municipality.id)
    return render(
        request, "councils/public.html", {"municipality": municipality, "proposals": proposals}
    )
