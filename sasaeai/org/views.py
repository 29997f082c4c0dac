"""The organisation pages: everybody on staff reads them, administrators edit them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sasaeai.accounts import policy

from . import gazetteer, selectors, services
from .forms import AreaForm, SupportCenterForm, TownForm
from .models import Area, SupportCenter, Town


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_ORG)
    user = request.user
    unassigned = selectors.town_list_visible_to(user=user).filter(area__isnull=True)
    return render(
        request,
        "org/overview.html",
        {
            "municipalities": selectors.municipalities_visible_to(user=user),
            "areas": selectors.area_list_visible_to(user=user),
            "unassigned_towns": unassigned[:61],
            "unassigned_count": unassigned.count(),
            "centers": selectors.support_center_list_visible_to(user=user).filter(
                area__isnull=True
            ),
            "can_manage": policy.has(user, policy.Capability.MANAGE_ORG),
        },
    )


def _manageable(request: HttpRequest, queryset):
    policy.require(request.user, policy.Capability.MANAGE_ORG)
    return queryset.filter(municipality_id=request.user.municipality_id)


def _save_form(request, form, save, *, template: str, context: dict, message: str):
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.save(commit=False))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, message.format(obj=obj))
            return redirect("org:overview")
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """The administrator's checklist for a new municipality: towns, areas, support centres,
    first users."""
    _manageable(request, Area.objects.all())
    municipality = request.user.municipality
    return render(
        request,
        "org/setup.html",
        {"municipality": municipality, **selectors.setup_state(municipality=municipality)},
    )


@login_required
def area_create(request: HttpRequest) -> HttpResponse:
    _manageable(request, Area.objects.all())
    municipality = request.user.municipality
    area = Area(municipality=municipality, order=municipality.areas.count() + 1)
    return _area_form(request, area, title="圏域の追加", editing=False)


@login_required
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = policy.get_in_scope(_manageable(request, Area.objects.all()), pk)
    return _area_form(request, area, title=f"圏域「{area.name}」の編集", editing=True)


def _area_form(request: HttpRequest, area: Area, *, title: str, editing: bool) -> HttpResponse:
    municipality = area.municipality
    form = AreaForm(request.POST or None, instance=area, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.area_save_with_towns(
                area=form.save(commit=False), towns=form.cleaned_data["towns"], request=request
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            area = form.instance
            summary = f"圏域「{area.name}」を{'保存' if editing else '追加'}しました（町 {area.towns.count()}件）。"
            messages.success(request, summary)
            for source, names in changes.moved_from.items():
                messages.info(request, f"「{source}」から{'、'.join(names)}を移しました。")
            if changes.removed:
                names = "、".join(t.name for t in changes.removed)
                messages.info(request, f"{names}は圏域が未設定になりました。")
            return redirect("org:setup")
    towns = list(form.fields["towns"].queryset)
    return render(
        request,
        "org/area_form.html",
        {
            "form": form,
            "title": title,
            "area": area if editing else None,
            "groups": selectors.town_groups(
                municipality=municipality, towns=towns, widgets=list(form["towns"])
            ),
            "town_points": selectors.town_points(towns=towns),
            "map": {
                "tile_url": settings.MAP_TILE_URL,
                "attribution": settings.MAP_TILE_ATTRIBUTION,
            },
            "attribution": gazetteer.ATTRIBUTION,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def area_delete(request: HttpRequest, pk: int) -> HttpResponse:
    area = policy.get_in_scope(_manageable(request, Area.objects.all()), pk)
    name = area.name
    try:
        services.area_delete(area=area, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("org:area_edit", pk=pk)
    messages.success(request, f"圏域「{name}」を削除しました。")
    return redirect("org:setup")


@login_required
def town_edit(request: HttpRequest, pk: int) -> HttpResponse:
    town = policy.get_in_scope(_manageable(request, Town.objects.all()), pk)
    form = TownForm(request.POST or None, instance=town)
    return _save_form(
        request,
        form,
        lambda t: services.town_assign_area(town=t, area=t.area, request=request),
        template="org/form.html",
        context={"title": f"町「{town.name}」の編集", "editing": True},
        message="町「{obj.name}」を保存しました。",
    )


@login_required
def center_create(request: HttpRequest) -> HttpResponse:
    _manageable(request, SupportCenter.objects.all())
    center = SupportCenter(municipality=request.user.municipality)
    form = SupportCenterForm(
        request.POST or None, instance=center, municipality=request.user.municipality
    )
    return _save_form(
        request,
        form,
        lambda c: services.support_center_save(center=c, request=request),
        template="org/form.html",
        context={"title": "支援センターの登録"},
        message="支援センター「{obj.name}」を登録しました。",
    )


@login_required
def center_edit(request: HttpRequest, pk: int) -> HttpResponse:
    center = policy.get_in_scope(_manageable(request, SupportCenter.objects.all()), pk)
    form = SupportCenterForm(
        request.POST or None, instance=center, municipality=request.user.municipality
    )
    return _save_form(
        request,
        form,
        lambda c: services.support_center_save(center=c, request=request),
        template="org/form.html",
        context={"title": f"「{center.name}」の編集", "editing": True},
        message="支援センター「{obj.name}」を保存しました。",
    )


@login_required
def postal_lookup(request: HttpRequest) -> HttpResponse:
    """The 町域 of a typed 郵便番号, as a fragment the address forms show under the field
    (htmx): each with the address to fill in and, when it is one of the user's municipality's
    towns, that town."""
    text = next((v for k, v in request.GET.items() if k.endswith("postal_code")), "")
    entries = selectors.postal_candidates(municipality=request.user.municipality, postal_code=text)
    return render(
        request,
        "org/_postal_result.html",
        {"entries": entries, "code": gazetteer.postal_code_normalise(text), "text": text},
    )
