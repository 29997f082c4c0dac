"""Staff pages of the living directory: a resource's organiser link (with its QR code), the
review queue and a proposal's review, and the data-quality panel."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.resources import selectors as resource_selectors
from sasaeai.resources import services as resource_services
from sasaeai.resources import views as resource_views

from . import selectors, services
from .forms import LinkForm, ProposalFilterForm, ReviewForm, VerificationPolicyForm
from .models import Proposal

PAGE_SIZE = 30


def qr_svg(text: str) -> str:
    """The QR code of a URL as inline SVG (the same library as the two-factor set-up)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def link_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue (or re-issue) and revoke the organiser's update link of a resource. The secret is
    kept only as a digest, so the URL and its QR code are shown once, when issued."""
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    service = resource_selectors.service_get_visible(user=user, pk=pk)
    if not policy.can_edit_resource(user, service):
        policy.require(user, Capability.MANAGE_ORG)  # refuses tier 2 of another area
    issued = None
    default_days = resource_selectors.verification_policy(service.municipality_id).link_days
    form = LinkForm(initial={"days": default_days})
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            count = services.link_revoke(service=service, user=user, request=request)
            messages.success(request, f"主催者用リンクを{count}件取り消しました。")
            return redirect("directory:link", pk=service.pk)
        form = LinkForm(request.POST)
        if form.is_valid():
            try:
                link, plain = services.link_create(
                    service=service, user=user, days=form.cleaned_data["days"], request=request
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                url = request.build_absolute_uri(
                    reverse("directory_public:organiser", args=[plain])
                )
                issued = {"link": link, "url": url, "qr": mark_safe(qr_svg(url))}
    return render(
        request,
        "directory/link.html",
        {
            "service": service,
            "links": selectors.links_of(service)[:20],
            "form": form,
            "issued": issued,
        },
        status=400 if form.errors else 200,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    form = ProposalFilterForm(request.GET or None)
    status = "open"
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
    page = Paginator(selectors.proposal_queue(user=user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/queue.html",
        {"form": form, "page": page, "status": status},
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    proposal = selectors.proposal_get(user=user, pk=pk)
    changes = selectors.proposal_changes(proposal)
    form = ReviewForm(request.POST if request.method == "POST" else None, changes=changes)
    if request.method == "POST" and proposal.status == Proposal.Status.OPEN and form.is_valid():
        try:
            services.proposal_decide(
                user=user,
                proposal=proposal,
                accept=form.cleaned_data["decision"] == "accept",
                values=form.accepted_values(),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    target = (
                        (f"value_{field}" if f"value_{field}" in form.fields else None)
                        if field != "reason"
                        else "reason"
                    )
                    for error in errors:
                        form.add_error(target, error)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, "情報提供に対応しました。")
            return redirect("directory:queue")
    new_resource_url = ""
    if proposal.kind == Proposal.Kind.NEW_PLACE:
        new_resource_url = (
            reverse("directory:register", args=[proposal.pk]) + "?" + _prefill(proposal)
        )
    return render(
        request,
        "directory/review.html",
        {
            "proposal": proposal,
            "changes": changes,
            "form": form,
            "duplicates": selectors.duplicate_candidates(proposal, user=user),
            "new_resource_url": new_resource_url,
        },
        status=400 if form.errors else 200,
    )


@login_required
def register_place(request: HttpRequest, pk: int) -> HttpResponse:
    """The new-resource form prefilled from a resident's suggested place (the query string
    carries the prefill, and the form posts back to this address). Saving it registers the
    resource and, in the same transaction, closes the suggestion linked to it."""
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    proposal = selectors.proposal_get(user=user, pk=pk)
    if proposal.kind != Proposal.Kind.NEW_PLACE or proposal.status != Proposal.Status.OPEN:
        messages.info(request, "この情報提供はすでに対応済みです。")
        return redirect("directory:review", pk=proposal.pk)

    def close_suggestion(service) -> None:
        services.proposal_register_place(
            user=user, proposal=proposal, service=service, request=request
        )

    return resource_views.service_form_page(request, service=None, after_create=close_suggestion)


def _prefill(proposal: Proposal) -> str:
    from urllib.parse import urlencode

    changes = proposal.changes
    description = "\n".join(v for v in [changes.get("what", ""), changes.get("when", "")] if v)
    return urlencode(
        {
            "name": changes.get("name", ""),
            "description": description,
            "address": changes.get("where", ""),
        }
    )


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    return render(
        request,
        "directory/quality.html",
        {
            "rows": selectors.data_quality(user=user),
            "needed": selectors.NEEDED_LABELS,
            "valid_days": resource_selectors.verification_policy(user.municipality_id).valid_days,
        },
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The municipality's settings: how long a verification lasts, when an unverified resource
    is hidden as 「確認中」, the organiser links' period, the residents' page title and contact,
    and where new proposals are mailed (administrators)."""
    user = request.user
    policy.require(user, Capability.MANAGE_ORG)
    row = resource_selectors.verification_policy(user.municipality_id)
    form = VerificationPolicyForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        resource_services.verification_policy_save(
            user=user, policy_row=form.save(commit=False), request=request
        )
        messages.success(request, "確認と公開の設定を保存しました。")
        return redirect("directory:settings")
    return render(
        request,
        "directory/settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
