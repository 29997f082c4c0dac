"""What a report keeps beyond its figures: the coordinator's own words (成果, 課題, notes on
how figures were reconciled), each change kept as a new version, and the case stories chosen
for it.

Figures are never stored: they are counted from the records each time a report is shown, so
a report always agrees with the records. A `Report` row exists once someone writes text for
a period and scope (or chooses its stories).
"""

from django.conf import settings
from django.db import models

from sasaeai.org.models import MunicipalityOwned, municipality_key


class Report(MunicipalityOwned):
    """One report: a municipality, a period and a scope (see `selection.Scope`)."""

    municipality = municipality_key(db_index=False)

    period_start = models.DateField("期間の開始日")
    period_end = models.DateField("期間の終了日")
    period_label = models.CharField("期間", max_length=60)
    # municipality / tier2 / area:<id> / areas:<id>,<id> / coordinator:<user id>
    scope_key = models.CharField("範囲のキー", max_length=200)
    scope_label = models.CharField("範囲", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作成者",
    )
    stories = models.ManyToManyField(
        "cases.CaseStory",
        through="ReportStory",
        blank=True,
        related_name="+",
        verbose_name="載せる事例",
    )

    class Meta:
        verbose_name = "活動報告"
        verbose_name_plural = "活動報告"
        ordering = ["-period_start", "scope_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "scope_key", "period_start", "period_end"],
                name="report_unique_period_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_label} {self.scope_label}"


class TextSection(models.TextChoices):
    """The free-text parts of a report, in the order the seed's section (11) and the notes
    print them, then the seed's opening parts (1 生活支援コーディネーターとは, 2 活動内容, the
    担当課 line), which a municipality writes once (`MunicipalityText`) and a report may
    word differently."""

    ACHIEVEMENTS = "achievements", "成果"
    CHALLENGES = "challenges", "課題"
    NOTES = "notes", "集計についての注記"
    INTRODUCTION = "introduction", "生活支援コーディネーターとは"
    OUTLINE = "outline", "活動内容"
    DEPARTMENT = "department", "担当課"


# The opening parts: written per municipality, a report's own version (if any) wins.
STANDING_SECTIONS = (TextSection.INTRODUCTION, TextSection.OUTLINE, TextSection.DEPARTMENT)

# Sections of the report that may carry footnotes (※市役所内での窓口・電話…は除く), keyed as
# in `document.Section.key`; a footnote is a text section `footnote:<key>`.
FOOTNOTE_SECTIONS = {
    "summary": "主な数字",
    "visits": "(1)訪問",
    "support": "(2)社会資源の紹介",
    "activity_consultations": "(3)活動者からの相談",
    "meetings": "(4)話し合い",
    "programmes": "(5)事業の検討",
    "publications": "(6)広報誌",
    "preparations": "(7)体制づくり",
    "trainings": "(8)研修",
    "lectures": "(9)講演",
    "visitors": "(10)視察対応",
    "consultation_table": "相談対応件数と相談者別割合",
}
FOOTNOTE_PREFIX = "footnote:"
TEXT_SECTION_CHOICES = [
    *TextSection.choices,
    *[(f"{FOOTNOTE_PREFIX}{key}", f"{label}の脚注") for key, label in FOOTNOTE_SECTIONS.items()],
]


def _japanese_numbers(label: str) -> str:
    """「(3) 活動者からの相談」 as the screens write it, 「（3）活動者からの相談」 (the stored choices
    keep the first form)."""
    import re

    return re.sub(r"\((\d+)\) ?", r"（\1）", label)


TEXT_SECTION_LABELS = {key: _japanese_numbers(label) for key, label in TEXT_SECTION_CHOICES}

# Sections a case story or a photo may be printed in (the seed's third story sits in (3)).
PLACEABLE_SECTIONS = [
    ("visits", "(1) 訪問"),
    ("support", "(2) 社会資源の紹介"),
    ("activity_consultations", "(3) 活動者からの相談"),
    ("meetings", "(4) 話し合い"),
    ("programmes", "(5) 事業の検討"),
    ("publications", "(6) 広報誌"),
    ("preparations", "(7) 体制づくり"),
    ("trainings", "(8) 研修"),
    ("lectures", "(9) 講演"),
    ("visitors", "(10) 視察対応"),
    ("texts", "(11) 成果と課題"),
]
# The choices as the screens show them.
PLACEABLE_CHOICES = [(key, _japanese_numbers(label)) for key, label in PLACEABLE_SECTIONS]


class ReportTextQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("報告書の文章の版は変更できません。新しい版として保存してください。")


class ReportText(models.Model):
    """One version of one free-text section. Versions are only ever added: saving a change
    (or going back to an earlier wording) writes the next version, so every wording a report
    has had stays readable with who wrote it and when."""

    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        related_name="texts",
        verbose_name="活動報告",
        db_index=False,
    )
    section = models.CharField("項目", max_length=40, choices=TEXT_SECTION_CHOICES)
    version = models.PositiveIntegerField("版")
    text = models.TextField("本文", blank=True)
    change_note = models.CharField("変更の内容", max_length=200, blank=True)
    # The key figures (counting.KEY_FIGURES) when this version was written: the numbers the
    # text may quote, so that the report can flag a quoted number the records have changed.
    figures = models.JSONField("保存時の主な数字", default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作成者",
    )
    created_at = models.DateTimeField("保存日時", auto_now_add=True)

    objects = ReportTextQuerySet.as_manager()

    class Meta:
        verbose_name = "報告書の文章（版）"
        verbose_name_plural = "報告書の文章（版）"
        ordering = ["report", "section", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "section", "version"], name="reporttext_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()} 第{self.version}版"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError(
                "報告書の文章の版は変更できません。新しい版として保存してください。"
            )
        super().save(*args, **kwargs)


