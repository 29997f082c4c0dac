"""The organisation a Sasaeai installation serves: municipalities, their daily-life areas
(日常生活圏域, with the dates each was in effect), towns and town blocks, and support centres; and
the base of every record that belongs to one municipality (MunicipalityOwned)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from sasaeai.core.models import TimeStampedModel

from .validators import validate_local_government_code

PREFECTURES = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]


class Municipality(TimeStampedModel):
    code = models.CharField(
        "全国地方公共団体コード",
        max_length=6,
        unique=True,
        validators=[validate_local_government_code],
        help_text="検査数字を含む6桁（例: 132039）",
    )
    name = models.CharField("市区町村名", max_length=50)
    name_kana = models.CharField("市区町村名（カナ）", max_length=100, blank=True)

    class Meta:
        verbose_name = "市区町村"
        verbose_name_plural = "市区町村"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefecture_code(self) -> str:
        return self.code[:2]

    @property
    def prefecture(self) -> str:
        return PREFECTURES[int(self.code[:2]) - 1]


def municipality_key(*, db_index: bool = True) -> models.ForeignKey:
    """The municipality a record belongs to (MunicipalityOwned's). A model whose index of
    several columns leads with it declares it again with db_index=False: the column's own
    index would only duplicate that one's lookups and, on PostgreSQL, mislead the planner
    into reading a city's records of every year (tests/test_indexes.py, issue 26)."""
    return models.ForeignKey(
        Municipality,
        verbose_name="市区町村",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=db_index,
    )


class MunicipalityOwned(TimeStampedModel):
    """A record that belongs to exactly one municipality; the access policy scopes by it."""

    municipality = municipality_key()

    class Meta:
        abstract = True


class AreaQuerySet(models.QuerySet):
    def in_effect(self, start: dt.date, end: dt.date | None = None) -> "AreaQuerySet":
        """Areas in effect on some day from `start` to `end` (one day when `end` is left
        out): a report of a past period lists the areas of that time."""
        end = start if end is None else end
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=end),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=start),
        )


class Area(TimeStampedModel):
    """A daily-life area (日常生活圏域): the territory of tier 2. Cities redraw their areas,
    so an area has the dates it was in effect (blank: since before its records, and still)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="areas",
        verbose_name="市区町村",
        db_index=False,
    )
    name = models.CharField("圏域名", max_length=50)
    name_kana = models.CharField("圏域名（カナ）", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    description = models.TextField("説明", blank=True)
    valid_from = models.DateField(
        "設定日", null=True, blank=True, help_text="この圏域が設けられた日（空欄は記録なし）"
    )
    valid_until = models.DateField(
        "廃止日",
        null=True,
        blank=True,
        help_text="圏域を見直して廃止した場合、この圏域が有効だった最後の日（空欄は現在も有効）",
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = "日常生活圏域"
        verbose_name_plural = "日常生活圏域"
        ordering = ["municipality", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="area_unique_name"),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="area_valid_span",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "廃止日が設定日より前になっています。"})


class Town(TimeStampedModel):
    """A town (町 / 町字) with its representative point; each town belongs to one area."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="towns",
        verbose_name="市区町村",
        db_index=False,
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="towns",
        verbose_name="日常生活圏域",
        null=True,
        blank=True,
    )
    name = models.CharField("町名", max_length=50)
    name_kana = models.CharField("町名（カナ）", max_length=100, blank=True)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("経度", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = "町"
        verbose_name_plural = "町"
        ordering = ["municipality", "name_kana", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="town_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TownBlock(models.Model):
    """A town block (丁目) with its representative point and postal code."""

    town = models.ForeignKey(
        Town,
        on_delete=models.CASCADE,
        related_name="blocks",
        verbose_name="町",
        db_index=False,
    )
    number = models.PositiveSmallIntegerField("丁目")
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("経度", max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = "丁目"
        verbose_name_plural = "丁目"
        ordering = ["town", "number"]
        constraints = [
            models.UniqueConstraint(fields=["town", "number"], name="townblock_unique_number"),
        ]

    def __str__(self) -> str:
        from sasaeai.core.text import kanji_numeral

        return f"{self.town.name}{kanji_numeral(self.number)}丁目"


class SupportCenter(TimeStampedModel):
    class Kind(models.TextChoices):
        CORE = "core", "基幹型地域包括支援センター"
        COMMUNITY = "community", "地域包括支援センター"
        HOME_CARE = "home_care", "在宅介護支援センター"

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="support_centers",
        verbose_name="市区町村",
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="support_centers",
        verbose_name="担当圏域",
        null=True,
        blank=True,
        help_text="基幹型など市全域を担当する場合は空欄",
    )
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    also_community_center = models.BooleanField(
        "地域包括支援センターを併設",
        default=False,
        help_text="在宅介護支援センターに地域包括支援センターを併設している場合",
    )

    class Meta:
        verbose_name = "支援センター"
        verbose_name_plural = "支援センター"
        ordering = ["municipality", "area__order", "name"]

    def __str__(self) -> str:
        return self.name
