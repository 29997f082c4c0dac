"""Login, the user's own settings and tokens, and user management."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import policy, selectors, services
from .forms import (
    LoginForm,
    OwnPasswordChangeForm,
    PasswordResetByAdminForm,
    PreferencesForm,
    TokenForm,
    UserForm,
)
from .models import Role, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logging out also tells the browser to drop what this site stored: the visits and
    consultations waiting offline, the service worker and the pages it kept (nothing offline
    outlives logout). The page script clears them too, before the form is sent."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user's own change; also where a user whose password someone else set is sent
    (password_change_middleware.py) until they change it."""

    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = self.request.user.must_change_password
        context["next"] = self._next()
        return context

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return ""

    def form_valid(self, form):
        services.user_set_password(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            by_self=True,
            request=self.request,
        )
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("パスワードを変更しました。"))
        return redirect(self._next() or self.get_success_url())


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(user.language)  # say it in the language just chosen
        messages.success(request, _("表示の設定を保存しました。"))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": selectors.token_list_for(user=user),
            "areas": user.areas.all(),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/profile.html",
            {
                "form": PreferencesForm(instance=request.user),
                "token_form": form,
                "tokens": selectors.token_list_for(user=request.user),
                "areas": request.user.areas.all(),
            },
            status=400,
        )
    token, plain = services.token_create(
        user=request.user, name=form.cleaned_data["name"], request=request
    )
    return render(request, "accounts/token_created.html", {"token": token, "plain": plain})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = policy.get_in_scope(selectors.token_list_for(user=request.user), pk)
    services.token_revoke(token=token, request=request)
    messages.success(request, _("トークン「%(name)s」を失効させました。") % {"name": token.name})
    return redirect("accounts:profile")


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.MANAGE_USERS)
    users = selectors.user_list_manageable_by(user=request.user)
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.MANAGE_USERS)
    me: User = request.user
    form = UserForm(
        request.POST or None, municipality=me.municipality, roles=policy.assignable_roles(me)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                password=data["password"],
                municipality=me.municipality,
                role=data["role"],
                areas=data["areas"],
                areas_from=data["areas_from"],
                display_name=data["display_name"],
                display_name_kana=data["display_name_kana"],
                email=data["email"],
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("利用者「%(name)s」を登録しました。") % {"name": user.name})
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, policy.Capability.MANAGE_USERS)
    target = policy.get_in_scope(selectors.user_list_manageable_by(user=request.user), pk)
    initial = {
        "username": target.username,
        "display_name": target.display_name,
        "display_name_kana": target.display_name_kana,
        "email": target.email,
        "role": target.role,
        "areas": list(target.areas.all()),
        "is_active": target.is_active,
    }
    form = UserForm(
        request.POST or None,
        initial=initial,
        municipality=target.municipality,
        roles=policy.assignable_roles(request.user),
        instance=target,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if target == request.user and (data["role"] != Role.ADMIN or not data["is_active"]):
            form.add_error(
                "role", _("自分自身の管理者権限を外したり、利用停止にしたりはできません。")
            )
        else:
            try:
                services.user_update(
                    user=target,
                    role=data["role"],
                    areas=data["areas"],
                    areas_from=data["areas_from"],
                    display_name=data["display_name"],
                    display_name_kana=data["display_name_kana"],
                    email=data["email"],
                    is_active=data["is_active"],
                    request=request,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("利用者「%(name)s」を更新しました。") % {"name": target.name}
                )
                return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "creating": False,
            "target": target,
            "assignments": selectors.area_assignment_history(user=target),
        },
        status=400 if form.errors else 200,
    )


@login_required
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, policy.Capability.MANAGE_USERS)
    target = policy.get_in_scope(selectors.user_list_manageable_by(user=request.user), pk)
    form = PasswordResetByAdminForm(request.POST or None, user=target)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(
            user=target, password=form.cleaned_data["password"], by_self=False, request=request
        )
        messages.success(
            request,
            _("「%(name)s」のパスワードを再設定しました。次回ログイン時に本人が変更します。")
            % {"name": target.name},
        )
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_password.html",
        {"form": form, "target": target},
        status=400 if form.errors else 200,
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
