from django import forms

from .models import Area, SupportCenter, Town


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name", "name_kana", "order", "description", "valid_from", "valid_until"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }


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
