"""Forms: a month of participation for a place, a population file, and the gap map's filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from sasaeai.core.eras import era_date
from sasaeai.resources.models import Category, Service

from .gaps import DEFAULT_WALK_M, MAX_WALK_M, MIN_WALK_M
from .models import MAX_COUNT

MONTHS_BACK = 24
# Who can join: the target groups the gap map filters by (code, label).
JOINABLE = [
    ("men", "男性も参加しやすい（対象に「男性」）"),
    ("support-needed", "要支援の方も可（対象に「要支援・要介護の方」）"),
]


def month_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    first = (today or dt.date.today()).replace(day=1)
    choices = []
    year, month = first.year, first.month
    for _ in range(MONTHS_BACK):
        choices.append((f"{year:04d}-{month:02d}", f"{year}年{month}月"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return choices


def parse_month(value: str) -> dt.date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ValidationError("月は「2026-04」の形で指定してください。") from exc


def _count(label: str, *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_COUNT,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.name}（{obj.town.name}）" if obj.town_id else obj.name


class ParticipationForm(forms.Form):
    service = ServiceChoiceField(
        label="通いの場", queryset=Service.objects.none(), empty_label="選んでください"
    )
    month = forms.ChoiceField(label="月", choices=())
    sessions = forms.IntegerField(
        label="開催回数", required=False, min_value=0, max_value=62, help_text="その月に開いた回数"
    )
    participants = _count(
        "参加者の実人数", help_text="その月に1回以上参加した人の数（1人は1回と数えます）"
    )
    attendances = _count("参加者の延べ人数", help_text="各回の参加者数の合計")
    aged_65_plus = _count("うち65歳以上（実人数）")
    men = _count("うち男性（実人数）", required=False)
    support_needed = _count("うち要支援者・事業対象者（実人数）", required=False)
    volunteers = _count(
        "担い手（ボランティア）の実人数",
        required=False,
        help_text="運営する側の人数。参加者には含めません",
    )

    def __init__(self, *args, services, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["month"].choices = month_choices(today)
        self.fields["month"].initial = self.fields["month"].choices[1][0]

    def clean_month(self) -> dt.date:
        return parse_month(self.cleaned_data["month"])


class OrganiserParticipationForm(ParticipationForm):
    """The same month of counts, reported by the place's organiser through their link: the
    place is the link's, so it is not asked."""

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, services=Service.objects.none(), today=today, **kwargs)
        del self.fields["service"]


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label="人口のファイル",
        help_text="町丁別・年齢別人口のCSV（UTF-8・Shift_JIS）かExcel。"
        "年齢は5歳階級でも各歳でも、横並び・縦並びのどちらでも読めます",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    as_of = forms.DateField(
        label="基準日",
        help_text="何日現在の人口か（例: 2026-01-01）",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_as_of(self) -> dt.date:
        value = self.cleaned_data["as_of"]
        if value > dt.date.today():
            raise ValidationError(
                f"基準日（{era_date(value, weekday=False)}）が今日より後になっています。"
            )
        return value


class GapFilterForm(forms.Form):
    walk_m = forms.IntegerField(
        label="歩いて行ける距離（m）",
        min_value=MIN_WALK_M,
        max_value=MAX_WALK_M,
        initial=DEFAULT_WALK_M,
        required=False,
        help_text="直線距離の1.3倍を道のりとみなします",
    )
    category = forms.ModelChoiceField(
        label="活動の種類",
        queryset=Category.objects.none(),
        required=False,
        empty_label="すべて",
    )
    joinable = forms.MultipleChoiceField(
        label="参加できる人",
        choices=JOINABLE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, municipality_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            axis=Category.Axis.ACTIVITY, parent__isnull=True, is_active=True
        ).filter(models_q_shared_or(municipality_id))

    def walk(self) -> int:
        return (self.cleaned_data.get("walk_m") if self.is_valid() else None) or DEFAULT_WALK_M


def models_q_shared_or(municipality_id: int):
    from django.db.models import Q

    return Q(municipality__isnull=True) | Q(municipality_id=municipality_id)


class GapAttachForm(forms.Form):
    """Attach one town's gap (with the filters shown) to a regional issue."""

    town = forms.ChoiceField(label="町丁", choices=())
    issue = forms.TypedChoiceField(label="地域課題", choices=(), coerce=int)
    walk_m = forms.IntegerField(
        min_value=MIN_WALK_M, max_value=MAX_WALK_M, widget=forms.HiddenInput
    )
    category = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)
    joinable = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)

    def __init__(self, *args, rows, issues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [("", "選んでください")] + [
            (row.key, f"{rank}位 {row.name}（空白度 {row.gap_score:.1f}）")
            for rank, row in enumerate(rows, start=1)
        ]
        self.fields["issue"].choices = [("", "選んでください")] + [
            (issue.pk, issue.title) for issue in issues
        ]

    def clean_joinable(self) -> tuple[str, ...]:
        codes = tuple(c for c in self.cleaned_data["joinable"].split(",") if c)
        known = {code for code, _ in JOINABLE}
        if any(code not in known for code in codes):
            raise ValidationError("参加できる人の指定を読めません。")
        return codes


class SheetTemplateForm(forms.Form):
    """The months the organiser's sheet lists (a row per place and month, at most 12)."""

    first = forms.ChoiceField(label="最初の月", choices=())
    last = forms.ChoiceField(label="最後の月", choices=())

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = month_choices(today)
        for name in ("first", "last"):
            self.fields[name].choices = choices
            self.fields[name].initial = choices[1][0]

    def clean(self):
        data = super().clean()
        if "first" in data and "last" in data:
            first, last = parse_month(data["first"]), parse_month(data["last"])
            if first > last:
                raise ValidationError("最初の月は最後の月と同じか、それより前にしてください。")
            if (last.year - first.year) * 12 + last.month - first.month >= 12:
                raise ValidationError("1つのファイルに入れられるのは12か月までです。")
            data["first"], data["last"] = first, last
        return data


class ParticipationSheetForm(forms.Form):
    file = forms.FileField(
        label="記入済みのExcelファイル",
        help_text="この画面からダウンロードした様式（.xlsx）に運営者が人数を記入したもの",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _judgement(label: str, derived: str, yes: str, no: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", derived), ("yes", yes), ("no", no)],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class SurveyJudgementForm(forms.Form):
    resident_led = _judgement(
        "住民主体か",
        "運営主体の種別から判断する（住民個人・住民団体なら住民主体）",
        "住民主体とする（住民以外が運営するが、住民が主体的に取り組んでいる）",
        "住民主体としない",
    )
    prevention = _judgement(
        "介護予防に資するか",
        "活動の種類から判断する（体操・会食・茶話会など全国調査の区分があれば資する）",
        "介護予防に資すると判断する",
        "介護予防に資するとは判断しない（調査に計上しない）",
    )
    note = forms.CharField(
        label="判断の理由",
        required=False,
        max_length=200,
        help_text="例: 社協の運営だが、住民の世話役が企画している。個人名は書かないでください",
    )
