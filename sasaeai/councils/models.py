"""From cases to policy: council bodies (協議体) and their members, regional issues (地域課題)
with their evidence and pipeline, council meetings' agendas, and proposals (政策提言) with the
city's answers and progress.

The pipeline follows the seed: issues found in cases and consultations are discussed at tier-2
meetings, pooled at the coordinator liaison meeting, reported to the tier-1 council, and become
proposals to the mayor (答申) that the city answers and carries out.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from sasaeai.core.models import TimeStampedModel
from sasaeai.org.models import MunicipalityOwned, municipality_key


class Council(MunicipalityOwned):
    class Tier(models.IntegerChoices):
        TIER1 = 1, "第1層"
        TIER2 = 2, "第2層"

    class Kind(models.TextChoices):
        PROMOTION_COUNCIL = "promotion_council", "地域包括ケア推進協議会（第1層協議体）"
        COMMUNITY_CARE_MEETING = "community_care_meeting", "地域ケア会議"
        PREPARATION_GROUP = "preparation_group", "居場所づくり準備会"
        COMMUNITY_FORUM = "community_forum", "地域フォーラム（地域懇談会）"
        LIAISON_MEETING = "liaison_meeting", "生活支援コーディネーター連携会議"
        OTHER = "other", "その他"

    tier = models.PositiveSmallIntegerField("層", choices=Tier.choices)
    kind = models.CharField("種別", max_length=40, choices=Kind.choices)
    area = models.ForeignKey(
        "org.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="councils",
        verbose_name="日常生活圏域",
    )
    name = models.CharField("名称", max_length=100)
    description = models.TextField("説明", blank=True)

    class Meta:
        verbose_name = "協議体"
        verbose_name_plural = "協議体"
        ordering = ["municipality", "tier", "area__order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.tier == self.Tier.TIER2 and self.area_id is None:
            raise ValidationError({"area": "第2層の協議体には日常生活圏域を指定してください。"})
        if self.tier == self.Tier.TIER1 and self.area_id is not None:
            raise ValidationError(
                {"area": "第1層の協議体は市全域が対象です。圏域は空欄にしてください。"}
            )
        if self.area_id and self.area.municipality_id != self.municipality_id:
            raise ValidationError({"area": "ほかの市区町村の圏域は指定できません。"})


class CouncilMember(TimeStampedModel):
    """A member of a council body, by organisation and role, for a term (任期)."""

    class Role(models.TextChoices):
        CHAIR = "chair", "会長・座長"
        VICE_CHAIR = "vice_chair", "副会長"
        MEMBER = "member", "委員"
        SECRETARIAT = "secretariat", "事務局"
        OBSERVER = "observer", "オブザーバー"

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="members", verbose_name="協議体"
    )
    name = models.CharField("氏名", max_length=50)
    organisation = models.CharField("所属団体", max_length=100)
    role = models.CharField("役職", max_length=20, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField("任期の開始")
    term_end = models.DateField("任期の終了", null=True, blank=True)

    class Meta:
        verbose_name = "協議体の委員"
        verbose_name_plural = "協議体の委員"
        ordering = ["council", "role", "organisation"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"

    def clean(self) -> None:
        if self.term_end and self.term_start and self.term_end < self.term_start:
            raise ValidationError({"term_end": "任期の終了が開始より前です。"})


class IssueTheme(models.Model):
    """A theme of regional issues (集いの場の不足, 移動手段 …): a managed list."""

    code = models.SlugField("コード", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    keywords = models.CharField(
        "関連語",
        max_length=300,
        blank=True,
        help_text="記録の提案に使う語を読点（、）で区切って入力（例: サロン、居場所、集い）",
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)
    is_active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "地域課題のテーマ"
        verbose_name_plural = "地域課題のテーマ"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class IssueStatus(models.TextChoices):
    """The seed's pipeline, in order. 解決 and 継続課題 are the two ends."""

    IDENTIFIED = "identified", "把握"
    TIER2_REVIEW = "tier2_review", "第2層で検討"
    POOLED = "pooled", "連携会議で集約"
    REPORTED = "reported", "第1層協議体に報告"
    PROPOSED = "proposed", "提言"
    IN_PROGRESS = "in_progress", "事業化・対応中"
    RESOLVED = "resolved", "解決"
    CONTINUING = "continuing", "継続課題"


PIPELINE = [
    IssueStatus.IDENTIFIED,
    IssueStatus.TIER2_REVIEW,
    IssueStatus.POOLED,
    IssueStatus.REPORTED,
    IssueStatus.PROPOSED,
    IssueStatus.IN_PROGRESS,
]
FINAL_STATUSES = (IssueStatus.RESOLVED, IssueStatus.CONTINUING)


def pipeline_position(status: str) -> int:
    """0 … 5 along the pipeline; both ends count as the last step."""
    if status in FINAL_STATUSES:
        return len(PIPELINE)
    return PIPELINE.index(IssueStatus(status))


