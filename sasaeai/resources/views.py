"""Staff pages of the resource database: search list with map, record, history and restore,
create and edit, exact point, confirmation, re-check list, synonyms and categories."""

from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability

from . import selectors, services
from .forms import (
    CategoryForm,
    ConfirmForm,
    PointForm,
    ScheduleFormSet,
    SearchForm,
    ServiceForm,
    SynonymForm,
)
from .map import legend, map_features, page_and_map
from .models import Category, Organization, Service, Synonym
from .schedules import service_next_dates

PAGE_SIZE = 50


def _map_settings() -> dict:
    return {"tile_url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    """Search and filter; the list (paginated) and the map show the same result set."""
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    form = SearchForm(request.GET or None, municipality=user.municipality)
    if form.is_bound:
        form.is_valid()
    result = selectors.service_search(user=user, filters=form.to_filters())
    public = policy.sees_public_only(user)  # 広域閲覧: the finder's points and pages
    page, features = page_and_map(
        result.queryset,
        page_number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        page_rows=selectors.with_list_relations,
        public=public,
        detail_url="finder:detail" if public else "resources:detail",
    )
    for service in page:
        service.distance_m = result.distances.get(service.pk)
    writable = set()
    if policy.has(user, Capability.EDIT_RESOURCES):
        writable = {s.pk for s in page if policy.can_write_area(user, s.area_id, s.municipality_id)}
    return render(
        request,
        "resources/list.html",
        {
            "form": form,
            "page": page,
            "result": result,
            "count": page.paginator.count,
            "features": features,
            "legend": legend(user.municipality_id),
            "map": _map_settings(),
            "writable": writable,
            "can_create": policy.has(user, Capability.EDIT_RESOURCES),
            "can_import": policy.has(user, Capability.IMPORT_RESOURCES),
            "today": timezone.localdate(),
            "recheck_limit": selectors.recheck_limit(),
        },
    )


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    service = selectors.service_get_visible(user=user, pk=pk)
    if policy.sees_public_only(user):  # 広域閲覧: the page residents see
        return redirect("finder:detail", service.municipality.code, service.pk)
    return _detail_page(request, service)


def _detail_page(request: HttpRequest, service: Service, *, point_form=None) -> HttpResponse:
    """The resource page; with a point form that failed, shown again with what was typed."""
    user = request.user
    today = timezone.localdate()
    schedules = list(service.schedules.all())
    features = map_features(
        Service.objects.filter(pk=service.pk), public=False, detail_url="resources:detail"
    )
    can_edit = policy.can_edit_resource(user, service)
    return render(
        request,
        "resources/detail.html",
        {
            "service": service,
            "schedules": schedules,
            "next_dates": service_next_dates(schedules, start=today, count=5),
            "features": features,
            "legend": legend(service.municipality_id),
            "map": _map_settings(),
            "can_edit": can_edit,
            "can_confirm": policy.can_write_municipality(user, service.municipality_id)
            and policy.has(user, Capability.EDIT_RESOURCES),
            "confirm_form": ConfirmForm(initial={"confirmed_on": today}),
            "point_form": point_form
            or PointForm(
                initial={
                    "latitude": service.location.latitude if service.location else None,
                    "longitude": service.location.longitude if service.location else None,
                }
            ),
            "verification": selectors.service_verification(service, today=today),
            "pick_ids": {"lat": "id_latitude", "lon": "id_longitude"},
            "public_url": reverse("finder:detail", args=[service.municipality.code, service.pk])
            if service.is_publicly_visible
            else "",
        },
        status=400 if point_form is not None and point_form.errors else 200,
    )


def _schedule_entries(formset) -> list[dict]:
    entries = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        entries.append(form.schedule_values())
    return entries


PREFILLED = ("name", "description", "address")


def service_form_page(
    request, *, service: Service | None, after_create: Callable[[Service], None] | None = None
) -> HttpResponse:
    """The create and edit form. `after_create` runs in the same transaction as a new
    resource's creation (the directory closes the resident's suggestion it came from)."""
    user = request.user
    municipality = service.municipality if service else user.municipality
    # A new resource may start from a resident's suggestion (the directory's review page).
    initial = (
        {k: request.GET[k][:1000] for k in PREFILLED if request.GET.get(k)}
        if service is None and request.method == "GET"
        else {}
    )
    form = ServiceForm(
        request.POST or None,
        instance=service or Service(municipality=municipality),
        municipality=municipality,
        initial=initial,
    )
    formset = ScheduleFormSet(request.POST or None, instance=form.instance, prefix="schedules")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                fields = form.service_fields()
                if form.cleaned_data.get("new_organization"):
                    fields["organization"] = services.organization_save(
                        user=user,
                        fields={"name": form.cleaned_data["new_organization"]},
                        request=request,
                    )
                location = None
                if form.has_place:
                    location = services.location_save(
                        user=user,
                        municipality=municipality,
                        location=service.location if service else None,
                        organization=fields.get("organization"),
                        request=request,
                        **form.place_values(),
                    )
                common = dict(
                    user=user,
                    fields=fields,
                    location=location,
                    categories=form.cleaned_data["categories"],
                    target_groups=form.cleaned_data["target_groups"],
                    schedules=_schedule_entries(formset),
                )
                if service is None:
                    saved = services.service_create(
                        municipality=municipality, request=request, **common
                    )
                    if after_create is not None:
                        after_create(saved)
                else:
                    if location is None and service.location_id:
                        common["location"] = None
                    saved = services.service_update(service=service, request=request, **common)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"「{saved.name}」を保存しました。")
            return redirect("resources:detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "resources/form.html",
        {
            "form": form,
            "formset": formset,
            "service": service,
            "map": _map_settings(),
            "legend": legend(municipality.pk),
            "features": map_features(Service.objects.filter(pk=service.pk), public=False)
            if service
            else map_features(Service.objects.none(), public=False),
            "pick_ids": {
                "lat": "id_latitude",
                "lon": "id_longitude",
                "approx": "id_is_approximate",
            },
        },
        status=status,
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        mapping = {"town": "town", "latitude": "latitude", "longitude": "longitude"}
        for field, errors in exc.message_dict.items():
            target = mapping.get(field, field)
            if target == "location":
                target = "address"
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_RESOURCES)
    return service_form_page(request, service=None)


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    service = selectors.service_get_visible(user=user, pk=pk)
    if not policy.can_edit_resource(user, service):
        raise PermissionDenied("担当圏域の外の社会資源は変更できません。")
    return service_form_page(request, service=service)


@login_required
@require_POST
def service_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    service = selectors.service_get_visible(user=user, pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"確認した日: {error}")
    else:
        services.service_confirm(
            service=service,
            user=user,
            when=form.cleaned_data["confirmed_on"],
            via=Service.ConfirmedVia.STAFF,
            request=request,
        )
        messages.success(request, f"「{service.name}」を確認済みにしました。")
    if request.POST.get("next_page") == "recheck":
        return redirect("resources:recheck")
    return redirect("resources:detail", pk=service.pk)


@login_required
@require_POST
def service_set_point(request: HttpRequest, pk: int) -> HttpResponse:
    """Sets the exact point a coordinator chose by clicking the map."""
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    service = selectors.service_get_visible(user=user, pk=pk)
    if not policy.can_edit_resource(user, service):
        raise PermissionDenied("担当圏域の外の社会資源は変更できません。")
    form = PointForm(request.POST)
    if service.location is None:
        messages.error(request, "場所が登録されていません。先に住所または町を登録してください。")
    elif not form.is_valid():
        # Shown again on the resource page with both coordinates as typed.
        return _detail_page(request, service, point_form=form)
    else:
        location = service.location
        services.location_save(
            user=user,
            municipality=service.municipality,
            location=location,
            name=location.name,
            address=location.address,
            address_2=location.address_2,
            town=location.town,
            latitude=form.cleaned_data["latitude"],
            longitude=form.cleaned_data["longitude"],
            is_approximate=False,
            is_private_home=location.is_private_home,
            place_type=location.place_type,
            organization=location.organization,
            request=request,
        )
        messages.success(request, "地図で指定した位置を保存しました。")
    return redirect("resources:detail", pk=service.pk)


@login_required
def service_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCE_RECORDS)  # versions hold internal fields
    service = selectors.service_get_visible(user=user, pk=pk)
    versions = list(service.history.select_related("history_user"))
    category_rows = apps.get_model("resources", "HistoricalService_categories").objects.filter(
        history__in=[v.history_id for v in versions]
    )
    names = dict(Category.objects.values_list("pk", "name"))
    categories_by_version: dict[int, list[str]] = {}
    for history_id, category_id in category_rows.values_list("history_id", "category_id"):
        categories_by_version.setdefault(history_id, []).append(names.get(category_id, "?"))
    rows = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changes = []
        if previous is not None:
            delta = version.diff_against(previous)
            for change in delta.changes:
                field = Service._meta.get_field(change.field)
                changes.append(
                    {
                        "label": field.verbose_name,
                        "old": _display(change.old, field),
                        "new": _display(change.new, field),
                    }
                )
        rows.append(
            {
                "version": version,
                "changes": changes,
                "is_current": index == 0,
                "categories": categories_by_version.get(version.history_id, []),
            }
        )
    return render(
        request,
        "resources/history.html",
        {"service": service, "rows": rows, "can_edit": policy.can_edit_resource(user, service)},
    )


def _display(value, field) -> str:
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, list):  # many-to-many: list of through-row dicts
        names = []
        for row in value:
            related = row.get("category") or row.get("targetgroup")
            names.append(str(_m2m_name(related, field)))
        return "、".join(names) or "（なし）"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if field.is_relation:
        model = field.related_model
        obj = model.objects.filter(pk=value).first()
        return str(obj) if obj else f"（削除済み {value}）"
    return str(value)


def _m2m_name(pk, field) -> str:
    model = field.related_model
    obj = model.objects.filter(pk=pk).first()
    return obj.name if obj else str(pk)


@login_required
@require_POST
def service_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    service = selectors.service_get_visible(user=user, pk=pk)
    if not policy.can_edit_resource(user, service):
        raise PermissionDenied("担当圏域の外の社会資源は変更できません。")
    try:
        services.service_restore(user=user, service=service, history_id=history_id, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("resources:history", pk=service.pk)
    messages.success(request, "以前の版を復元しました（復元前の内容も履歴に残っています）。")
    return redirect("resources:detail", pk=service.pk)


@login_required
def recheck_list(request: HttpRequest) -> HttpResponse:
    """Resources not confirmed for 12 months: the coordinator's list to re-check."""
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    queryset = selectors.with_display_relations(
        selectors.service_recheck_list(user=user)
    ).select_related("confirmed_by")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "resources/recheck.html",
        {
            "page": page,
            "limit": selectors.recheck_limit(
                valid_days=selectors.verification_policy(user.municipality_id).valid_days
            ),
            "can_confirm": policy.has(user, Capability.EDIT_RESOURCES),
            "today": timezone.localdate(),
        },
    )


