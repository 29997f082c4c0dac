"""The organiser's 「参加者数を報告」 page, behind the living directory's private link (no login):
a month of counts for the link's own place, through the same write as the coordinators' form.
The link is checked, rate-limited and logged by the directory (open_link, limits)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from sasaeai.directory import limits
from sasaeai.directory.models import PublicUse
from sasaeai.directory.public_views import open_link, refused

from . import services
from .forms import OrganiserParticipationForm


@never_cache
def organiser_report(request: HttpRequest, secret: str) -> HttpResponse:
    opened = open_link(request, secret)
    if isinstance(opened, HttpResponse):
        return opened
    link = opened
    service = link.service
    client = limits.client_key(request)
    form = OrganiserParticipationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limits.exceeded(limits.LINK_WRITES, link_id=link.pk):
            limits.log_use(PublicUse.Kind.LIMITED, client=client, link=link)
            return refused(request, 429, service.municipality)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_participation(
                    service=service,
                    month=data["month"],
                    sessions=data["sessions"],
                    participants=data["participants"],
                    attendances=data["attendances"],
                    aged_65_plus=data["aged_65_plus"],
                    men=data["men"],
                    support_needed=data["support_needed"],
                    volunteers=data["volunteers"],
                    user=None,
                    request=request,
                    via="主催者のリンク",
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                limits.log_use(PublicUse.Kind.LINK_COUNTS, client=client, link=link)
                return redirect(
                    reverse("directory_public:organiser", args=[secret]) + "?done=counted"
                )
    else:
        limits.log_use(PublicUse.Kind.LINK_VIEW, client=client, link=link)
    return render(
        request,
        "participation/public/organiser_report.html",
        {"form": form, "secret": secret, "service": service, "municipality": service.municipality},
        status=400 if form.errors else 200,
    )