class MunicipalityText(MunicipalityOwned):
    """One version of a municipality's opening part (生活支援コーディネーターとは, 活動内容, 担当課),
    printed in every report of the municipality that has no wording of its own. Versions are
    only added, as for `ReportText`."""

    municipality = municipality_key(db_index=False)

    section = models.CharField(
        "項目",
        max_length=20,
        choices=[(s.value, s.label) for s in STANDING_SECTIONS],
    )
    version = models.PositiveIntegerField("版")
    text = models.TextField("本文", blank=True)
    change_note = models.CharField("変更の内容", max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作成者",
    )

    objects = ReportTextQuerySet.as_manager()

    class Meta:
        verbose_name = "報告書の共通の文章（版）"
        verbose_name_plural = "報告書の共通の文章（版）"
        ordering = ["municipality", "section", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "section", "version"],
                name="municipalitytext_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()} 第{self.version}版"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError(
                "報告書の文章の版は変更できません。新しい版として保存してください。"
            )
        super().save(*args, **kwargs)


def photo_path(photo: "ReportPhoto", filename: str) -> str:
    """Under MEDIA_ROOT, by municipality and report; the name is ours, not the uploader's
    (an uploaded name may carry a person's name)."""
    import uuid

    extension = {"JPEG": "jpg", "PNG": "png"}.get(photo.image_format, "bin")
    return (
        f"reports/photos/{photo.report.municipality_id}/{photo.report_id}/"
        f"{uuid.uuid4().hex}.{extension}"
    )


class ReportPhoto(models.Model):
    """A photo with its caption (the seed's 「よりあい食堂」 in section (3)), printed in the
    section chosen for it on the page, in the PDF, Word and Excel files."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name="活動報告"
    )
    section = models.CharField("載せる項目", max_length=40, choices=PLACEABLE_SECTIONS)
    image = models.FileField("写真", upload_to=photo_path, max_length=200)
    image_format = models.CharField("形式", max_length=10)  # JPEG | PNG (checked on upload)
    width = models.PositiveIntegerField("幅（ピクセル）")
    height = models.PositiveIntegerField("高さ（ピクセル）")
    caption = models.CharField("説明（キャプション）", max_length=200)
    order = models.PositiveSmallIntegerField("掲載順", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登録者",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "報告書の写真"
        verbose_name_plural = "報告書の写真"
        ordering = ["report", "order", "id"]

    def __str__(self) -> str:
        return self.caption


class ReportStory(models.Model):
    """A published case story chosen for a report, in the order it is printed."""

    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        related_name="story_links",
        verbose_name="活動報告",
        db_index=False,
    )
    story = models.ForeignKey(
        "cases.CaseStory", on_delete=models.CASCADE, related_name="+", verbose_name="事例"
    )
    order = models.PositiveSmallIntegerField("掲載順", default=0)
    section = models.CharField(
        "載せる項目", max_length=40, choices=PLACEABLE_SECTIONS, default="support"
    )

    class Meta:
        verbose_name = "報告書に載せる事例"
        verbose_name_plural = "報告書に載せる事例"
        ordering = ["report", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "story"], name="reportstory_unique"),
        ]

    def __str__(self) -> str:
        return str(self.story)
