"""Two-factor login screens: the code after the password, enrolment with an authenticator
app, and the administrators' per-role requirement (under 利用者管理)."""

import time

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from sasaeai.audit.services import audit_record

from . import policy, selectors, two_factor
from . import views as account_views
from .models import Role, User
from .two_factor_forms import OtpCodeForm, TwoFactorPolicyForm

PENDING = "sasaeai_2fa_pending"
PENDING_TTL = 300  # seconds between the password and the code
MAX_CODE_FAILURES = 5


class LoginView(account_views.LoginView):
    """The password step; a user with an authenticator app goes on to the code step."""

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
            "failures": 0,
        }
        return redirect("accounts:login_verify")


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def login_verify(request: HttpRequest) -> HttpResponse:
    """The code step, after the password (or for a session that has not shown its code)."""
    pending = request.session.get(PENDING)
    user: User | None = None
    if request.user.is_authenticated:
        if getattr(request.user, "is_verified", lambda: True)():
            return redirect("home")
        user = request.user
        next_url = _safe_next(request, request.GET.get("next"))
    elif pending and time.time() - pending["at"] < PENDING_TTL:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        next_url = _safe_next(request, pending.get("next"))
    if user is None or two_factor.confirmed_device(user) is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("もう一度ユーザー名とパスワードでログインしてください。"))
        return redirect("accounts:login")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            request.session.pop(PENDING, None)
            if not request.user.is_authenticated:
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            two_factor.refresh_session_flags(request, user)
            return redirect(next_url)
        audit_record(
            action="login_failed",
            request=request,
            user=user,
            target=user,
            summary=f"確認コードの誤り: {user.username}",
        )
        if pending is not None and not request.user.is_authenticated:
            pending["failures"] = pending.get("failures", 0) + 1
            request.session[PENDING] = pending
            if pending["failures"] >= MAX_CODE_FAILURES:
                request.session.pop(PENDING, None)
                messages.error(
                    request,
                    _("確認コードの誤りが続いたため、最初からやり直してください。"),
                )
                return redirect("accounts:login")
        form.add_error(
            "code",
            _(
                "確認コードが正しくないか、有効期限（30秒）が切れています。"
                "認証アプリに今表示されている6桁の数字を入力してください。"
            ),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "username": user.username},
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code or the key typed by hand), or turn it off."""
    user: User = request.user
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    required = two_factor.is_required(user)
    device = two_factor.confirmed_device(user)
    form = OtpCodeForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and form.is_valid():
            if required:
                form.add_error(
                    None,
                    _(
                        "あなたの役割では二要素認証が必須のため、解除できません。"
                        "機種変更のときは管理者に再設定を依頼してください。"
                    ),
                )
            elif two_factor.verify(user=user, code=form.cleaned_data["code"]) is None:
                form.add_error("code", _("確認コードが正しくありません。"))
            else:
                two_factor.devices_remove(user=user, request=request)
                two_factor.refresh_session_flags(request, user)
                messages.success(request, _("二要素認証を解除しました。"))
                return redirect("accounts:two_factor_setup")
        return render(
            request,
            "accounts/two_factor_setup.html",
            {"form": form, "enrolled": True, "required": required, "next": next_url},
            status=400 if form.errors else 200,
        )
    pending = two_factor.enrolment_start(user=user)
    if request.method == "POST" and form.is_valid():
        if two_factor.enrolment_confirm(
            device=pending, code=form.cleaned_data["code"], request=request
        ):
            otp_login(request, pending)
            two_factor.refresh_session_flags(request, user)
            messages.success(
                request, _("二要素認証を設定しました。次回からログイン時に確認コードを入力します。")
            )
            return redirect(next_url if next_url != "/" else "accounts:two_factor_setup")
        form.add_error(
            "code",
            _(
                "確認コードが正しくありません。アプリに登録した後、今表示されている6桁の数字を入力してください。"
            ),
        )
    uri = pending.config_url
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "enrolled": False,
            "required": required,
            "next": next_url,
            "qr": two_factor.qr_data_uri(uri),
            "secret": two_factor.secret_for_display(pending),
            "uri": uri,
        },
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_policy(request: HttpRequest) -> HttpResponse:
    """Administrators: which roles must log in with a second factor, and who has enrolled."""
    policy.require(request.user, policy.Capability.MANAGE_USERS)
    municipality = request.user.municipality
    roles = list(policy.assignable_roles(request.user))
    current = two_factor.required_roles(municipality)
    form = TwoFactorPolicyForm(
        request.POST or None, roles=roles, initial={"roles": sorted(current)}
    )
    if request.method == "POST" and form.is_valid():
        two_factor.requirement_set(
            municipality=municipality, roles=form.cleaned_data["roles"], request=request
        )
        messages.success(request, _("二要素認証の設定を保存しました。"))
        return redirect("accounts:two_factor_policy")
    users = selectors.user_list_manageable_by(user=request.user)
    counts = {
        row["role"]: row
        for row in users.order_by()
        .values("role")
        .annotate(
            total=Count("id", distinct=True),
            enrolled=Count("totpdevice", filter=Q(totpdevice__confirmed=True), distinct=True),
        )
    }
    rows = [
        {
            "role": Role(r).label,
            "required": r in current,
            "total": counts.get(r, {}).get("total", 0),
            "enrolled": counts.get(r, {}).get("enrolled", 0),
        }
        for r in roles
    ]
    enrolled_users = users.filter(totpdevice__confirmed=True).distinct()
    return render(
        request,
        "accounts/two_factor_policy.html",
        {"form": form, "rows": rows, "enrolled_users": enrolled_users},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators: remove a user's authenticator (a lost or replaced phone)."""
    policy.require(request.user, policy.Capability.MANAGE_USERS)
    target = policy.get_in_scope(selectors.user_list_manageable_by(user=request.user), pk)
    two_factor.devices_remove(user=target, request=request)
    messages.success(
        request,
        _("「%(name)s」の認証アプリの登録を削除しました。次のログインで登録し直します。")
        % {"name": target.name},
    )
    return redirect("accounts:two_factor_policy")
