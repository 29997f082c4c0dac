"""Forms of the case pages. They parse and check what was typed; the writes go through
services.py, whose Japanese validation messages are put back on the fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from sasaeai.core.eras import era_date
from sasaeai.core.forms import ModelChecksOnCopy
from sasaeai.core.plans import PlanDateConfirmation
from sasaeai.org.forms import PostalCodeField
from sasaeai.org.models import Area, Town, TownBlock

from .checks import today
from .matching import WISH_LABELS
from .models import (
    WEEKDAY_CODES,
    WEEKDAY_LABELS,
    CareLevel,
    Case,
    CaseEntry,
    CaseStory,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    RolePreference,
    Sex,
)

DAY_CHOICES = [(code, WEEKDAY_LABELS[code]) for code in WEEKDAY_CODES]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def choose_the_one_area(form: forms.ModelForm, areas) -> None:
    """A new record of a user with one area has it chosen, with no empty choice beside it (the
    instance's empty area in `form.initial` would hide a field's initial value)."""
    if not form.initial.get("area"):
        form.initial["area"] = areas[0].pk
    form.fields["area"].empty_label = None


class TownBlockSelect(forms.Select):
    """Each 丁目 names its 町 (`data-town`), so that the page's script offers only the blocks of
    the chosen 町 (cases/case_form.js); without the script every block is offered and the
    model refuses a block of another 町."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-town"] = str(instance.town_id)
        return option


class TownBlockChoiceField(forms.ModelChoiceField):
    widget = TownBlockSelect

    def label_from_instance(self, obj: TownBlock) -> str:
        return f"{obj.town.name}{obj.number}丁目"


