"""Logins, failed logins and logouts go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action="login", request=request, user=user, summary="ログイン")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action="logout", request=request, user=user, summary="ログアウト")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The attempted user name is kept (it identifies an attack), never the password.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action="login_failed",
        request=request,
        user=None,
        target_type="accounts.user",
        summary=f"ログイン失敗: {username}",
    )
