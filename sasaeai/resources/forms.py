"""Forms of the resource database: the search filters (staff and public), the service form
with its place and schedules, synonyms and categories."""

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from sasaeai.core.recurrence import Rule, read_rule_text, rule_text, schedule_to_text
from sasaeai.org.forms import PostalCodeField
from sasaeai.org.models import Area, Municipality, Town

from .models import (
    Category,
    Organization,
    Schedule,
    Service,
    Synonym,
    TargetGroup,
    validate_latitude_in_japan,
    validate_longitude_in_japan,
)
from .schedules import DAY_CODES, schedule_parse_japanese
from .selectors import TIME_OF_DAY, ServiceFilters

WEEKDAY_CHOICES = [(str(i), label + "曜") for i, label in enumerate("月火水木金土日")]
RADIUS_CHOICES = [
    ("", "—"),
    ("300", "300m以内"),
    ("500", "500m以内"),
    ("1000", "1km以内"),
    ("2000", "2km以内"),
    ("5000", "5km以内"),
]
STATUS_CHOICES = [
    ("", "活動中・休止中"),
    ("active", "活動中のみ"),
    ("paused", "休止中のみ"),
    ("closed", "終了したもの"),
    ("all", "すべて"),
]
YES_NO_UNKNOWN = [("", "不明"), ("true", "はい"), ("false", "いいえ")]


def _category_choices(*, municipality_id: int | None) -> list[tuple[str, str]]:
    """Activity categories indented under their parents."""
    from django.db.models import Q

    categories = list(
        Category.objects.filter(axis=Category.Axis.ACTIVITY, is_active=True)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id))
        .order_by("order", "id")
    )
    choices = []
    tops = [c for c in categories if c.parent_id is None]
    for top in tops:
        choices.append((str(top.pk), top.name))
        for child in categories:
            if child.parent_id == top.pk:
                choices.append((str(child.pk), "　└ " + child.name))
    return choices


