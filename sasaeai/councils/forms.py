"""Forms for regional issues, council meetings and proposals."""

from django import forms
from django.utils import timezone

from sasaeai.org.models import Area

from .models import (
    AgendaItem,
    CouncilMember,
    IssueEvidence,
    IssueStatus,
    IssueTheme,
    Proposal,
    Recommendation,
    RegionalIssue,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IssueForm(forms.Form):
    title = forms.CharField(label="課題名", max_length=200)
    description = forms.CharField(
        label="内容",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="個人が特定できる内容は書かないでください。根拠は相談・訪問などの記録を添付します。",
    )
    areas = forms.ModelMultipleChoiceField(
        label="圏域",
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="市全域の課題は空欄（第1層のみ）",
    )
    themes = forms.ModelMultipleChoiceField(
        label="テーマ",
        queryset=IssueTheme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    raised_on = forms.DateField(label="提起した日", widget=DATE, initial=timezone.localdate)
    proposed_wording = forms.CharField(
        label="提言の文案", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, municipality, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = Area.objects.filter(municipality=municipality)
        if editing:
            del self.fields["raised_on"]
        else:
            del self.fields["proposed_wording"]


class AdvanceForm(forms.Form):
    to_status = forms.ChoiceField(label="次の段階", choices=IssueStatus.choices)
    date = forms.DateField(label="日付", widget=DATE, initial=timezone.localdate)
    meeting = forms.ModelChoiceField(
        label="会議",
        queryset=None,
        required=False,
        help_text="この段階に進んだ会議（地域ケア会議、連携会議、協議体など）",
    )
    reason = forms.CharField(
        label="理由・経過",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="段階を飛ばす・戻す場合は必須です。",
    )

    def __init__(self, *args, meetings, meeting_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Any meeting the user may read is accepted; the list offers the ones that make sense
        # (recent, of the step's kind, with era dates: `selectors.advance_meeting_choices`).
        self.fields["meeting"].queryset = meetings
        if meeting_choices is not None:
            self.fields["meeting"].choices = meeting_choices
            self.fields[
                "meeting"
            ].help_text = (
                "この段階に進んだ会議。最近1年の会議を、段階に合う種類から順に並べています"
            )


class EvidenceSearchForm(forms.Form):
    """Finding a record to attach as evidence: by words and a period (never by its number)."""

    q = forms.CharField(
        label="記録を探す言葉",
        required=False,
        max_length=100,
        help_text="相談の内容、訪問先、会議名、ケース番号などの言葉（空白で区切ると全部を含むもの）",
    )
    date_from = forms.DateField(label="期間（から）", required=False, widget=DATE)
    date_to = forms.DateField(label="期間（まで）", required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "期間の終わりが始まりより前になっています。")
        return data


class MergeForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(
        label="統合する課題",
        queryset=RegionalIssue.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label="理由", required=False, max_length=300)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = candidates


class EvidenceForm(forms.Form):
    """The 「根拠に追加」 button of a record found by the search or suggested: the record is
    named by the page, never typed."""

    kind = forms.ChoiceField(
        label="記録の種類", choices=IssueEvidence.Kind.choices, widget=forms.HiddenInput
    )
    record_id = forms.IntegerField(label="記録", min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(label="メモ", required=False, max_length=300)


class IssueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RegionalIssue) -> str:
        return f"{obj.title}（{obj.get_status_display()}）"


class AttachForm(forms.Form):
    """Adds a record, opened from its own page, to a regional issue as evidence."""

    issue = IssueChoiceField(
        label="どの地域課題の根拠にしますか",
        queryset=RegionalIssue.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    note = forms.CharField(label="メモ", required=False, max_length=300)

    def __init__(self, *args, issues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = issues


class MemberForm(forms.ModelForm):
    class Meta:
        model = CouncilMember
        fields = ["name", "organisation", "role", "term_start", "term_end"]
        widgets = {"term_start": DATE, "term_end": DATE}


class AgendaAddForm(forms.Form):
    issue = forms.ModelChoiceField(
        label="議題にする地域課題", queryset=RegionalIssue.objects.none()
    )

    def __init__(self, *args, issues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = issues


class DecisionForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["decision", "decision_text"]
        widgets = {"decision_text": forms.Textarea(attrs={"rows": 2})}


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "council",
            "title",
            "summary",
            "issues",
            "approved_on",
            "submitted_on",
            "is_published",
        ]
        widgets = {
            "approved_on": DATE,
            "submitted_on": DATE,
            "issues": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, councils, issues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        self.fields["issues"].queryset = issues


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="市の回答", choices=[c for c in Recommendation.Answer.choices if c[0]]
    )
    answer_text = forms.CharField(
        label="回答の内容", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    responsible_section = forms.CharField(label="担当課", max_length=100)
    answered_on = forms.DateField(label="回答日", widget=DATE, initial=timezone.localdate)


class PublishForm(forms.Form):
    published_on = forms.DateField(label="公表日", widget=DATE, initial=timezone.localdate)


class ProgressForm(forms.Form):
    date = forms.DateField(label="日付", widget=DATE, initial=timezone.localdate)
    percent = forms.IntegerField(label="進捗（%）", min_value=0, max_value=100)
    note = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 2}))
