"""What a report keeps beyond its figures: the coordinator's own words (成果, 課題, notes on
how figures were reconciled), each change kept as a new version, and the case stories chosen
for it.

Figures are never stored: they are counted from the records each time a report is shown, so
a report always agrees with the records. A `Report` row exists once someone writes text for
a period and scope (or chooses its stories).
"""

from django.conf import settings
from django.db import models

from sasaeai.org.models import MunicipalityOwned


class Report(MunicipalityOwned):
    """One report: a municipality, a period and a scope (see `selection.Scope`)."""

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
    print them."""

    ACHIEVEMENTS = "achievements", "成果"
    CHALLENGES = "challenges", "課題"
    NOTES = "notes", "集計についての注記"


class ReportTextQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("報告書の文章の版は変更できません。新しい版として保存してください。")


class ReportText(models.Model):
    """One version of one free-text section. Versions are only ever added: saving a change
    (or going back to an earlier wording) writes the next version, so every wording a report
    has had stays readable with who wrote it and when."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="texts", verbose_name="活動報告"
    )
    section = models.CharField("項目", max_length=20, choices=TextSection.choices)
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


class ReportStory(models.Model):
    """A published case story chosen for a report, in the order it is printed."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="story_links", verbose_name="活動報告"
    )
    story = models.ForeignKey(
        "cases.CaseStory", on_delete=models.CASCADE, related_name="+", verbose_name="事例"
    )
    order = models.PositiveSmallIntegerField("掲載順", default=0)

    class Meta:
        verbose_name = "報告書に載せる事例"
        verbose_name_plural = "報告書に載せる事例"
        ordering = ["report", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "story"], name="reportstory_unique"),
        ]

    def __str__(self) -> str:
        return str(self.story)
