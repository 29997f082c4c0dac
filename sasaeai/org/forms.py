"""Forms of the organisation pages, and the 郵便番号 field other apps' address forms use."""

from django import forms
from django.urls import reverse_lazy

from .gazetteer import postal_code_normalise
from .models import Area, SupportCenter, Town


class AreaForm(forms.ModelForm):
    """An area (日常生活圏域) and the towns it is made of."""

    towns = forms.ModelMultipleChoiceField(
        label="この圏域の町",
        queryset=Town.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="チェックした町がこの圏域になります。ほかの圏域の町をチェックすると、この圏域に移ります。",
        error_messages={
            "invalid_choice": "町「%(value)s」はこの市区町村の町ではありません。",
            "invalid_pk_value": "町「%(pk)s」はこの市区町村の町ではありません。",
        },
    )

    class Meta:
        model = Area
        fields = ["name", "name_kana", "order", "description", "valid_from", "valid_until"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["towns"].queryset = (
            Town.objects.filter(municipality=municipality)
            .select_related("area")
            .order_by("name_kana", "name")
        )
        if self.instance.pk and not self.is_bound:
            self.initial["towns"] = list(self.instance.towns.values_list("pk", flat=True))

        def label(town: Town) -> str:
            if town.area_id and town.area_id != self.instance.pk:
                return f"{town.name}（いまは{town.area.name}）"
            return town.name

        self.fields["towns"].label_from_instance = label


class TownForm(forms.ModelForm):
    class Meta:
        model = Town
        fields = ["area", "name_kana", "postal_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            municipality_id=self.instance.municipality_id
        )


class SupportCenterForm(forms.ModelForm):
    class Meta:
        model = SupportCenter
        fields = ["name", "kind", "area", "also_community_center", "address", "phone"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(municipality=municipality)


class PostalCodeField(forms.CharField):
    """A 郵便番号 typed any way (「〒180-0004」「１８００００４」), kept as 180-0004. On a page
    it asks the server for the 町域 as it is typed (htmx, org:postal_lookup) and offers to fill
    the form's address and town fields (org/postal.js); without JavaScript it is an ordinary
    field. Render it with the template org/_postal_field.html."""

    def __init__(self, *, address_field: str = "", town_field: str = "", **kwargs):
        kwargs.setdefault("label", "郵便番号")
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "7桁の郵便番号を入れると、都道府県・市区町村・町域を住所に補えます（例: 180-0004）",
        )
        attrs = {
            "inputmode": "numeric",
            "autocomplete": "postal-code",
            "size": "10",
            "hx-get": reverse_lazy("org:postal_lookup"),
            "hx-trigger": "input changed delay:400ms, change",
            "hx-target": "next .postal-result",
            "hx-swap": "innerHTML",
            "data-postal-address": address_field,
            "data-postal-town": town_field,
        }
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(max_length=20, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        code = postal_code_normalise(value)
        if code is None:
            raise forms.ValidationError(
                "郵便番号は7桁の数字で入力してください（例: 180-0004）。", code="invalid"
            )
        return f"{code[:3]}-{code[3:]}"
