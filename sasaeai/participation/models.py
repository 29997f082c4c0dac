"""Who takes part in the 通いの場 and who lives where: participation counts per place and month
(counts only, never names), the population by town and age band per reference date, a pending
population upload between its preview and its confirmation, and the municipality's threshold
under which a town's figure is not shown to the council or the public."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sasaeai.org.models import (
    Area,
    Municipality,
    MunicipalityOwned,
    Town,
    TownBlock,
    municipality_key,
)

MAX_COUNT = 100_000


class ParticipationRecord(MunicipalityOwned):
    """One month of one place (社会資源): how many took part. 実人数 counts each person once in
    the month, 延べ once per session; the breakdowns are parts of 実人数. 担い手 (volunteers
    running it) are counted apart and are not participants."""

    municipality = municipality_key(db_index=False)

    class Source(models.TextChoices):
        STAFF = "staff", "職員の入力"
        API = "api", "API"
        IMPORT = "import", "取り込み"
        ORGANISER = "organiser", "運営者の報告"

    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.PROTECT,
        related_name="participation_records",
        verbose_name="通いの場",
        db_index=False,
    )
    # The service's area when written: counted under it even if the place moves later.
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="圏域"
    )
    month = models.DateField("月", help_text="その月の1日")
    sessions = models.PositiveSmallIntegerField(
        "開催回数", null=True, blank=True, validators=[MaxValueValidator(62)]
    )
    participants = models.PositiveIntegerField(
        "参加者の実人数", validators=[MaxValueValidator(MAX_COUNT)]
    )
    attendances = models.PositiveIntegerField(
        "参加者の延べ人数", validators=[MaxValueValidator(MAX_COUNT * 31)]
    )
    aged_65_plus = models.PositiveIntegerField(
        "うち65歳以上（実人数）", validators=[MaxValueValidator(MAX_COUNT)]
    )
    men = models.PositiveIntegerField(
        "うち男性（実人数）", null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    support_needed = models.PositiveIntegerField(
        "うち要支援者・事業対象者（実人数）",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
    )
    volunteers = models.PositiveIntegerField(
        "担い手（ボランティア）の実人数",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
        help_text="運営する側の人数。参加者には含めません",
    )
    source = models.CharField("記録の経路", max_length=12, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="記録した人",
    )

    class Meta:
        verbose_name = "通いの場の参加実績"
        verbose_name_plural = "通いの場の参加実績"
        ordering = ["-month", "service_id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "month"], name="participation_one_month"),
            models.CheckConstraint(
                condition=models.Q(aged_65_plus__lte=models.F("participants"))
                & models.Q(attendances__gte=models.F("participants")),
                name="participation_parts_fit",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "month"], name="participation_muni_month"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.month:%Y-%m}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.month and self.month > dt.date.today().replace(day=1):
            errors["month"] = "まだ来ていない月の実績は入力できません。"
        total = self.participants
        if total is not None:
            if self.attendances is not None and self.attendances < total:
                errors["attendances"] = (
                    f"延べ人数（{self.attendances}人）が実人数（{total}人）より少なくなっています。"
                    "延べ人数は参加した回数の合計です。"
                )
            for field in ("aged_65_plus", "men", "support_needed"):
                value = getattr(self, field)
                if value is not None and value > total:
                    label = self._meta.get_field(field).verbose_name
                    errors[field] = (
                        f"{label}（{value}人）が参加者の実人数（{total}人）を超えています。"
                    )
        if self.sessions == 0 and self.participants and "participants" not in errors:
            errors["sessions"] = "参加者がいる月の開催回数は1回以上にしてください。"
        if errors:
            raise ValidationError(errors)


class PopulationDataset(MunicipalityOwned):
    """The population by town and age band on one reference date (住民基本台帳 町丁別・年齢別人口).
    A new import for the same date replaces it. Demo data is labelled as such wherever shown."""

    municipality = municipality_key(db_index=False)

    as_of = models.DateField("基準日")
    source_name = models.CharField("出典（ファイル名など）", max_length=200)
    is_demo = models.BooleanField("デモ用の架空の数字", default=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="取り込んだ人",
    )

    class Meta:
        verbose_name = "町丁別年齢別人口"
        verbose_name_plural = "町丁別年齢別人口"
        ordering = ["municipality", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "as_of"], name="population_one_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.as_of}"


class PopulationCount(models.Model):
    """Residents of one town (or 丁目) in one age band: `age_to` empty means "and over"."""

    dataset = models.ForeignKey(
        PopulationDataset,
        on_delete=models.CASCADE,
        related_name="counts",
        verbose_name="人口",
        db_index=False,
    )
    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+", verbose_name="町")
    block = models.ForeignKey(
        TownBlock,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="丁目",
    )
    age_from = models.PositiveSmallIntegerField("年齢（から）", validators=[MaxValueValidator(130)])
    age_to = models.PositiveSmallIntegerField(
        "年齢（まで）", null=True, blank=True, validators=[MaxValueValidator(130)]
    )
    count = models.PositiveIntegerField("人数")

    class Meta:
        verbose_name = "年齢区分別人数"
        verbose_name_plural = "年齢区分別人数"
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "town", "block", "age_from"], name="population_one_band"
            ),
        ]
        indexes = [models.Index(fields=["dataset", "age_from"], name="population_dataset_age")]

    def __str__(self) -> str:
        upper = f"{self.age_to}歳" if self.age_to is not None else "以上"
        return f"{self.town_id} {self.age_from}歳〜{upper}: {self.count}人"


class PopulationUpload(MunicipalityOwned):
    """A population file between its preview and its confirmation (the file itself, so that
    the confirmed import reads exactly what was previewed)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    content = models.BinaryField()
    as_of = models.DateField("基準日")
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "人口ファイル（確認待ち）"
        verbose_name_plural = "人口ファイル（確認待ち）"