class RegionalIssue(MunicipalityOwned):
    """A problem shared by many in an area (地域課題), found from cases and consultations."""

    municipality = municipality_key(db_index=False)

    title = models.CharField("課題名", max_length=200)
    description = models.TextField("内容")
    areas = models.ManyToManyField(
        "org.Area",
        blank=True,
        related_name="regional_issues",
        verbose_name="圏域",
        help_text="空欄は市全域の課題",
    )
    themes = models.ManyToManyField(
        IssueTheme, blank=True, related_name="issues", verbose_name="テーマ"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提起した人",
    )
    raised_on = models.DateField("提起した日")
    status = models.CharField(
        "段階", max_length=20, choices=IssueStatus.choices, default=IssueStatus.IDENTIFIED
    )
    status_changed_on = models.DateField("段階が変わった日")
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_issues",
        verbose_name="統合先の課題",
    )
    proposed_wording = models.TextField(
        "提言の文案", blank=True, help_text="協議体の資料に載せる提言の案"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "地域課題"
        verbose_name_plural = "地域課題"
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["municipality", "status"], name="issue_muni_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class IssueTransition(models.Model):
    """One step of an issue along the pipeline, dated, with the meeting where it happened."""

    issue = models.ForeignKey(
        RegionalIssue, on_delete=models.CASCADE, related_name="transitions", verbose_name="地域課題"
    )
    from_status = models.CharField(
        "前の段階", max_length=20, choices=IssueStatus.choices, blank=True
    )
    to_status = models.CharField("次の段階", max_length=20, choices=IssueStatus.choices)
    date = models.DateField("日付")
    meeting = models.ForeignKey(
        "activities.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="会議",
    )
    reason = models.TextField("理由・経過", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="記録者"
    )
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "地域課題の経過"
        verbose_name_plural = "地域課題の経過"
        ordering = ["issue", "date", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class IssueEvidence(models.Model):
    """A record that shows an issue: a consultation, a visit, a meeting or a case (exactly one)."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "相談"
        VISIT = "visit", "訪問"
        MEETING = "meeting", "会議"
        CASE = "case", "個別ケース"

    issue = models.ForeignKey(
        RegionalIssue,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name="地域課題",
        db_index=False,
    )
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    consultation = models.ForeignKey(
        "activities.Consultation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    visit = models.ForeignKey(
        "activities.Visit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "activities.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Copied from the record so that counts by area and period need no joins to four tables.
    area = models.ForeignKey(
        "org.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateField("記録の日付")
    note = models.CharField("メモ", max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="追加した人",
    )
    added_at = models.DateTimeField("追加日時", auto_now_add=True)

    class Meta:
        verbose_name = "地域課題の根拠"
        verbose_name_plural = "地域課題の根拠"
        ordering = ["issue", "-date"]
        constraints = [
            models.CheckConstraint(
                name="evidence_exactly_one_record",
                condition=(
                    models.Q(
                        kind="consultation",
                        consultation__isnull=False,
                        visit__isnull=True,
                        meeting__isnull=True,
                        case__isnull=True,
                    )
                    | models.Q(
                        kind="visit",
                        consultation__isnull=True,
                        visit__isnull=False,
                        meeting__isnull=True,
                        case__isnull=True,
                    )
                    | models.Q(
                        kind="meeting",
                        consultation__isnull=True,
                        visit__isnull=True,
                        meeting__isnull=False,
                        case__isnull=True,
                    )
                    | models.Q(
                        kind="case",
                        consultation__isnull=True,
                        visit__isnull=True,
                        meeting__isnull=True,
                        case__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["issue", "consultation"], name="evidence_unique_consultation"
            ),
            models.UniqueConstraint(fields=["issue", "visit"], name="evidence_unique_visit"),
            models.UniqueConstraint(fields=["issue", "meeting"], name="evidence_unique_meeting"),
            models.UniqueConstraint(fields=["issue", "case"], name="evidence_unique_case"),
        ]
        indexes = [models.Index(fields=["issue", "area", "date"], name="evidence_issue_area_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{getattr(self, f'{self.kind}_id')}"

    @property
    def record(self):
        return getattr(self, self.kind)


class IssueFigure(models.Model):
    """Figures that show an issue, frozen on the day they were attached (a town's residents
    65+ and its weekly places within walking distance, from the gap analysis). Any app may
    attach one through `services.figure_attach`; `source` and `source_key` say what was
    measured so that a later run can be compared with it. Aggregates only, never personal."""

    issue = models.ForeignKey(
        RegionalIssue, on_delete=models.CASCADE, related_name="figures", verbose_name="地域課題"
    )
    source = models.CharField("出典の種類", max_length=40)
    source_key = models.CharField("測ったもの", max_length=200)
    title = models.CharField("対象", max_length=200)
    statement = models.CharField("数値の要約", max_length=500)
    figures = models.JSONField("数値", default=dict)
    as_of = models.DateField("時点")
    area = models.ForeignKey(
        "org.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="追加した人",
    )
    added_at = models.DateTimeField("追加日時", auto_now_add=True)

    class Meta:
        verbose_name = "地域課題の数値の根拠"
        verbose_name_plural = "地域課題の数値の根拠"
        ordering = ["issue", "-as_of", "-id"]
        indexes = [models.Index(fields=["source", "source_key"], name="figure_source_key")]

    def __str__(self) -> str:
        return self.statement


class AgendaItem(TimeStampedModel):
    """An issue on the agenda of a council meeting, and what the council decided about it."""

    class Decision(models.TextChoices):
        PENDING = "pending", "未決定"
        NOTED = "noted", "報告を受けた"
        CONTINUE = "continue", "継続して検討"
        PROPOSE = "propose", "提言とする"
        REFER = "refer", "第2層に差し戻し"
        CLOSE = "close", "対応済みとする"

    meeting = models.ForeignKey(
        "activities.Meeting",
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name="会議",
        db_index=False,
    )
    issue = models.ForeignKey(
        RegionalIssue,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name="地域課題",
    )
    order = models.PositiveSmallIntegerField("順番", default=1)
    decision = models.CharField(
        "決定", max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decision_text = models.TextField("決定の内容", blank=True)

    class Meta:
        verbose_name = "議題"
        verbose_name_plural = "議題"
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "issue"], name="agenda_unique_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.issue}"


class Attendance(models.Model):
    """Whether a council member attended a council meeting."""

    meeting = models.ForeignKey(
        "activities.Meeting",
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name="会議",
        db_index=False,
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.CASCADE, related_name="attendances", verbose_name="委員"
    )
    present = models.BooleanField("出席", default=True)

    class Meta:
        verbose_name = "出欠"
        verbose_name_plural = "出欠"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {'出席' if self.present else '欠席'}"


class Proposal(MunicipalityOwned):
    """A policy proposal (政策提言 / 答申) of the tier-1 council to the mayor."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="proposals", verbose_name="協議体"
    )
    title = models.CharField("件名", max_length=200)
    summary = models.TextField("概要", blank=True)
    issues = models.ManyToManyField(
        RegionalIssue, blank=True, related_name="proposals", verbose_name="地域課題"
    )
    approved_on = models.DateField("協議体での承認日", null=True, blank=True)
    submitted_on = models.DateField("市長への答申日", null=True, blank=True)
    is_published = models.BooleanField(
        "公開ページに掲載", default=False, help_text="個人情報を含まない内容だけが公開されます"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策提言"
        verbose_name_plural = "政策提言"
        ordering = ["-approved_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.council_id and self.council.municipality_id != self.municipality_id:
            raise ValidationError({"council": "ほかの市区町村の協議体は選べません。"})
        if self.council_id and self.council.tier != Council.Tier.TIER1:
            raise ValidationError({"council": "政策提言は第1層協議体から行います。"})
        if self.submitted_on and self.approved_on and self.submitted_on < self.approved_on:
            raise ValidationError({"submitted_on": "答申日が協議体での承認日より前です。"})


class Recommendation(TimeStampedModel):
    """One recommendation of a proposal and the city's answer to it. The answer and its
    publication are separate steps: an answer is drafted, then published."""

    class Answer(models.TextChoices):
        NONE = "", "未回答"
        ADOPTED = "adopted", "採用"
        PARTLY = "partly", "一部採用"
        CONSIDERING = "considering", "検討中"
        REJECTED = "rejected", "不採用"

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="recommendations", verbose_name="政策提言"
    )
    order = models.PositiveSmallIntegerField("番号", default=1)
    text = models.TextField("提言の内容")
    answer = models.CharField("市の回答", max_length=20, choices=Answer.choices, blank=True)
    answer_text = models.TextField("回答の内容", blank=True)
    responsible_section = models.CharField("担当課", max_length=100, blank=True)
    answered_on = models.DateField("回答日", null=True, blank=True)
    answer_published_on = models.DateField("回答の公表日", null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(
        "進捗（%）", default=0, validators=[MaxValueValidator(100)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "提言項目"
        verbose_name_plural = "提言項目"
        ordering = ["proposal", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:30]}"

    @property
    def is_done(self) -> bool:
        return self.progress_percent >= 100


class ProgressUpdate(models.Model):
    """A dated progress note on a recommendation the city works on."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates", verbose_name="提言項目"
    )
    date = models.DateField("日付")
    percent = models.PositiveSmallIntegerField("進捗（%）", validators=[MaxValueValidator(100)])
    note = models.TextField("内容")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="記録者"
    )
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "進捗"
        verbose_name_plural = "進捗"
        ordering = ["recommendation", "date", "id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.percent}%"
