"""The public side of the living directory (no login): the organiser's update page behind a
private link, and residents' reports on the finder. They read only public resource data and
write only the proposals inbox; every use is logged and rate-limited (limits.py)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from sasaeai.org.models import Area, Municipality
from sasaeai.resources import selectors as resource_selectors
from sasaeai.resources.public import public_service

from . import limits, selectors, services
from .fields import current_values
from .forms import ErrorReportForm, OrganiserChangeForm, PlaceSuggestionForm
from .models import OrganiserLink, PublicUse

K = PublicUse.Kind

# Pages other issues hang behind the same link (「参加者数を報告」, issue #23): each entry is
# (label, URL name taking the link's secret). Shown as buttons on the organiser's page.
ORGANISER_ACTIONS: list[tuple[str, str]] = []


def refused(request: HttpRequest, status: int, municipality: Municipality | None = None):
    template = "directory/public/limited.html" if status == 429 else "directory/public/no_link.html"
    return render(request, template, {"municipality": municipality}, status=status)


def open_link(request: HttpRequest, secret: str) -> OrganiserLink | HttpResponse:
    """The link a secret opens, or the page refusing it (unknown, expired, revoked, or over
    its rate limits): every page behind the organiser's link starts here, also those other
    apps hang behind it (ORGANISER_ACTIONS)."""
    client = limits.client_key(request)
    if limits.exceeded(limits.GUESSES, client=client):
        limits.log_use(K.LIMITED, client=client)
        return refused(request, 429)
    link = services.link_resolve(secret)
    if link is None:
        limits.log_use(K.LINK_INVALID, client=client)
        return refused(request, 404)
    if limits.exceeded(limits.LINK_USES, link_id=link.pk):
        limits.log_use(K.LIMITED, client=client, link=link)
        return refused(request, 429, link.service.municipality)
    return link


def _listing(link: OrganiserLink) -> dict:
    service = resource_selectors.with_display_relations(
        resource_selectors.Service.objects.filter(pk=link.service_id)
    ).get()
    area_points = resource_selectors.area_centroids(service.municipality_id)
    return {
        "service": service,
        "item": public_service(service, area_points=area_points),
        # The organiser's own contact, shown to them even when it is not public.
        "own_contact": {"name": service.contact_name, "phone": service.contact_phone},
        "municipality": service.municipality,
        "verification": resource_selectors.service_verification(service),
    }


@never_cache
def organiser_page(request: HttpRequest, secret: str) -> HttpResponse:
    opened = open_link(request, secret)
    if isinstance(opened, HttpResponse):
        return opened
    link = opened
    client = limits.client_key(request)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        if limits.exceeded(limits.LINK_WRITES, link_id=link.pk):
            limits.log_use(K.LIMITED, client=client, link=link)
            return refused(request, 429, link.service.municipality)
        limits.log_use(K.LINK_CONFIRM, client=client, link=link)
        services.organiser_confirm(link=link, request=request)
        return redirect(f"{request.path}?done=confirmed")
    limits.log_use(K.LINK_VIEW, client=client, link=link)
    return render(
        request,
        "directory/public/organiser.html",
        {
            **_listing(link),
            "secret": secret,
            "done": request.GET.get("done", ""),
            "history": selectors.organiser_history(link),
            "actions": ORGANISER_ACTIONS,
        },
    )


@never_cache
def organiser_change(request: HttpRequest, secret: str) -> HttpResponse:
    opened = open_link(request, secret)
    if isinstance(opened, HttpResponse):
        return opened
    link = opened
    client = limits.client_key(request)
    listing = _listing(link)
    form = OrganiserChangeForm(
        request.POST if request.method == "POST" else None,
        current=current_values(listing["service"]),
    )
    if request.method == "POST":
        if limits.exceeded(limits.LINK_WRITES, link_id=link.pk):
            limits.log_use(K.LIMITED, client=client, link=link)
            return refused(request, 429, link.service.municipality)
        if form.is_valid():
            try:
                services.organiser_propose(
                    link=link, changes=form.changes(), message=form.cleaned_data["message"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                limits.log_use(K.LINK_CHANGE, client=client, link=link)
                return redirect(
                    reverse("directory_public:organiser", args=[secret]) + "?done=changed"
                )
    else:
        limits.log_use(K.LINK_VIEW, client=client, link=link)
    return render(
        request,
        "directory/public/organiser_change.html",
        {**listing, "form": form, "secret": secret},
        status=400 if form.errors else 200,
    )


def _reports_allowed(request: HttpRequest, municipality: Municipality):
    client = limits.client_key(request)
    if limits.exceeded(limits.REPORTS, client=client):
        limits.log_use(K.LIMITED, client=client, municipality_id=municipality.pk)
        return client, refused(request, 429, municipality)
    return client, None


@never_cache
def report_error(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, code=code)
    service = resource_selectors.service_get_public(pk=pk, municipality=municipality)
    form = ErrorReportForm(request.POST if request.method == "POST" else None)
    # A form with errors comes back (it files nothing); what would be filed is rate-limited.
    if request.method == "POST" and (form.is_bot() or form.is_valid()):
        client, refused = _reports_allowed(request, municipality)
        if refused:
            return refused
        if form.is_bot():
            limits.log_use(K.HONEYPOT, client=client, municipality_id=municipality.pk)
            return render(request, "directory/public/thanks.html", {"municipality": municipality})
        if form.is_valid():
            services.resident_report_error(
                service=service,
                message=form.cleaned_data["message"],
                contact=form.cleaned_data["contact"],
            )
            limits.log_use(K.REPORT_ERROR, client=client, municipality_id=municipality.pk)
            return render(
                request,
                "directory/public/thanks.html",
                {"municipality": municipality, "service": service},
            )
    return render(
        request,
        "directory/public/report_error.html",
        {"municipality": municipality, "service": service, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
def suggest_place(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, code=code)
    areas = Area.objects.filter(municipality=municipality).order_by("order", "id")
    form = PlaceSuggestionForm(request.POST if request.method == "POST" else None, areas=areas)
    if request.method == "POST" and (form.is_bot() or form.is_valid()):
        client, refused = _reports_allowed(request, municipality)
        if refused:
            return refused
        if form.is_bot():
            limits.log_use(K.HONEYPOT, client=client, municipality_id=municipality.pk)
            return render(request, "directory/public/thanks.html", {"municipality": municipality})
        if form.is_valid():
            data = form.cleaned_data
            services.resident_suggest_place(
                municipality=municipality,
                values={k: data[k] for k in ("name", "where", "when", "what")},
                area=data["area"],
                contact=data["contact"],
            )
            limits.log_use(K.REPORT_PLACE, client=client, municipality_id=municipality.pk)
            return render(request, "directory/public/thanks.html", {"municipality": municipality})
    return render(
        request,
        "directory/public/suggest_place.html",
        {"municipality": municipality, "form": form},
        status=400 if form.errors else 200,
    )
