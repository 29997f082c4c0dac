"""Users with one role each, the areas they cover (with the dates each assignment began and
ended), and their API tokens."""

import datetime as dt

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from sasaeai.core.tokens import HashedToken


class Role(models.TextChoices):
    ADMIN = "admin", _("システム管理者")
    TIER1 = "tier1", _("第1層生活支援コーディネーター")
    TIER2 = "tier2", _("第2層生活支援コーディネーター")
    OFFICIAL = "official", _("市職員")
    COUNCIL = "council", _("協議体委員")
    REGIONAL = "regional", _("広域閲覧（都道府県）")


class Tier(models.IntegerChoices):
    """The tier a record of work is counted under (第1層 the whole municipality, 第2層 a
    daily-life area). Records store it when written, so that a later role change does not
    move past work from one tier to another."""

    TIER1 = 1, "第1層"
    TIER2 = 2, "第2層"


def tier_for_role(role: str | None) -> int:
    """The tier of a role's work: tier-2 coordinators work in tier 2, everyone else who
    writes records (the tier-1 coordinator, administrators) in tier 1."""
    return Tier.TIER2 if role == Role.TIER2 else Tier.TIER1


class Language(models.TextChoices):
    JA = "ja", "日本語"
    EN = "en", "English"


class User(AbstractUser):
    display_name = models.CharField("氏名", max_length=50, blank=True)
    display_name_kana = models.CharField("氏名（カナ）", max_length=100, blank=True)
    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="所属市区町村",
    )
    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.OFFICIAL)
    areas = models.ManyToManyField(
        "org.Area",
        blank=True,
        related_name="users",
        verbose_name="担当圏域",
        through="AreaAssignment",
        help_text="現在の担当圏域（変更の履歴は担当圏域の履歴に残ります）",
    )
    language = models.CharField(
        "表示言語", max_length=5, choices=Language.choices, default=Language.JA
    )
    # A password someone else set (`sasaeai user create`, the add-user form, a reset by an
    # administrator) must be changed at the next login; see password_change_middleware.py.
    must_change_password = models.BooleanField(
        "次回ログイン時にパスワード変更が必要", default=False
    )

    objects = UserManager()

    class Meta:
        verbose_name = "利用者"
        verbose_name_plural = "利用者"
        ordering = ["municipality", "role", "username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username


class AreaAssignment(models.Model):
    """A current assignment of a user to an area (担当圏域), in effect since `valid_from`.
    These rows are `User.areas`, which the access policy reads: access follows the current
    assignments. An assignment that ends is not overwritten but closed into a
    `PastAreaAssignment` (accounts.services.area_assignments_change), so that a past period
    can be reported as it was organised then."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="area_assignments",
        verbose_name="利用者",
        db_index=False,
    )
    area = models.ForeignKey(
        "org.Area", on_delete=models.CASCADE, related_name="assignments", verbose_name="圏域"
    )
    valid_from = models.DateField(
        "担当開始日", null=True, blank=True, help_text="空欄は開始日の記録がないこと"
    )

    class Meta:
        db_table = "accounts_user_areas"  # the table of the plain many-to-many it replaced
        verbose_name = "担当圏域"
        verbose_name_plural = "担当圏域"
        ordering = ["user", "area__order", "area_id"]
        unique_together = [("user", "area")]

    def __str__(self) -> str:
        return f"{self.user} {self.area}（{assignment_span(self.valid_from, None)}）"


class PastAreaAssignment(models.Model):
    """An assignment that has ended: who covered which area from when until when."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="past_area_assignments",
        verbose_name="利用者",
    )
    area = models.ForeignKey(
        "org.Area",
        on_delete=models.PROTECT,
        related_name="past_assignments",
        verbose_name="圏域",
    )
    valid_from = models.DateField(
        "担当開始日", null=True, blank=True, help_text="空欄は開始日の記録がないこと"
    )
    valid_until = models.DateField("担当終了日")

    class Meta:
        verbose_name = "担当圏域の履歴"
        verbose_name_plural = "担当圏域の履歴"
        ordering = ["user", "-valid_until", "area_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="past_area_assignment_span",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.area}（{assignment_span(self.valid_from, self.valid_until)}）"


def assignment_span(valid_from: dt.date | None, valid_until: dt.date | None) -> str:
    """「2016-04-01〜2017-03-31」, 「2017-04-01〜」, 「〜2017-03-31」 (ISO dates: the pages show
    era dates through their own filters)."""
    start = valid_from.isoformat() if valid_from else ""
    end = valid_until.isoformat() if valid_until else ""
    return f"{start}〜{end}"


class ApiToken(HashedToken):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once."""

    SECRET_PREFIX = "ssa_"
    # The user's municipality comes with the user: most API operations read it (the search,
    # the lists' scope), and one join costs less than a second query.
    LOADED_WITH = ("user", "user__municipality")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="利用者"
    )
    name = models.CharField("用途", max_length=100)

    class Meta:
        verbose_name = "APIトークン"
        verbose_name_plural = "APIトークン"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class TwoFactorRequirement(models.Model):
    """A role whose users must log in with a second factor (TOTP) in one municipality.
    Administrators set it under 利用者管理; see sasaeai/accounts/two_factor.py."""

    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.CASCADE,
        related_name="two_factor_requirements",
        verbose_name="市区町村",
        db_index=False,
    )
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("設定日時", auto_now_add=True)

    class Meta:
        verbose_name = "二要素認証の必須設定"
        verbose_name_plural = "二要素認証の必須設定"
        ordering = ["municipality", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "role"], name="two_factor_requirement_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.get_role_display()}"