# --- managed lists (administrator) --------------------------------------------------------------


@login_required
def synonym_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    form = None
    can_manage = policy.has(user, Capability.MANAGE_ORG)
    if can_manage:
        form = SynonymForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.synonym_save(user=user, synonym=form.save(commit=False), request=request)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "同義語を追加しました。")
                return redirect("resources:synonyms")
    elif request.method == "POST":
        raise PermissionDenied("同義語を編集する権限がありません。")
    return render(
        request,
        "resources/synonyms.html",
        {
            "synonyms": selectors.synonym_list(municipality_id=user.municipality_id),
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def synonym_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.MANAGE_ORG)
    # Shared (installation-wide) entries are edited in the Django admin; a municipality's
    # administrator edits the municipality's own.
    synonym = policy.get_in_scope(Synonym.objects.filter(municipality=user.municipality), pk)
    form = SynonymForm(request.POST or None, instance=synonym)
    if request.method == "POST" and form.is_valid():
        services.synonym_save(user=user, synonym=form.save(commit=False), request=request)
        messages.success(request, "同義語を保存しました。")
        return redirect("resources:synonyms")
    return render(
        request,
        "resources/synonym_form.html",
        {"form": form, "synonym": synonym},
        status=400 if form.errors else 200,
    )


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    categories = (
        Category.objects.filter(
            Q(municipality__isnull=True) | Q(municipality_id=user.municipality_id)
        )
        .select_related("parent")
        .order_by("axis", "order", "id")
    )
    return render(
        request,
        "resources/categories.html",
        {
            "groups": [
                (label, [c for c in categories if c.axis == axis])
                for axis, label in Category.Axis.choices
            ],
            "can_manage": policy.has(user, Capability.MANAGE_ORG),
            "own_ids": {c.pk for c in categories if c.municipality_id == user.municipality_id},
        },
    )


@login_required
def category_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.MANAGE_ORG)
    # The national lists are shared by every municipality (edited in the Django admin); an
    # administrator adds and edits the municipality's own terms.
    category = (
        policy.get_in_scope(Category.objects.filter(municipality=user.municipality), pk)
        if pk
        else None
    )
    form = CategoryForm(
        request.POST or None,
        instance=category or Category(municipality=user.municipality),
        municipality=user.municipality,
    )
    if request.method == "POST" and form.is_valid():
        saved = services.category_save(user=user, category=form.save(commit=False), request=request)
        messages.success(request, f"分類「{saved.name}」を保存しました。")
        return redirect("resources:categories")
    return render(
        request,
        "resources/category_form.html",
        {"form": form, "category": category},
        status=400 if form.errors else 200,
    )


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    organizations = policy.in_municipality(Organization.objects.all(), user).select_related(
        "operator_type"
    )
    page = Paginator(organizations.order_by("name_kana", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "resources/organizations.html", {"page": page})