class CaseForm(ModelChecksOnCopy, forms.ModelForm):
    free_days = forms.MultipleChoiceField(
        label="空いている曜日",
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    town_block = TownBlockChoiceField(
        label="丁目", queryset=TownBlock.objects.none(), required=False
    )
    # Only a help to choose the town: a case keeps its town, never the postal code.
    postal_code = PostalCodeField(
        town_field="town",
        label="郵便番号（町を選ぶ補助）",
        help_text="入れると、その郵便番号の町を「町」に選びます。郵便番号は保存しません",
    )

    class Meta:
        model = Case
        fields = [
            "area",
            "number",
            "received_on",
            "brought_by",
            "brought_by_note",
            "person_name",
            "person_name_kana",
            "contact_phone",
            "contact_note",
            "age",
            "age_band",
            "sex",
            "care_level",
            "memory_concern",
            "is_carer",
            "town",
            "town_block",
            "consent_to_share",
            "consent_on",
            "needs_text",
            "wants_company",
            "wants_role",
            "wants_exercise",
            "wants_meals",
            "wants_learning",
            "wants_carer_support",
            "hobbies",
            "max_walk_m",
            "free_days",
            "free_time_from",
            "free_time_to",
            "role_preference",
            "constraints",
            "status",
            "closed_on",
        ]
        widgets = {
            "received_on": DATE,
            "consent_on": DATE,
            "closed_on": DATE,
            "free_time_from": TIME,
            "free_time_to": TIME,
            "needs_text": forms.Textarea(attrs={"rows": 4}),
            "constraints": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_id = user.municipality_id
        areas = Area.objects.filter(municipality_id=municipality_id).order_by("order", "id")
        if user.role == "tier2":
            areas = areas.filter(pk__in=user.areas.values("pk"))
        self.fields["area"].queryset = areas
        if len(areas) == 1 and not self.instance.pk:
            choose_the_one_area(self, areas)
        elif not areas.exists():
            # A case is kept under an area (its access scope); say so instead of a bare
            # 「必須」 where the municipality has not made its areas yet.
            self.fields["area"].help_text = (
                "この市区町村には圏域がまだありません。ケースは圏域ごとに記録します。"
                "システム管理者が「組織」→「初期設定」で圏域を作ってください。"
            )
        self.fields["town"].queryset = Town.objects.filter(
            municipality_id=municipality_id
        ).order_by("name_kana")
        self.fields["town_block"].queryset = (
            TownBlock.objects.filter(town__municipality_id=municipality_id)
            .select_related("town")
            .order_by("town__name_kana", "number")
        )
        self.fields["number"].required = False
        if self.instance.pk:
            self.initial["free_days"] = self.instance.free_day_codes
        else:
            self.fields.pop("status")
            self.fields.pop("closed_on")

    def clean_free_days(self) -> str:
        return ",".join(code for code in WEEKDAY_CODES if code in self.cleaned_data["free_days"])

    def clean(self):
        data = super().clean()
        data.pop("postal_code", None)  # it only helped choose the town: never stored
        return data

    def write_errors(self, candidate: Case) -> dict[str, str]:
        from .services import CASE_PAST_DATES, past_date_errors

        return past_date_errors(candidate, CASE_PAST_DATES)


class CaseEntryForm(ModelChecksOnCopy, forms.ModelForm):
    class Meta:
        model = CaseEntry
        fields = ["kind", "date", "referral", "text"]
        widgets = {"date": DATE, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = case.referrals.select_related("service")
        self.fields["referral"].label_from_instance = lambda r: r.destination_label

    def write_errors(self, candidate: CaseEntry) -> dict[str, str]:
        from .services import ENTRY_PAST_DATES, past_date_errors

        return past_date_errors(candidate, ENTRY_PAST_DATES)


class ReferralForm(PlanDateConfirmation, forms.Form):
    """A referral to an agency (suggested resources are referred from the match page)."""

    agency_name = forms.CharField(label="つなぎ先の機関", max_length=200)
    role = forms.ChoiceField(label="参加の形", choices=RolePreference.choices)
    reason = forms.CharField(label="つなぐ理由", max_length=500, required=False)
    follow_up_on = forms.DateField(
        label="次の確認日", required=False, widget=DATE, help_text="今日以降の日"
    )

    def clean(self):
        data = super().clean()
        self.check_plan_date(
            "follow_up_on",
            plan=data.get("follow_up_on"),
            anchor=timezone.localdate(),
            anchor_label="提案日（今日）",
        )
        return data


class SuggestionReferralForm(forms.Form):
    service = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=RolePreference.choices, widget=forms.HiddenInput)


class ReferralAdvanceForm(PlanDateConfirmation, forms.Form):
    to_status = forms.ChoiceField(label="次の状態", choices=())
    date = forms.DateField(label="日付", widget=DATE)
    note = forms.CharField(label="メモ", max_length=500, required=False)
    follow_up_on = forms.DateField(
        label="次の確認日", required=False, widget=DATE, help_text="終了・中断のときは不要"
    )
    outcome = forms.ChoiceField(
        label="結果（終了・中断のとき）",
        choices=[("", "—"), *list(ReferralOutcome.choices)],
        required=False,
    )
    outcome_note = forms.CharField(label="結果の補足", max_length=300, required=False)
    interruption_reason = forms.CharField(label="中断の理由", max_length=300, required=False)

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["to_status"].choices = [
            (code, ReferralStatus(code).label) for code in referral.allowed_statuses()
        ]
        # The rules, stated next to the controls before the user breaks them.
        rules = ["日付は今日までの日です（見学・体験は予定の日も入れられます）。"]
        if referral.status == ReferralStatus.PROPOSED and not referral.case.consent_to_share:
            rules.insert(
                0,
                "見学・体験や利用開始に進めるには、ケースに本人の同意（社会資源への情報提供）の"
                "記録が必要です（このケースは未記録です。ケースの編集で記録できます）。",
            )
        self.fields["to_status"].help_text = " ".join(rules[:-1]) or ""
        self.fields["date"].help_text = rules[-1]
        self.fields["follow_up_on"].help_text = "日付より後の日。終了・中断のときは不要"

    def clean(self):
        from .services import referral_advance_errors

        data = super().clean()
        if "to_status" in self.errors:
            return data
        found = referral_advance_errors(
            referral=self.referral,
            to_status=data.get("to_status", ""),
            date=data.get("date"),
            follow_up_on=data.get("follow_up_on"),
        )
        for name, message in found.items():
            if name not in self.errors:
                self.add_error(name, message)
        self.check_plan_date(
            "follow_up_on",
            plan=data.get("follow_up_on"),
            anchor=data.get("date"),
            anchor_label="日付",
        )
        if data.get("to_status") == "trial" and data.get("date") and data["date"] > today():
            # A planned trial more than a year ahead is most likely a typo (2027 for 2026).
            self.check_plan_date("date", plan=data["date"], anchor=today(), anchor_label="今日")
        return data


class FollowUpForm(PlanDateConfirmation, forms.Form):
    follow_up_on = forms.DateField(label="次の確認日", required=False, widget=DATE)

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields[
            "follow_up_on"
        ].help_text = f"状態の日付（{era_date(referral.status_on, weekday=False)}）以降の日。空欄にすると確認日を外します"

    def clean(self):
        data = super().clean()
        self.check_plan_date(
            "follow_up_on",
            plan=data.get("follow_up_on"),
            anchor=self.referral.status_on,
            anchor_label="状態の日付",
        )
        return data


class QuickMatchForm(forms.Form):
    """The quick form for a care manager on the phone: no case is created."""

    town = forms.ModelChoiceField(label="住まいの町", queryset=Town.objects.none())
    max_walk_m = forms.IntegerField(
        label="歩ける距離（m）",
        min_value=0,
        max_value=20000,
        required=False,
        help_text="0は外出が難しい方（自宅まで来てくれるサービスだけを探します）",
    )
    days = forms.MultipleChoiceField(
        label="空いている曜日",
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time_from = forms.TimeField(label="空いている時間（から）", required=False, widget=TIME)
    time_to = forms.TimeField(label="空いている時間（まで）", required=False, widget=TIME)
    interests = forms.CharField(
        label="趣味・関心", max_length=500, required=False, help_text="例: カラオケ、歌うこと、手芸"
    )
    wishes = forms.MultipleChoiceField(
        label="希望",
        choices=list(WISH_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    role = forms.ChoiceField(label="参加の形", choices=RolePreference.choices, initial="either")
    age = forms.IntegerField(label="年齢", min_value=18, max_value=120, required=False)
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, initial=Sex.UNKNOWN)
    care_level = forms.ChoiceField(
        label="要介護度等", choices=[("", "—"), *list(CareLevel.choices)], required=False
    )
    is_carer = forms.BooleanField(label="家族を介護している", required=False)
    memory_concern = forms.BooleanField(label="物忘れ・認知症の心配あり", required=False)
    notes = forms.CharField(
        label="本人の言葉・メモ",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="氏名など個人が分かることは書かないでください（保存されません）",
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Town.objects.filter(municipality=municipality).order_by(
            "name_kana"
        )

    def clean(self):
        data = super().clean()
        if data.get("time_from") and data.get("time_to") and data["time_to"] <= data["time_from"]:
            self.add_error("time_to", "空いている時間の終わりが始まりより前になっています。")
        return data


class CaseStoryForm(ModelChecksOnCopy, forms.ModelForm):
    class Meta:
        model = CaseStory
        fields = [
            "title",
            "area",
            "age_band",
            "sex",
            "care_level",
            "consultation",
            "response",
            "outcome",
            "learning_points",
            "keywords",
        ]
        widgets = {
            "consultation": forms.Textarea(attrs={"rows": 4}),
            "response": forms.Textarea(attrs={"rows": 8}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "learning_points": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(municipality_id=user.municipality_id)
        if user.role == "tier2":
            areas = areas.filter(pk__in=user.areas.values("pk"))
        self.fields["area"].queryset = areas.order_by("order", "id")


class StoryReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="判断",
        choices=[("approve", "公開する"), ("return", "差し戻す")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="コメント",
        max_length=500,
        required=False,
        help_text="差し戻すときは理由を書いてください",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", "差し戻す理由を書いてください。")
        return data


class DeleteRequestForm(forms.Form):
    confirm_number = forms.CharField(
        label="確認のためケース番号を入力", max_length=30, help_text="削除は取り消せません"
    )