class SearchForm(forms.Form):
    """The filters of the staff list, read from the query string. Bad values get a message
    and are ignored; the rest of the search still runs."""

    q = forms.CharField(label="キーワード", required=False, max_length=1000)
    area = forms.TypedChoiceField(label="圏域", required=False, coerce=int, empty_value=None)
    town = forms.TypedChoiceField(label="町", required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(
        label="活動の種類", required=False, coerce=int, empty_value=None
    )
    target = forms.TypedChoiceField(label="対象者", required=False, coerce=int, empty_value=None)
    weekday = forms.MultipleChoiceField(
        label="曜日", required=False, choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    time_of_day = forms.ChoiceField(
        label="時間帯",
        required=False,
        choices=[("", "—")] + [(k, v[0]) for k, v in TIME_OF_DAY.items()],
    )
    fee = forms.ChoiceField(
        label="費用", required=False, choices=[("", "—"), ("free", "無料"), ("paid", "有料")]
    )
    volunteers = forms.BooleanField(label="ボランティアを募集している", required=False)
    near = forms.CharField(
        label="住所・町名の近く",
        required=False,
        max_length=200,
        help_text="例: 桜堤1丁目、吉祥寺北町2-3",
    )
    near_town = forms.TypedChoiceField(
        label="町の近く", required=False, coerce=int, empty_value=None
    )
    radius = forms.TypedChoiceField(
        label="距離", required=False, choices=RADIUS_CHOICES, coerce=int, empty_value=None
    )
    open_on = forms.DateField(
        label="この日に開催",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日付は 2025-05-14 の形で入力してください。"},
    )
    status = forms.ChoiceField(label="状態", required=False, choices=STATUS_CHOICES)
    recheck = forms.BooleanField(label="1年以上確認していないもの", required=False)

    def __init__(self, *args, municipality: Municipality | None, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_id = municipality.pk if municipality else None
        areas = Area.objects.filter(municipality_id=municipality_id).order_by("order", "id")
        towns = Town.objects.filter(municipality_id=municipality_id).order_by("name_kana")
        self.fields["area"].choices = [("", "すべて")] + [(str(a.pk), a.name) for a in areas]
        town_choices = [("", "すべて")] + [(str(t.pk), t.name) for t in towns]
        self.fields["town"].choices = town_choices
        self.fields["near_town"].choices = [("", "—"), *town_choices[1:]]
        self.fields["category"].choices = [
            ("", "すべて"),
            *_category_choices(municipality_id=municipality_id),
        ]
        self.fields["target"].choices = [("", "すべて")] + [
            (str(t.pk), t.public_label or t.name if public else t.name)
            for t in TargetGroup.objects.filter(is_active=True)
        ]
        for name in ("q", "near"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["q"].widget.input_type = "search"
        if public:
            for name in ("status", "recheck", "near_town"):
                del self.fields[name]
            plain = {
                "q": ("ことばでさがす", "例: 体操、カラオケ、食堂、さくらづつみ"),
                "area": ("地域", ""),
                "town": ("町", ""),
                "category": ("したいこと", ""),
                "target": ("どなた向けか", ""),
                "weekday": ("行きたい曜日", ""),
                "time_of_day": ("時間帯", ""),
                "fee": ("費用", ""),
                "volunteers": ("ボランティアとして参加したい", ""),
                "near": ("この場所の近く", "住所や町の名前を入れてください（例: 桜堤1丁目）"),
                "radius": ("近さ", ""),
                "open_on": ("この日にやっているもの", ""),
            }
            for name, (label, help_text) in plain.items():
                self.fields[name].label = label
                self.fields[name].help_text = help_text
            self.fields["fee"].choices = [
                ("", "こだわらない"),
                ("free", "無料のもの"),
                ("paid", "有料のもの"),
            ]

    def to_filters(self) -> ServiceFilters:
        data = self.cleaned_data if self.is_bound else {}
        if self.is_bound and self.errors:
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        status = data.get("status") or ""
        statuses = {
            "": [],
            "all": ["active", "paused", "closed"],
        }.get(status, [status])
        fee = data.get("fee") or ""
        return ServiceFilters(
            text=data.get("q") or "",
            area_ids=[data["area"]] if data.get("area") else [],
            town_ids=[data["town"]] if data.get("town") else [],
            category_ids=[data["category"]] if data.get("category") else [],
            target_ids=[data["target"]] if data.get("target") else [],
            weekdays=[int(d) for d in data.get("weekday") or []],
            time_of_day=data.get("time_of_day") or "",
            is_free={"free": True, "paid": False}.get(fee),
            welcomes_volunteers=True if data.get("volunteers") else None,
            near_address=data.get("near") or "",
            near_town_id=data.get("near_town"),
            radius_m=data.get("radius") or (1000 if data.get("near") else None),
            open_on=data.get("open_on"),
            statuses=statuses,
            needs_recheck=True if data.get("recheck") else None,
        )


class TriStateField(forms.TypedChoiceField):
    """はい／いいえ／不明 for a nullable boolean (unknown values are never hidden by filters)."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=YES_NO_UNKNOWN,
            coerce=lambda v: {"true": True, "false": False}.get(v),
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )

    def prepare_value(self, value):
        # The initial value is a boolean; after an error the form shows what was posted, the
        # strings "true"/"false": both must come back checked, never as 不明.
        if value in (True, "true", "True"):
            return "true"
        if value in (False, "false", "False"):
            return "false"
        return ""


class ServiceForm(forms.ModelForm):
    """A service with its place (one form: coordinators think of them together)."""

    categories = forms.ModelMultipleChoiceField(
        label="活動の種類",
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "活動の種類「%(value)s」は登録されていない分類です。一覧から選んでください。",
            "invalid_pk_value": "活動の種類「%(pk)s」は登録されていない分類です。",
        },
    )
    target_groups = forms.ModelMultipleChoiceField(
        label="対象者",
        queryset=TargetGroup.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "対象者「%(value)s」は登録されていません。"},
    )
    new_organization = forms.CharField(
        label="運営団体（新しく登録）",
        required=False,
        max_length=200,
        help_text="一覧にない団体は、ここに団体名を書くと登録します",
    )
    # The place.
    place_name = forms.CharField(label="場所の名称", required=False, max_length=200)
    postal_code = PostalCodeField(address_field="address", town_field="town")
    address = forms.CharField(
        label="住所",
        required=False,
        max_length=300,
        help_text="例: 武蔵野市桜堤1丁目2-3（全角・漢数字・ハイフンのどれでも可）",
    )
    address_2 = forms.CharField(label="方書（建物名など）", required=False, max_length=200)
    town = forms.ModelChoiceField(
        label="町",
        queryset=Town.objects.none(),
        required=False,
        help_text="空欄なら住所から判断します",
        error_messages={
            "invalid_choice": "この町は当該市区町村の町ではありません。市内の町を選んでください。"
        },
    )
    is_approximate = forms.BooleanField(
        label="位置はおおよそ（丁目・町の代表点に置く）",
        required=False,
        initial=True,
        help_text="地図で正確な位置を指定すると外れます",
    )
    latitude = forms.DecimalField(
        label="緯度",
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[validate_latitude_in_japan],
        error_messages={"invalid": "緯度は 35.7 のような数値で入力してください。"},
    )
    longitude = forms.DecimalField(
        label="経度",
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[validate_longitude_in_japan],
        error_messages={"invalid": "経度は 139.57 のような数値で入力してください。"},
    )
    is_private_home = forms.BooleanField(
        label="個人宅で開いている（公開地図では圏域の代表点に表示）", required=False
    )
    place_type = forms.ModelChoiceField(
        label="場所の種別",
        queryset=Category.objects.filter(axis=Category.Axis.PLACE, is_active=True),
        required=False,
    )
    url = forms.URLField(label="ウェブサイト", required=False, assume_scheme="https")
    contact_email = forms.EmailField(label="連絡先メールアドレス", required=False)
    is_free = TriStateField(label="無料")
    application_required = TriStateField(label="申込が必要")
    step_free = TriStateField(label="段差なし")
    accessible_toilet = TriStateField(label="多目的トイレあり")
    has_seating = TriStateField(label="椅子席あり")

    class Meta:
        model = Service
        fields = [
            "name",
            "name_kana",
            "alternate_name",
            "organization",
            "description",
            "status",
            "categories",
            "target_groups",
            "eligibility_note",
            "is_free",
            "fee_amount",
            "fees_description",
            "capacity",
            "application_required",
            "application_process",
            "direction",
            "welcomes_volunteers",
            "volunteer_roles",
            "step_free",
            "accessible_toilet",
            "has_seating",
            "accessibility_note",
            "contact_name",
            "contact_phone",
            "fax",
            "contact_email",
            "contact_is_public",
            "url",
            "is_public",
            "publication_consent",
            "source",
            "source_note",
            "external_id",
            "internal_note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "volunteer_roles": forms.Textarea(attrs={"rows": 2}),
            "internal_note": forms.Textarea(attrs={"rows": 3}),
        }

    PLACE_FIELDS = [
        "place_name",
        "postal_code",
        "address",
        "address_2",
        "town",
        "is_approximate",
        "latitude",
        "longitude",
        "is_private_home",
        "place_type",
    ]

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        from django.db.models import Q

        shared_or_own = Q(municipality__isnull=True) | Q(municipality=municipality)
        self.fields["direction"].choices = [
            ("", "自動（分類・対象者・内容から判断）"),
            *Service.Direction.choices,
        ]
        self.fields["categories"].queryset = Category.objects.filter(
            shared_or_own, axis=Category.Axis.ACTIVITY, is_active=True
        ).order_by("order", "id")
        self.fields["place_type"].queryset = Category.objects.filter(
            shared_or_own, axis=Category.Axis.PLACE, is_active=True
        ).order_by("order", "id")
        self.fields["categories"].label_from_instance = lambda c: (
            ("└ " if c.parent_id else "") + c.name
        )
        self.fields["town"].queryset = Town.objects.filter(municipality=municipality).order_by(
            "name_kana"
        )
        self.fields["organization"].queryset = Organization.objects.filter(
            municipality=municipality
        ).order_by("name_kana", "name")
        self.fields["organization"].required = False
        self.fields["name_kana"].help_text = "ひらがな・カタカナどちらでも（検索の読みに使います）"
        location = self.instance.location if self.instance.pk else None
        if location is not None and not self.is_bound:
            self.initial.update(
                place_name=location.name,
                postal_code=location.postal_code,
                address=location.address,
                address_2=location.address_2,
                town=location.town_id,
                is_approximate=location.is_approximate,
                latitude=location.latitude,
                longitude=location.longitude,
                is_private_home=location.is_private_home,
                place_type=location.place_type_id,
            )

    def clean_name_kana(self):
        from sasaeai.core.text import to_katakana_reading

        value = self.cleaned_data.get("name_kana", "")
        return to_katakana_reading(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organization") and cleaned.get("new_organization"):
            self.add_error(
                "new_organization", "既存の団体を選んだ場合は、新しい団体名は空欄にしてください。"
            )
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (
            not cleaned.get("is_approximate")
            and (lat is None or lon is None)
            and "latitude" not in self.errors
            and "longitude" not in self.errors
        ):
            self.add_error(
                "latitude",
                "正確な位置にする場合は緯度と経度を入力するか、地図をクリックしてください。",
            )
        if (lat is None) != (lon is None) and "latitude" not in self.errors:
            self.add_error("latitude", "緯度と経度は両方とも入力してください。")
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        names = [
            f for f in self.Meta.fields if f not in ("categories", "target_groups") and f in data
        ]
        return {name: data[name] for name in names}

    def place_values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("place_name") or "",
            "postal_code": data.get("postal_code") or "",
            "address": data.get("address") or "",
            "address_2": data.get("address_2") or "",
            "town": data.get("town"),
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "is_approximate": bool(data.get("is_approximate")),
            "is_private_home": bool(data.get("is_private_home")),
            "place_type": data.get("place_type"),
        }

    @property
    def has_place(self) -> bool:
        values = self.place_values()
        return bool(values["name"] or values["address"] or values["town"])


class ScheduleForm(forms.ModelForm):
    phrase = forms.CharField(
        label="かんたん入力",
        required=False,
        max_length=200,
        help_text=(
            "例:「第2・第4水曜 13:30〜15:30 祝日休み」。ここに書くと、この文のとおりに保存します"
            "（下の項目より優先）"
        ),
    )
    byday_choice = forms.MultipleChoiceField(
        label="曜日",
        required=False,
        choices=[
            (code, label + "曜") for code, label in zip(DAY_CODES, "月火水木金土日", strict=True)
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text="毎週の場合",
    )

    class Meta:
        model = Schedule
        fields = list(Schedule.RULE_FIELDS)
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"byday": "曜日（毎月の場合）"}
        help_texts = {
            "byday": "例: 第2火曜、第2・第4水曜、最終金曜、第1月曜・第3木曜",
            "bymonthday": "毎月の日付で決まる場合: 1,15",
        }
        error_messages = {
            "opens_at": {"invalid": "開始時刻は 10:00 の形で入力してください。"},
            "closes_at": {"invalid": "終了時刻は 12:00 の形で入力してください。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.freq == "WEEKLY" and not self.is_bound:
            self.initial["byday_choice"] = [c for c in instance.byday.split(",") if c]
        if instance.pk and not self.is_bound:
            # The days in words (第2・第4金曜), never the stored codes (2FR,4FR).
            self.initial["byday"] = days_in_words(instance.byday)

    @property
    def in_words(self) -> str:
        """The saved schedule as one reads it: 「第2・第4金曜 13:30〜15:00 祝日休み」."""
        return schedule_to_text(self.instance) if self.instance.pk else ""

    def clean_byday(self) -> str:
        """The days in words (第2・第4水曜, 火・木曜) or as iCal codes (2WE,4WE: the API's and
        imports' form); kept as codes."""
        value = (self.cleaned_data.get("byday") or "").strip()
        if not value or re.fullmatch(r"[-0-9A-Za-z, ]+", value):
            return value
        try:
            parts = read_rule_text(value)
        except ValueError:
            parts = {}
        if not parts.get("byday"):
            raise ValidationError(
                f"曜日「{value}」を読み取れませんでした。例:「第2火曜」「第2・第4水曜」「最終金曜」"
            )
        return parts["byday"]

    def clean(self):
        cleaned = super().clean()
        phrase = (cleaned.get("phrase") or "").strip()
        if phrase:
            try:
                parsed = schedule_parse_japanese(phrase)
            except ValidationError as exc:
                self.add_error("phrase", exc)
                return cleaned
            for field, value in parsed.items():
                cleaned[field] = value
        elif cleaned.get("freq") == "WEEKLY" and cleaned.get("byday_choice"):
            cleaned["byday"] = ",".join(cleaned["byday_choice"])
        cleaned["byday"] = (cleaned.get("byday") or "").upper().replace(" ", "")
        cleaned["bymonthday"] = (cleaned.get("bymonthday") or "").replace(" ", "")
        # The remaining checks (closing before opening, unreadable days …) are the model's
        # (Schedule.clean), run by the form on these values.
        return cleaned

    def schedule_values(self) -> dict:
        values = {f: self.cleaned_data.get(f) for f in ScheduleForm.Meta.fields}
        values["interval"] = values.get("interval") or 1
        values["byday"] = values.get("byday") or ""
        values["bymonthday"] = values.get("bymonthday") or ""
        values["note"] = values.get("note") or ""
        values["closed_on_holidays"] = bool(values.get("closed_on_holidays"))
        values["closed_year_end"] = bool(values.get("closed_year_end"))
        if self.instance.pk:
            values["id"] = self.instance.pk
        return values


def days_in_words(byday: str) -> str:
    """Stored day codes as words: 2FR,4FR → 第2・第4金曜; TU,TH → 火・木曜."""
    if not byday:
        return ""
    monthly = any(ch.isdigit() for ch in byday)
    try:
        rule = Rule.from_parts(
            freq="MONTHLY" if monthly else "WEEKLY", interval=1, byday=byday, bymonthday=""
        )
    except ValueError:
        return byday
    text = rule_text(rule)
    return text.removeprefix("毎週") if not monthly else text


ScheduleFormSet = forms.inlineformset_factory(
    Service, Schedule, form=ScheduleForm, extra=1, can_delete=True, max_num=10
)


class PointForm(forms.Form):
    """The exact point a coordinator set by clicking the map."""

    latitude = forms.DecimalField(
        label="緯度", max_digits=9, decimal_places=6, validators=[validate_latitude_in_japan]
    )
    longitude = forms.DecimalField(
        label="経度", max_digits=9, decimal_places=6, validators=[validate_longitude_in_japan]
    )

    def clean_latitude(self):
        return self.cleaned_data["latitude"].quantize(Decimal("0.000001"))

    def clean_longitude(self):
        return self.cleaned_data["longitude"].quantize(Decimal("0.000001"))


class ConfirmForm(forms.Form):
    confirmed_on = forms.DateField(
        label="確認した日",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日付は 2025-05-14 の形で入力してください。"},
    )

    def clean_confirmed_on(self):
        from django.utils import timezone

        value = self.cleaned_data.get("confirmed_on") or timezone.localdate()
        if value > timezone.localdate():
            raise ValidationError("確認した日に未来の日付は指定できません。")
        if value < dt.date(2000, 1, 1):
            raise ValidationError("確認した日が古すぎます。")
        return value


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["terms", "is_active"]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "axis",
            "name",
            "name_kana",
            "parent",
            "code",
            "order",
            "survey_label",
            "color",
            "symbol",
            "description",
            "is_active",
        ]

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        self.fields["parent"].queryset = Category.objects.filter(
            Q(municipality__isnull=True) | Q(municipality=municipality)
        ).order_by("axis", "order", "id")
        self.fields[
            "code"
        ].help_text = "半角英数字とハイフン（例: salon-outdoor）。他と重ならないもの"

    def clean_color(self):
        import re

        value = self.cleaned_data.get("color", "")
        if value and not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise ValidationError("色は #1565C0 のように # と16進数6桁で入力してください。")
        return value
