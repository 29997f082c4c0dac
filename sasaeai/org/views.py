"""The organisation pages: everybody on staff reads them, administrators edit them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sasaeai.accounts import policy
from sasaeai.audit.services import audit_record

from . import selectors, services
from .forms import AreaForm, SupportCenterForm, TownForm
from .models import Area, SupportCenter, Town


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_ORG)
    user = request.user
    return render(
        request,
        "org/overview.html",
        {
            "municipalities": selectors.municipalities_visible_to(user=user),
            "areas": selectors.area_list_visible_to(user=user),
            "unassigned_towns": selectors.town_list_visible_to(user=user).filter(area__isnull=True),
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
            audit_record(
                request=request,
                action="update" if context.get("editing") else "create",
                target=obj,
                summary=message.format(obj=obj),
            )
            messages.success(request, message.format(obj=obj))
            return redirect("org:overview")
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


@login_required
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = policy.get_in_scope(_manageable(request, Area.objects.all()), pk)
    form = AreaForm(request.POST or None, instance=area)
    return _save_form(
        request,
        form,
        lambda a: services.area_save(area=a),
        template="org/form.html",
        context={"title": f"圏域「{area.name}」の編集", "editing": True},
        message="圏域「{obj.name}」を保存しました。",
    )


@login_required
def town_edit(request: HttpRequest, pk: int) -> HttpResponse:
    town = policy.get_in_scope(_manageable(request, Town.objects.all()), pk)
    form = TownForm(request.POST or None, instance=town)
    return _save_form(
        request,
        form,
        lambda t: services.town_assign_area(town=t, area=t.area),
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
        lambda c: services.support_center_save(center=c),
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
        lambda c: services.support_center_save(center=c),
        template="org/form.html",
        context={"title": f"「{center.name}」の編集", "editing": True},
        message="支援センター「{obj.name}」を保存しました。",
    )
