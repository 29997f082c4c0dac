"""Council bodies (協議体) per tier: the places where regional issues become proposals."""

from django.core.exceptions import ValidationError
from django.db import models

from sasaeai.core.models import MunicipalityOwned


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
