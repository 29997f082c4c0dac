"""The public finder: residents, care managers and families look for places without logging
in. Only public, consented, active services; only the fields meant for the public."""

import dataclasses
import math

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from sasaeai.org.models import Area, Municipality

from . import selectors
from .brochure import brochure_pdf as render_brochure
from .forms import SearchForm
from .map import legend, map_features, page_and_map
from .public import public_service
from .schedules import service_next_dates

PAGE_SIZE = 20


def _municipality(code: str) -> Municipality:
    return get_object_or_404(Municipality, code=code)


def index(request: HttpRequest) -> HttpResponse:
    municipalities = list(Municipality.objects.order_by("code"))
    if len(municipalities) == 1:
        return redirect("finder:search", code=municipalities[0].code)
    return render(request, "resources/public/index.html", {"municipalities": municipalities})


@cache_control(public=True, max_age=60)
def search(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality(code)
    form = SearchForm(request.GET or None, municipality=municipality, public=True)
    if form.is_bound:
        form.is_valid()
    result = selectors.service_search_public(municipality=municipality, filters=form.to_filters())
    page, features = page_and_map(
        result.queryset,
        page_number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        page_rows=selectors.with_display_relations,
        public=True,
        detail_url="finder:detail",
        municipality_code=municipality.code,
    )
    area_points = selectors.area_centroids(municipality.pk)
    items = [public_service(s, area_points=area_points) for s in page]
    if result.distances:  # 「この場所の近く」: each result's walking distance
        items = [_with_walk(item, result.distances.get(item.id)) for item in items]
    return render(
        request,
        "resources/public/search.html",
        {
            "municipality": municipality,
            "form": form,
            "page": page,
            "items": items,
            "conditions": _conditions(form),
            "count": page.paginator.count,
            "result": result,
            "features": features,
            "legend": legend(municipality.pk),
            "map": {
                "tile_url": settings.MAP_TILE_URL,
                "attribution": settings.MAP_TILE_ATTRIBUTION,
            },
            "areas": Area.objects.filter(municipality=municipality).order_by("order", "id"),
        },
    )


# Walking speed used in Japanese property listings (不動産の表示に関する公正競争規約: 80 m a minute).
WALK_M_PER_MINUTE = 80


def _with_walk(item, metres: float | None):
    if metres is None:
        return item
    rounded = int(round(metres / 10) * 10)
    minutes = max(1, math.ceil(metres / WALK_M_PER_MINUTE))
    return dataclasses.replace(
        item, extra={**item.extra, "distance_m": rounded, "walk_minutes": minutes}
    )


def _conditions(form: SearchForm) -> list[tuple[str, str]]:
    """The search conditions in words, for the printout (label, value)."""
    if not form.is_bound or not hasattr(form, "cleaned_data"):
        return []
    shown = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], False):
            continue
        choices = dict((str(k), v) for k, v in getattr(field, "choices", []) or [])
        if isinstance(value, list):
            text = "・".join(str(choices.get(str(v), v)) for v in value)
        elif value is True:
            text = "はい"
        elif choices:
            text = str(choices.get(str(value), value))
        else:
            text = str(value)
        shown.append((str(field.label), text))
    return shown


@cache_control(public=True, max_age=60)
def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = _municipality(code)
    service = selectors.service_get_public(pk=pk, municipality=municipality)
    area_points = selectors.area_centroids(municipality.pk)
    schedules = list(service.schedules.all())
    return render(
        request,
        "resources/public/detail.html",
        {
            "municipality": municipality,
            "item": public_service(service, area_points=area_points),
            "next_dates": service_next_dates(schedules, start=timezone.localdate(), count=5),
            "features": map_features(
                selectors.service_public_queryset(municipality=municipality).filter(pk=pk),
                public=True,
                detail_url="finder:detail",
                municipality_code=municipality.code,
            ),
            "legend": legend(municipality.pk),
            "map": {
                "tile_url": settings.MAP_TILE_URL,
                "attribution": settings.MAP_TILE_ATTRIBUTION,
            },
        },
    )


def brochure_index(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality(code)
    return render(
        request,
        "resources/public/brochure_index.html",
        {
            "municipality": municipality,
            "areas": Area.objects.filter(municipality=municipality).order_by("order", "id"),
        },
    )


def brochure_pdf(request: HttpRequest, code: str, area_id: int) -> HttpResponse:
    """The printable A4 list of one area (地域資源マップ), PDF with an embedded Japanese font."""
    municipality = _municipality(code)
    area = Area.objects.filter(municipality=municipality, pk=area_id).first()
    if area is None:
        raise Http404("見つかりません。")
    finder_url = request.build_absolute_uri(f"/finder/{municipality.code}/?area={area.pk}")
    pdf = render_brochure(municipality=municipality, area=area, finder_url=finder_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"resources-{municipality.code}-area{area.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