class ParticipationSettings(models.Model):
    """A municipality's choices for this app: the smallest count shown for a town on a public
    page or in an export for the council (smaller counts are shown as 「10人未満」)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name="市区町村"
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        "公表する最小の人数",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="これより少ない人数は町ごとには示さず「10人未満」のように表示します",
    )

    class Meta:
        verbose_name = "通いの場の設定"
        verbose_name_plural = "通いの場の設定"

    def __str__(self) -> str:
        return f"{self.municipality}: {self.suppression_threshold}人未満は非表示"


class ParticipationUpload(MunicipalityOwned):
    """An organiser-filled participation sheet between its preview and its confirmation (the
    file itself, so that the confirmed import reads exactly what was previewed)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "参加実績のExcel（確認待ち）"
        verbose_name_plural = "参加実績のExcel（確認待ち）"


class SurveyJudgement(models.Model):
    """What staff decide about a place for the MHLW 通いの場 survey where the records cannot say
    it: whether it is 住民主体 (by default: run by 住民個人 or 住民団体, the organisation's
    運営主体の種別; a place run by others counts when residents take part in running it, as the
    survey's typology notes) and whether the municipality judges it 介護予防に資する (by
    default: its activity is one the survey classifies). Empty means "as derived"."""

    service = models.OneToOneField(
        "resources.Service",
        on_delete=models.CASCADE,
        related_name="survey_judgement",
        verbose_name="通いの場",
    )
    resident_led = models.BooleanField(
        "住民主体", null=True, blank=True, help_text="空欄なら運営主体の種別から判断します"
    )
    prevention = models.BooleanField(
        "介護予防に資する",
        null=True,
        blank=True,
        help_text="空欄なら活動の種類（全国調査の区分があるか）から判断します",
    )
    note = models.CharField("判断の理由", max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="判断した人",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "通いの場調査での扱い"
        verbose_name_plural = "通いの場調査での扱い"

    def __str__(self) -> str:
        return f"{self.service_id}: 住民主体={self.resident_led} 介護予防={self.prevention}"
