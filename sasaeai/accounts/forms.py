"""Forms for logging in, managing users and API tokens."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from sasaeai.org.models import Area

from .models import Language, Role, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "ユーザー名またはパスワードが正しくありません。大文字・小文字の区別にもご注意ください。"
        ),
        "inactive": _("このアカウントは利用停止中です。管理者にご連絡ください。"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("ユーザー名")
        self.fields["password"].label = _("パスワード")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})


class UserForm(forms.Form):
    username = forms.CharField(
        label=_("ユーザー名"), max_length=150, help_text=_("半角英数字と @ . + - _ が使えます。")
    )
    display_name = forms.CharField(label=_("氏名"), max_length=50)
    display_name_kana = forms.CharField(label=_("氏名（カナ）"), max_length=100, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    role = forms.ChoiceField(
        label=_("役割"),
        choices=[],
        help_text=_("権限の広い役割ほど見られる情報が増えます。必要な役割を選んでください。"),
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("担当圏域"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("第2層生活支援コーディネーターは1つ以上選んでください。"),
    )
    areas_from = forms.DateField(
        label=_("担当圏域の変更日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "担当圏域を変えた日（空欄は今日）。外した圏域の担当は前日までとして履歴に残ります。"
        ),
    )
    password = forms.CharField(
        label=_("初期パスワード"),
        widget=forms.PasswordInput(render_value=True),
        required=False,
        help_text=_("12文字以上。本人は初回ログイン時に自分のパスワードへの変更を求められます。"),
    )
    is_active = forms.BooleanField(label=_("利用中"), required=False, initial=True)

    def __init__(self, *args, municipality, roles, instance: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.municipality = municipality
        # No role is preselected: the administrator chooses one (the first choice used to be
        # システム管理者, the widest).
        self.fields["role"].choices = [
            ("", _("選んでください")),
            *((r, Role(r).label) for r in roles),
        ]
        self.fields["areas"].queryset = Area.objects.filter(municipality=municipality)
        if instance is not None:
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            self.fields["password"].required = True
            del self.fields["is_active"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if self.instance is None and User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("このユーザー名はすでに使われています。"))
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if password:
            password_validation.validate_password(password)
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.TIER2 and not cleaned.get("areas"):
            self.add_error(
                "areas", _("第2層生活支援コーディネーターには担当圏域を1つ以上指定してください。")
            )
        return cleaned


class PasswordResetByAdminForm(forms.Form):
    password = forms.CharField(
        label=_("新しいパスワード"),
        widget=forms.PasswordInput,
        help_text=_(
            "12文字以上。本人に安全な方法で伝えてください。本人は次回ログイン時に変更を求められます。"
        ),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, self.user)
        return password


class OwnPasswordChangeForm(PasswordChangeForm):
    """The user's own change: the new password must differ from the current one (a one-time
    password kept would defeat the forced change)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("現在のパスワード")
        self.fields["new_password1"].label = _("新しいパスワード")
        self.fields["new_password2"].label = _("新しいパスワード（確認用）")

    def clean_new_password1(self) -> str:
        password = self.cleaned_data.get("new_password1", "")
        if password and self.user.check_password(password):
            raise forms.ValidationError(
                _("今のパスワードと同じです。別のパスワードにしてください。"), code="unchanged"
            )
        return password


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"), max_length=100, help_text=_("例: 集計用スクリプト、庁内システム連携")
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("表示言語 / Language")}
        widgets = {"language": forms.Select(choices=Language.choices)}
