"""The audit log search page (read-only by design: there is no edit or delete view)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sasaeai.accounts import policy

from .models import AuditEvent
from .selectors import audit_search


class AuditSearchForm(forms.Form):
    q = forms.CharField(
        label="キーワード",
        required=False,
        max_length=100,
        help_text="ユーザー名・内容・対象の種類・ID",
    )
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "すべて"), *AuditEvent.Action.choices]
    )
    date_from = forms.DateField(
        label="開始日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="終了日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@require_GET
@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_AUDIT)
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_search(
        user=request.user,
        text=filters.get("q", ""),
        action=filters.get("action", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})
