"""The operator's Django admin for users and tokens. Saving a user here goes through the same
audit and token revocation as the 利用者管理 pages (accounts.services.user_changed,
password_reset_done)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm

from . import services
from .models import ApiToken, AreaAssignment, PastAreaAssignment, User


class _ReadOnlyInline(admin.TabularInline):
    """Assignments are changed on the user's page (利用者管理), whose service closes an
    ended assignment into the history instead of overwriting it; here they are shown."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AreaAssignmentInline(_ReadOnlyInline):
    model = AreaAssignment
    fields = readonly_fields = ["area", "valid_from"]


class PastAreaAssignmentInline(_ReadOnlyInline):
    model = PastAreaAssignment
    fields = readonly_fields = ["area", "valid_from", "valid_until"]


class _SetByOperator:
    """A password the operator sets here is someone else's: changed at the user's next login."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = bool(user.has_usable_password())
        if commit:
            user.save()
            if hasattr(self, "save_m2m"):
                self.save_m2m()
        return user


class UserCreationByOperatorForm(_SetByOperator, AdminUserCreationForm):
    pass


class PasswordChangeByOperatorForm(_SetByOperator, AdminPasswordChangeForm):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationByOperatorForm
    change_password_form = PasswordChangeByOperatorForm
    list_display = ["username", "display_name", "role", "municipality", "is_active"]
    list_filter = ["role", "municipality", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "ささえあい",
            {
                "fields": (
                    "display_name",
                    "display_name_kana",
                    "municipality",
                    "role",
                    "language",
                    "must_change_password",
                )
            },
        ),
    )
    inlines = [AreaAssignmentInline, PastAreaAssignmentInline]

    def get_inlines(self, request, obj=None):
        # A user being added has no assignments yet: the read-only lists would only add
        # empty formsets to the add form.
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        before = services.access_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            services.audit_user_created(user=obj, request=request, via="管理サイト")
        else:
            services.user_changed(user=obj, before=before, request=request, via="管理サイト")

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was saved
            user = self.get_object(request, unquote(id))
            if user is not None:
                services.password_reset_done(user=user, request=request, via="管理サイト")
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["digest", "prefix"]
