"""Forms of two-factor login: the 6-digit code, and the roles that must use it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=20,
        help_text=_(
            "認証アプリ（Google Authenticator、Microsoft Authenticator など）に表示されている6桁の数字"
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        from .two_factor import normalise_code

        code = normalise_code(self.cleaned_data["code"])
        if len(code) != 6:
            raise forms.ValidationError(_("確認コードは6桁の数字で入力してください。"))
        return code


class TwoFactorPolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("二要素認証を必須にする役割"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "選んだ役割の利用者は、次のログインから認証アプリの確認コードが必要になります。"
        ),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, Role(r).label) for r in roles]
