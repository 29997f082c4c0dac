"""Forms of the activity records, the calendar and the list filters. They parse and check
what was typed; the services validate again and save. Errors from the services are put back on
the form's fields, so what was typed stays in the form."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import fields_for_model

from sasaeai.accounts.models import Role, User
from sasaeai.core.plans import PlanDateConfirmation
from sasaeai.org.models import Area

from . import selectors, services
from .models import (
    CalendarEntry,
    Channel,
    Consultation,
    ConsulterType,
    EntryKind,
    Meeting,
    MeetingType,
    OtherActivity,
    OtherActivityKind,
    Recurrence,
    ReferralDestination,
    Visit,
)
from .recurrence import recurrence_parse_japanese

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SHORT_TEXT = forms.Textarea(attrs={"rows": 3})


def _resource_queryset(user: User):
    from sasaeai.resources.selectors import service_list_visible_to

    return service_list_visible_to(user=user)


class RecordForm(forms.Form):
    """Builds its fields from the model; the area list offers the user's areas (tier 2) or
    every area with 市全域 (tier 1) while accepting any area of the municipality, so that a
    wrong area gets the service's clear message rather than a generic one."""

    model = None
    field_names: list[str] = []
    hidden = ["calendar_entry", "occurrence_date"]

    def __init__(self, *args, user: User, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                **{
                    name: getattr(instance, f"{name}_id", None)
                    if self._is_fk(name)
                    else getattr(instance, name)
                    for name in self.field_names
                },
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        built = fields_for_model(
            self.model,
            fields=self.field_names,
            widgets={
                "date": DATE,
                "end_date": DATE,
                "followup_due": DATE,
                "followup_done_on": DATE,
                "start_time": TIME,
                "end_time": TIME,
                "observations": SHORT_TEXT,
                "needs_heard": SHORT_TEXT,
                "summary": SHORT_TEXT,
                "agenda": SHORT_TEXT,
                "minutes_text": forms.Textarea(attrs={"rows": 5}),
                "participant_organisations": SHORT_TEXT,
                "distribution": SHORT_TEXT,
                "note": SHORT_TEXT,
            },
        )
        for name in self.field_names:
            if name in built and name not in self.fields:
                self.fields[name] = built[name]
        for name in self.hidden:
            if name in self.fields:
                self.fields[name].widget = forms.HiddenInput()
        if "calendar_entry" in self.fields:
            self.fields["calendar_entry"].queryset = selectors.calendar_entries_visible_to(
                user=user
            ).filter(coordinator=user)
        if "area" in self.fields:
            field = self.fields["area"]
            field.queryset = Area.objects.filter(municipality_id=user.municipality_id)
            own = user.areas.all() if user.role == Role.TIER2 else field.queryset
            empty = [] if user.role == Role.TIER2 else [("", "市全域（圏域を限らない）")]
            field.widget.choices = empty + [(a.pk, a.name) for a in own]
            field.required = user.role == Role.TIER2
            if user.role == Role.TIER2:
                field.help_text = ""
        for name in ("start_time", "end_time"):
            if name in self.fields:
                self.fields[name].input_formats = ["%H:%M", "%H:%M:%S", "%H時%M分", "%H時"]

    def _is_fk(self, name: str) -> bool:
        field = self.model._meta.get_field(name)
        return field.many_to_one

    def record_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.field_names}

    def add_service_errors(self, exc: ValidationError) -> None:
        """Puts a service's ValidationError on the matching fields (or on top), leaving out
        fields that already show an error of their own."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                if name in self.fields and name in self.errors:
                    continue
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)

    def clean(self):
        """The write's own checks run here too, on what could be read, so that every error
        shows in one round: a bad time and a missing destination together, not one per
        submit."""
        data = super().clean()
        fields = {name: data[name] for name in self.field_names if name in data}
        try:
            services.record_check(
                user=self.user,
                model=self.model,
                fields=fields,
                record=self.instance,
                exclude=set(self.errors),
            )
        except ValidationError as exc:
            self.add_service_errors(exc)
        return data


class ResourcePickerMixin:
    """A resource field filled by the search-as-you-type picker (radio buttons)."""

    def _setup_resource(self, name: str, label: str) -> None:
        self.fields[name] = forms.ModelChoiceField(
            queryset=_resource_queryset(self.user),
            required=False,
            label=label,
            widget=forms.HiddenInput(),
            error_messages={
                "invalid_choice": "選んだ社会資源が見つかりません。選び直してください。"
            },
        )


class VisitForm(ResourcePickerMixin, RecordForm):
    model = Visit
    field_names = [
        "date",
        "start_time",
        "end_time",
        "service",
        "place_name",
        "area",
        "attendees",
        "companions",
        "observations",
        "needs_heard",
        "calendar_entry",
        "occurrence_date",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_resource("service", "訪問先（社会資源）")
        self.fields[
            "place_name"
        ].help_text = "社会資源に登録されていない訪問先の名称。入力する場合は、上の訪問先（社会資源）を「選ばない」にしてください"


class ConsultationForm(PlanDateConfirmation, ResourcePickerMixin, RecordForm):
    model = Consultation
    field_names = [
        "visit",
        "date",
        "start_time",
        "end_time",
        "consulter_type",
        "consulter_body",
        "channel",
        "summary",
        "referral",
        "referral_service",
        "referral_note",
        "area",
        "followup_needed",
        "followup_due",
        "followup_done_on",
        "case",
        "calendar_entry",
        "occurrence_date",
    ]
    hidden = ["visit", "calendar_entry", "occurrence_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = selectors.records_visible_to(user=self.user, model=Visit)
        self.fields["consulter_type"] = forms.ChoiceField(
            label="相談者",
            choices=ConsulterType.choices,
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": "相談者の種類「%(value)s」は一覧にありません。一覧から選んでください。",
                "required": "相談者を選んでください。",
            },
        )
        self.fields["channel"] = forms.ChoiceField(
            label="相談の方法",
            choices=Channel.choices,
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": "相談の方法「%(value)s」は一覧にありません。",
                "required": "相談の方法を選んでください。",
            },
        )
        include = list(self.instance.topics.values_list("pk", flat=True)) if self.instance else []
        self.fields["topics"] = forms.ModelMultipleChoiceField(
            label="相談内容",
            queryset=selectors.topic_list_for(user=self.user, include=include),
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": "相談内容「%(value)s」は一覧にありません。一覧から選んでください。",
                "invalid_pk_value": "相談内容「%(pk)s」は一覧にありません。",
                "required": "相談内容を1つ以上選んでください。",
            },
        )
        if self.instance is not None and not self.is_bound:
            self.initial["topics"] = include
        self.fields["referral"].choices = ReferralDestination.choices
        self._setup_resource("referral_service", "つないだ社会資源")
        self._setup_case()
        self.order_fields(
            [
                "date",
                "start_time",
                "end_time",
                "consulter_type",
                "consulter_body",
                "channel",
                "topics",
                "summary",
                "referral",
                "referral_service",
                "referral_note",
                "followup_needed",
                "followup_due",
                "followup_done_on",
                "area",
            ]
        )
        self.fields["summary"].help_text = "個人名は書かないでください（個人の支援は個別ケースへ）"
        self.fields["followup_due"].help_text = "相談日以降の日"

    def clean(self):
        data = super().clean()
        visit = data.get("visit")
        self.check_plan_date(
            "followup_due",
            plan=data.get("followup_due"),
            anchor=data.get("date") or (visit.date if visit else None),
            anchor_label="相談日",
        )
        return data

    def _setup_case(self) -> None:
        """The optional case link: the cases the user may see, by number only."""
        from sasaeai.cases.selectors import case_list_visible_to

        cases = case_list_visible_to(user=self.user)
        current = self.instance.case_id if self.instance is not None else None
        field = self.fields["case"]
        field.queryset = cases
        field.widget.choices = [("", "（結び付けない）")] + [
            (pk, f"ケース {number}")
            for pk, number in cases.filter(Q(status="open") | Q(pk=current))
            .order_by("-pk")
            .values_list("pk", "number")[:200]
        ]
        field.error_messages["invalid_choice"] = (
            "選んだケースが見つかりません。選び直してください。"
        )

    def topics(self):
        return self.cleaned_data.get("topics")


class MeetingForm(RecordForm):
    model = Meeting
    field_names = [
        "meeting_type",
        "title",
        "date",
        "start_time",
        "end_time",
        "area",
        "council",
        "organiser",
        "venue",
        "participant_organisations",
        "participant_count",
        "agenda",
        "minutes_text",
        "calendar_entry",
        "occurrence_date",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from sasaeai.councils.models import Council

        self.fields["council"].queryset = Council.objects.filter(
            municipality_id=self.user.municipality_id
        )
        self.fields["meeting_type"].error_messages["invalid_choice"] = (
            "会議の種類「%(value)s」は一覧にありません。"
        )


class OtherActivityForm(RecordForm):
    model = OtherActivity
    field_names = [
        "kind",
        "title",
        "date",
        "end_date",
        "start_time",
        "end_time",
        "area",
        "counterpart",
        "venue",
        "head_count",
        "copies",
        "distribution",
        "note",
        "calendar_entry",
        "occurrence_date",
    ]


class CalendarEntryForm(forms.ModelForm):
    """A calendar entry; the recurrence can be typed as a phrase (毎週火曜, 第2火曜,
    偶数月20日) instead of choosing its parts."""

    recurrence_text = forms.CharField(
        label="繰り返し（ことばで入力）",
        required=False,
        help_text="例:「毎週火曜」「隔週金曜」「第2火曜」「第2・第4水曜」「最終金曜」「偶数月20日」。空欄なら下の指定を使います",
    )

    class Meta:
        model = CalendarEntry
        fields = [
            "title",
            "kind",
            "meeting_type",
            "date",
            "start_time",
            "end_time",
            "service",
            "venue",
            "area",
            "note",
            "freq",
            "interval",
            "byday",
            "bymonthday",
            "bymonth",
            "until",
            "skip_holidays",
        ]
        widgets = {
            "date": DATE,
            "until": DATE,
            "start_time": TIME,
            "end_time": TIME,
            "note": SHORT_TEXT,
            "service": forms.HiddenInput(),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["service"].queryset = _resource_queryset(user)
        self.fields["service"].required = False
        self.fields["area"].queryset = Area.objects.filter(municipality_id=user.municipality_id)
        self.fields["freq"].choices = Recurrence.choices
        self.fields["kind"].choices = EntryKind.choices
        self.fields["meeting_type"].choices = [("", "（会議の場合に選ぶ）"), *MeetingType.choices]
        self.fields["start_time"].input_formats = ["%H:%M", "%H:%M:%S"]
        self.fields["end_time"].input_formats = ["%H:%M", "%H:%M:%S"]

    def _post_clean(self):
        # The service's checks on what could be read (on a copy), so that every error shows
        # in one round; the service checks again when it saves.
        fields = {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }
        try:
            services.calendar_entry_check(
                user=self.user, fields=fields, entry=self.instance, exclude=set(self.errors)
            )
        except ValidationError as exc:
            self.add_service_errors(exc)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error(
                "end_time",
                "終了時刻が開始時刻より前（または同じ）です。時刻を確認してください。",
            )
        phrase = (data.get("recurrence_text") or "").strip()
        if phrase:
            try:
                parts = recurrence_parse_japanese(phrase)
            except ValueError as exc:
                self.add_error("recurrence_text", str(exc))
            else:
                data.update(parts)
        return data

    def entry_fields(self) -> dict:
        names = [n for n in self.Meta.fields]
        return {name: self.cleaned_data.get(name) for name in names}

    add_service_errors = RecordForm.add_service_errors


class FilterForm(forms.Form):
    """The list filters: period, kind, area, resource, topic, and whose records."""

    period = forms.ChoiceField(label="期間", choices=selectors.PERIOD_CHOICES, required=False)
    start = forms.DateField(label="開始日", required=False, widget=DATE)
    end = forms.DateField(label="終了日", required=False, widget=DATE)
    kind = forms.ChoiceField(
        label="種類",
        required=False,
        choices=[("", "すべて")] + [(k, label) for k, (_, label) in selectors.KINDS.items()],
    )
    area = forms.ModelChoiceField(
        label="圏域", required=False, queryset=Area.objects.none(), empty_label="すべて"
    )
    service = forms.ModelChoiceField(
        label="社会資源", required=False, queryset=None, widget=forms.HiddenInput()
    )
    topic = forms.ModelChoiceField(
        label="相談内容", required=False, queryset=None, empty_label="すべて"
    )
    mine = forms.ChoiceField(
        label="記録した人",
        required=False,
        choices=[("1", "自分の記録"), ("0", "担当範囲のすべての記録")],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        areas = Area.objects.filter(municipality_id=user.municipality_id)
        if user.role == Role.TIER2:
            areas = user.areas.all()
        self.fields["area"].queryset = areas
        self.fields["service"].queryset = _resource_queryset(user)
        self.fields["topic"].queryset = selectors.topic_list_for(user=user)
        if user.role not in (Role.TIER1, Role.TIER2):
            del self.fields["mine"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if data.get("period") == "custom":
            if not start or not end:
                self.add_error("start", "期間を指定する場合は開始日と終了日を入力してください。")
            elif end < start:
                self.add_error("end", "終了日が開始日より前です。")
        return data

    def filters(self, *, today: dt.date | None = None) -> selectors.ActivityFilters:
        data = self.cleaned_data if self.is_valid() else {}
        key = data.get("period") or "half"
        period = selectors.period_for(
            key, today=today, start=data.get("start"), end=data.get("end")
        )
        mine = data.get("mine", "1") if "mine" in self.fields else "0"
        return selectors.ActivityFilters(
            period=period,
            kind=data.get("kind") or "",
            area_id=data["area"].pk if data.get("area") else None,
            service_id=data["service"].pk if data.get("service") else None,
            topic_id=data["topic"].pk if data.get("topic") else None,
            coordinator_id=self.user.pk if mine != "0" else None,
        )


class TopicForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    order = forms.IntegerField(label="表示順", min_value=0, max_value=32767, initial=500)
    is_active = forms.BooleanField(label="使用中", required=False, initial=True)


# Keep the labels here in one place for export headers and templates.
OTHER_KIND_LABELS = dict(OtherActivityKind.choices)
