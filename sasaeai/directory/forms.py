"""Forms of the living directory: the organiser's change, residents' reports (with a honeypot),
the coordinator's review and the staff's link form."""

from django import forms

from sasaeai.resources.models import VerificationPolicy

from .fields import CHANGE_FIELDS, NEW_PLACE_FIELDS, STATUS_WORDS

# A text field people never meet, which bots that fill in every text box fill in. The
# template (directory/public/_honeypot.html) puts it in a wrapper that is hidden and
# aria-hidden; the field is out of the tab order and asks not to be autofilled.
HONEYPOT = "homepage"


class HoneypotMixin(forms.Form):
    homepage = forms.CharField(
        label="ホームページ（入力しないでください）",
        required=False,
        widget=forms.TextInput(
            attrs={
                "tabindex": "-1",
                "autocomplete": "off",
                "data-1p-ignore": "true",
                "data-lpignore": "true",
            }
        ),
    )

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


class OrganiserChangeForm(forms.Form):
    """「変更を知らせる」: prefilled with the listing; only what differs is proposed."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for spec in CHANGE_FIELDS:
            if spec.name == "status":
                field = forms.ChoiceField(
                    label=spec.label,
                    choices=list(STATUS_WORDS.items()),
                    help_text=spec.help,
                    required=False,
                )
            else:
                field = forms.CharField(
                    label=spec.label, max_length=300, required=False, help_text=spec.help
                )
            field.initial = current.get(spec.name, "")
            self.fields[spec.name] = field
        self.fields["message"] = forms.CharField(
            label="お知らせ・補足",
            max_length=1000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="例: 8月はお休みします。代表が△△さんに代わりました。",
        )

    def changes(self) -> dict[str, str]:
        return {f.name: self.cleaned_data.get(f.name) or "" for f in CHANGE_FIELDS}


class ErrorReportForm(HoneypotMixin):
    message = forms.CharField(
        label="どこが違っていますか",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="例: 曜日が火曜から木曜に変わっています。",
    )
    contact = forms.CharField(
        label="連絡先（任意）",
        max_length=200,
        required=False,
        help_text="確認のため職員から連絡してよい場合に、お名前と電話番号などを書いてください。公開はしません。",
    )


class PlaceSuggestionForm(HoneypotMixin):
    name = forms.CharField(label=NEW_PLACE_FIELDS[0].label, max_length=300)
    where = forms.CharField(
        label=NEW_PLACE_FIELDS[1].label,
        max_length=300,
        required=False,
        help_text="住所や建物の名前",
    )
    when = forms.CharField(
        label=NEW_PLACE_FIELDS[2].label,
        max_length=300,
        required=False,
        help_text="例: 毎週水曜の午後",
    )
    what = forms.CharField(
        label=NEW_PLACE_FIELDS[3].label,
        max_length=300,
        required=False,
        help_text="例: 体操とお茶飲み",
    )
    area = forms.ModelChoiceField(
        label="地域", queryset=None, required=False, empty_label="わからない"
    )
    contact = ErrorReportForm.base_fields["contact"]

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ReviewForm(forms.Form):
    """The coordinator's decision: for each proposed field 「採用する」 and the value to write
    (as proposed, or edited), or a rejection with a reason."""

    decision = forms.ChoiceField(
        label="対応",
        choices=[("accept", "採用する"), ("reject", "採用しない")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="理由・主催者へのメッセージ",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="採用しない場合は必須です。主催者の更新ページに表示されます。",
    )

    def __init__(self, *args, changes, **kwargs):
        super().__init__(*args, **kwargs)
        self.change_names = []
        for change in changes:
            if change.name not in {f.name for f in CHANGE_FIELDS}:
                continue
            self.change_names.append(change.name)
            self.fields[f"take_{change.name}"] = forms.BooleanField(
                label=f"{change.label}を採用する", required=False, initial=True
            )
            if change.name == "status":
                value_field = forms.ChoiceField(
                    label=f"{change.label}（採用する値）", choices=list(STATUS_WORDS.items())
                )
            else:
                value_field = forms.CharField(
                    label=f"{change.label}（採用する値）", max_length=300, required=False
                )
            value_field.initial = change.raw_new
            value_field.required = False
            self.fields[f"value_{change.name}"] = value_field

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "採用しない理由を入力してください（主催者に表示されます）。")
        if data.get("decision") == "accept" and self.change_names and not self.accepted_values():
            self.add_error(None, "採用する項目を1つ以上選んでください。")
        return data

    def accepted_values(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            name: data.get(f"value_{name}") or ""
            for name in self.change_names
            if data.get(f"take_{name}")
        }


class LinkForm(forms.Form):
    days = forms.IntegerField(
        label="有効期間（日）", min_value=1, max_value=1095, help_text="市区町村の設定が初期値です"
    )


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状態",
        required=False,
        choices=[
            ("open", "未対応"),
            ("", "すべて"),
            ("accepted", "採用"),
            ("partly", "一部を採用"),
            ("rejected", "不採用"),
        ],
    )


class VerificationPolicyForm(forms.ModelForm):
    class Meta:
        model = VerificationPolicy
        fields = [
            "valid_days",
            "hide_after_days",
            "link_days",
            "finder_title",
            "contact_label",
            "contact_phone",
            "notify_email",
        ]
