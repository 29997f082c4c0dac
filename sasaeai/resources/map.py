"""What the map draws: one feature per service of a result set (the same set the list shows),
coloured and lettered by its main category, and the legend."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.urls import reverse

from .models import Category, Service
from .selectors import area_centroids, map_point

MAP_LIMIT = 2000
DEFAULT_COLOUR = "#616161"
DEFAULT_SYMBOL = "他"


def _top_categories() -> dict[int, Category]:
    """Each activity category mapped to its top-level ancestor (which carries the colour)."""
    categories = {c.pk: c for c in Category.objects.filter(axis=Category.Axis.ACTIVITY)}
    tops = {}
    for pk, category in categories.items():
        top = category
        depth = 0
        while top.parent_id and top.parent_id in categories and depth < 10:
            top = categories[top.parent_id]
            depth += 1
        tops[pk] = top
    return tops


def legend(municipality_id: int | None) -> list[dict]:
    """The top-level activity categories (shared ones and the municipality's own)."""
    return [
        {"code": c.code, "name": c.name, "color": c.color or DEFAULT_COLOUR, "symbol": c.symbol}
        for c in Category.objects.filter(
            Q(municipality__isnull=True) | Q(municipality_id=municipality_id),
            axis=Category.Axis.ACTIVITY,
            parent__isnull=True,
            is_active=True,
        ).order_by("order", "id")
    ]


def _rows(queryset: QuerySet[Service], *, public: bool, municipality_code: str, limit: int) -> list:
    """The result set's first `limit + 1` rows in the list's order, as plain values (a map may
    carry up to `limit` services)."""
    return list(
        queryset.values_list(
            "pk",
            "name",
            "area_id",
            "location_id",
            "location__latitude",
            "location__longitude",
            "location__is_approximate",
            "location__is_private_home",
            "town__latitude",
            "town__longitude",
            # The public detail URL names the municipality: each row's own unless given.
            "municipality__code" if public and not municipality_code else "municipality_id",
        )[: limit + 1]
    )


def map_features(
    queryset: QuerySet[Service],
    *,
    public: bool,
    detail_url: str = "resources:detail",
    municipality_code: str = "",
    limit: int = MAP_LIMIT,
) -> dict:
    """{"features": [...], "shown": N, "unplaced": k, "truncated": bool, "limit": L} for the
    result set: at most `limit` features in the list's order; a fixed number of queries."""
    rows = _rows(queryset, public=public, municipality_code=municipality_code, limit=limit)
    return _features(
        rows, public=public, detail_url=detail_url, municipality_code=municipality_code, limit=limit
    )


def page_and_map(
    queryset: QuerySet[Service],
    *,
    page_number: object,
    per_page: int,
    page_rows: Callable[[QuerySet[Service]], QuerySet[Service]],
    public: bool,
    detail_url: str = "resources:detail",
    municipality_code: str = "",
    limit: int = MAP_LIMIT,
) -> tuple[Page, dict]:
    """A page of the result set and the map of all of it (map_features), matching the set
    once: the map's rows are every result in the list's order, so when they are all there
    (at most `limit`) they give the count and the page's ids too, and the page's services are
    read by id (`page_rows` adds what a row shows). A search checks its words on each row's
    text: done once rather than three times (count, page, map), the list costs a third.
    Beyond `limit` results the page and the count are queried as usual."""
    rows = _rows(queryset, public=public, municipality_code=municipality_code, limit=limit)
    features = _features(
        rows, public=public, detail_url=detail_url, municipality_code=municipality_code, limit=limit
    )
    if features["truncated"]:
        return Paginator(page_rows(queryset), per_page).get_page(page_number), features
    page = Paginator([row[0] for row in rows], per_page).get_page(page_number)
    ids = list(page.object_list)
    services = {s.pk: s for s in page_rows(Service.objects.filter(pk__in=ids))}
    page.object_list = [services[pk] for pk in ids if pk in services]
    return page, features


def _features(
    rows: list, *, public: bool, detail_url: str, municipality_code: str, limit: int
) -> dict:
    truncated = len(rows) > limit
    rows = rows[:limit]
    through = Service.categories.through
    first_category: dict[int, int] = {}
    for service_id, category_id in (
        through.objects.filter(service_id__in=[r[0] for r in rows])
        .order_by("service_id", "category__order", "category_id")
        .values_list("service_id", "category_id")
    ):
        first_category.setdefault(service_id, category_id)
    tops = _top_categories()
    area_points = (
        area_centroids(area_ids=[row[2] for row in rows if row[7] and row[2]]) if public else {}
    )
    # One reverse() per municipality: the detail URL with a marker where the id goes.
    marker = "987654321"
    patterns: dict[str, str] = {}

    def url_for(pk: int, code: str) -> str:
        if code not in patterns:
            args = [code, marker] if public else [marker]
            patterns[code] = reverse(detail_url, args=args)
        return patterns[code].replace(marker, str(pk))

    features = []
    unplaced = 0
    for row in rows:
        pk, name, area_id, location_id, lat, lon, approx, private, town_lat, town_lon, code = row
        point = map_point(
            has_location=location_id is not None,
            latitude=lat,
            longitude=lon,
            is_approximate=bool(approx),
            is_private_home=bool(private),
            town_latitude=town_lat,
            town_longitude=town_lon,
            area_id=area_id,
            public=public,
            area_points=area_points,
        )
        if point is None:
            unplaced += 1
            continue
        top = tops.get(first_category.get(pk))
        url = url_for(pk, (municipality_code or str(code)) if public else "")
        features.append(
            {
                "id": pk,
                "name": name,
                "lat": round(point.latitude, 6),
                "lon": round(point.longitude, 6),
                "precision": point.precision,
                "category": top.name if top else "その他",
                "code": top.code if top else "other",
                "color": (top.color if top and top.color else DEFAULT_COLOUR),
                "symbol": (top.symbol if top and top.symbol else DEFAULT_SYMBOL),
                "url": url,
            }
        )
    return {
        "features": features,
        "shown": len(features),
        "unplaced": unplaced,
        "truncated": truncated,
        "limit": limit,
    }
