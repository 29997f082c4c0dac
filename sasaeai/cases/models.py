"""Individual cases (個別ケース): one person's support from the request to the outcome, the
timeline of what was done, referrals (つなぎ) to resources or agencies with every status
change kept, and anonymised case stories (事例) for training and publication.

A case holds the least personal data the work needs. The person's name and contact sit in
their own fields, shown only to the case's area coordinators and tier 1 and never exported
in reports; everything else is described in bands and choices.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sasaeai.accounts.models import Tier
from sasaeai.core.models import TimeStampedModel
from sasaeai.core.plans import plan_date_errors
from sasaeai.org.models import MunicipalityOwned, municipality_key

WEEKDAY_CODES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAY_LABELS = {
    "mon": "月",
    "tue": "火",
    "wed": "水",
    "thu": "木",
    "fri": "金",
    "sat": "土",
    "sun": "日",
}


class CareLevel(models.TextChoices):
    INDEPENDENT = "independent", "自立"
    PROGRAM = "program", "事業対象者"
    SUPPORT_1 = "support1", "要支援1"
    SUPPORT_2 = "support2", "要支援2"
    CARE_1 = "care1", "要介護1"
    CARE_2 = "care2", "要介護2"
    CARE_3 = "care3", "要介護3"
    CARE_4 = "care4", "要介護4"
    CARE_5 = "care5", "要介護5"
    APPLYING = "applying", "申請中"


class Sex(models.TextChoices):
    FEMALE = "female", "女性"
    MALE = "male", "男性"
    OTHER = "other", "その他"
    UNKNOWN = "unknown", "回答なし"


class AgeBand(models.TextChoices):
    UNDER_60 = "under60", "60歳未満"
    AGE_60 = "60-64", "60〜64歳"
    AGE_65 = "65-69", "65〜69歳"
    AGE_70 = "70-74", "70〜74歳"
    AGE_75 = "75-79", "75〜79歳"
    AGE_80 = "80-84", "80〜84歳"
    AGE_85 = "85-89", "85〜89歳"
    AGE_90 = "90+", "90歳以上"


def age_band_for(age: int) -> str:
    """The five-year band of an age (61 → 60〜64歳)."""
    if age < 60:
        return AgeBand.UNDER_60
    if age >= 90:
        return AgeBand.AGE_90
    low = age // 5 * 5
    return f"{low}-{low + 4}"


class RolePreference(models.TextChoices):
    PARTICIPANT = "participant", "参加者として"
    HELPER = "helper", "担い手（手伝う側）として"
    EITHER = "either", "どちらでも"


class Case(MunicipalityOwned):
    """One person's support: who they are (in bands), what they need, who brought the case."""

    municipality = municipality_key(db_index=False)

    class Status(models.TextChoices):
        OPEN = "open", "対応中"
        CLOSED = "closed", "終結"

    class BroughtBy(models.TextChoices):
        CARE_MANAGER = "care_manager", "ケアマネジャー"
        SUPPORT_CENTER = "support_center", "地域包括支援センター・在宅介護支援センター"
        FAMILY = "family", "家族"
        SELF = "self", "本人"
        WELFARE_COMMISSIONER = "welfare_commissioner", "民生委員"
        ACTIVIST = "activist", "地域の活動者"
        OTHER = "other", "その他"

    area = models.ForeignKey(
        "org.Area", on_delete=models.PROTECT, related_name="+", verbose_name="担当圏域"
    )
    number = models.CharField(
        "ケース番号", max_length=30, help_text="空欄なら自動で採番（例: R7-0001）"
    )
    status = models.CharField(
        "状態", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_on = models.DateField("終結日", null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="担当コーディネーター",
    )
    tier = models.PositiveSmallIntegerField(
        "層",
        choices=Tier.choices,
        help_text="担当コーディネーターを決めた時点の層（報告書はこの層で数える）",
    )

    # The person, in the least detail the work needs.
    age = models.PositiveSmallIntegerField(
        "年齢",
        null=True,
        blank=True,
        validators=[MinValueValidator(18), MaxValueValidator(120)],
        help_text="わからなければ空欄にして年代を選ぶ",
    )
    age_band = models.CharField("年代", max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField("性別", max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    care_level = models.CharField(
        "要介護度等", max_length=15, choices=CareLevel.choices, blank=True
    )
    memory_concern = models.BooleanField(
        "物忘れ・認知症の心配あり", default=False, help_text="認知症の方向けの場を探す目安"
    )
    is_carer = models.BooleanField("家族を介護している", default=False)
    town = models.ForeignKey(
        "org.Town",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="町",
        help_text="距離の計算に使う",
    )
    town_block = models.ForeignKey(
        "org.TownBlock",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="丁目",
    )

    # Identity: seen only by the case's area and tier 1, never exported in reports.
    person_name = models.CharField("氏名", max_length=100, blank=True)
    person_name_kana = models.CharField("氏名（カナ）", max_length=100, blank=True)
    contact_phone = models.CharField("連絡先電話番号", max_length=30, blank=True)
    contact_note = models.CharField(
        "連絡先の補足", max_length=200, blank=True, help_text="連絡のつきやすい時間帯など"
    )

    # Consent to share the person's situation with a resource.
    consent_to_share = models.BooleanField("社会資源への情報提供に同意", default=False)
    consent_on = models.DateField("同意日", null=True, blank=True)

    # Who brought the case, and when.
    brought_by = models.CharField(
        "相談者", max_length=30, choices=BroughtBy.choices, default=BroughtBy.CARE_MANAGER
    )
    brought_by_note = models.CharField(
        "相談者の補足",
        max_length=200,
        blank=True,
        help_text="所属など（例: ○○居宅介護支援事業所）。個人名は書かない",
    )
    received_on = models.DateField("受付日", default=dt.date.today)

    # Needs and wishes.
    needs_text = models.TextField("本人の言葉での希望", blank=True)
    wants_company = models.BooleanField("人との交流", default=False)
    wants_role = models.BooleanField("役割・人の役に立つこと", default=False)
    wants_exercise = models.BooleanField("運動", default=False)
    wants_meals = models.BooleanField("食事・会食", default=False)
    wants_learning = models.BooleanField("学び", default=False)
    wants_carer_support = models.BooleanField("介護者としての支え", default=False)
    hobbies = models.CharField(
        "趣味・関心", max_length=300, blank=True, help_text="例: カラオケ、手芸、将棋"
    )
    max_walk_m = models.PositiveIntegerField(
        "歩ける距離（m）",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(20000)],
        help_text="0は外出が難しい方（自宅まで来てくれるサービスだけを探します）",
    )
    free_days = models.CharField(
        "空いている曜日", max_length=40, blank=True, help_text="mon,tue … のカンマ区切り"
    )
    free_time_from = models.TimeField("空いている時間（から）", null=True, blank=True)
    free_time_to = models.TimeField("空いている時間（まで）", null=True, blank=True)
    role_preference = models.CharField(
        "参加の形", max_length=15, choices=RolePreference.choices, default=RolePreference.EITHER
    )
    constraints = models.TextField(
        "配慮すること", blank=True, help_text="階段が難しい、送迎が必要、午前は通院 など"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登録者",
    )

    class Meta:
        verbose_name = "個別ケース"
        verbose_name_plural = "個別ケース"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="case_unique_number"),
        ]
        indexes = [
            models.Index(fields=["municipality", "area", "status"], name="case_muni_area_status"),
            models.Index(fields=["municipality", "received_on"], name="case_muni_received"),
            models.Index(fields=["municipality", "tier", "received_on"], name="case_muni_tier"),
        ]

    def __str__(self) -> str:
        return f"ケース {self.number}"

    @property
    def free_day_codes(self) -> list[str]:
        return [d for d in (self.free_days or "").split(",") if d in WEEKDAY_CODES]

    @property
    def free_days_label(self) -> str:
        return "・".join(WEEKDAY_LABELS[d] for d in self.free_day_codes)

    @property
    def age_band_label(self) -> str:
        return AgeBand(self.age_band).label if self.age_band else "不明"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.area_id and self.area.municipality_id != self.municipality_id:
            errors["area"] = "この圏域は当該市区町村の圏域ではありません。"
        if self.town_id and self.town.municipality_id != self.municipality_id:
            errors["town"] = "この町は当該市区町村の町ではありません。"
        if self.town_block_id and self.town_id and self.town_block.town_id != self.town_id:
            errors["town_block"] = "丁目が町と一致しません。"
        if self.age is not None and self.age_band and self.age_band != age_band_for(self.age):
            errors["age_band"] = (
                "年齢と年代が一致しません。年齢を入れた場合、年代は空欄で構いません。"
            )
        if self.consent_to_share and not self.consent_on:
            errors["consent_on"] = "同意を得た日を入力してください。"
        if self.consent_on and not self.consent_to_share:
            errors["consent_to_share"] = "同意日を入れる場合は同意ありにしてください。"
        codes = [d for d in (self.free_days or "").split(",") if d]
        if any(d not in WEEKDAY_CODES for d in codes):
            errors["free_days"] = "曜日は mon,tue,wed,thu,fri,sat,sun で指定してください。"
        if self.free_time_from and self.free_time_to and self.free_time_to <= self.free_time_from:
            errors["free_time_to"] = "空いている時間の終わりが始まりより前になっています。"
        if self.status == self.Status.CLOSED and not self.closed_on:
            errors["closed_on"] = "終結日を入力してください。"
        if self.closed_on and self.received_on and self.closed_on < self.received_on:
            errors["closed_on"] = "終結日が受付日より前になっています。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        if self.age is not None:
            self.age_band = age_band_for(self.age)
        super().save(*args, **kwargs)


class CaseEntry(TimeStampedModel):
    """One dated step on a case's timeline: a call, a visit, an accompaniment, a meeting or a
    note, and who did it."""

    class Kind(models.TextChoices):
        CALL = "call", "電話"
        VISIT = "visit", "訪問"
        ACCOMPANIMENT = "accompaniment", "同行"
        MEETING = "meeting", "打合せ・会議"
        NOTE = "note", "記録"

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name="ケース",
        db_index=False,
    )
    kind = models.CharField("種類", max_length=20, choices=Kind.choices, default=Kind.NOTE)
    date = models.DateField("日付")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="対応者",
    )
    referral = models.ForeignKey(
        "Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name="関連するつなぎ先",
    )
    text = models.TextField("内容")

    class Meta:
        verbose_name = "経過記録"
        verbose_name_plural = "経過記録"
        ordering = ["case", "-date", "-id"]
        indexes = [models.Index(fields=["case", "date"], name="caseentry_case_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", "提案"
    TRIAL = "trial", "見学・体験"
    STARTED = "started", "利用開始"
    SETTLED = "settled", "定着"
    ENDED = "ended", "終了"
    INTERRUPTED = "interrupted", "中断"


# The moves a referral may make (Primero-style: one transition model keeps every step).
REFERRAL_FLOW: dict[str, tuple[str, ...]] = {
    ReferralStatus.PROPOSED: (
        ReferralStatus.TRIAL,
        ReferralStatus.STARTED,
        ReferralStatus.INTERRUPTED,
    ),
    ReferralStatus.TRIAL: (ReferralStatus.STARTED, ReferralStatus.INTERRUPTED),
    ReferralStatus.STARTED: (
        ReferralStatus.SETTLED,
        ReferralStatus.ENDED,
        ReferralStatus.INTERRUPTED,
    ),
    ReferralStatus.SETTLED: (ReferralStatus.ENDED, ReferralStatus.INTERRUPTED),
    ReferralStatus.ENDED: (),
    ReferralStatus.INTERRUPTED: (ReferralStatus.PROPOSED,),
}
CLOSED_REFERRAL_STATUSES = frozenset({ReferralStatus.ENDED, ReferralStatus.INTERRUPTED})


class ReferralOutcome(models.TextChoices):
    WEEKLY = "weekly", "通いの場に週1回以上参加"
    REGULAR = "regular", "定期的に参加（月1回以上）"
    VOLUNTEERING = "volunteering", "ボランティアとして活動"
    FROM_DAY_SERVICE = "from_day_service", "デイサービスから移行"
    JOINED = "joined", "会員として入会"
    SELF_DIRECTED = "self_directed", "自分で地域の場を探して参加"
    OTHER_SERVICE = "other_service", "別の資源・制度につないだ"
    UNREACHABLE = "unreachable", "連絡がとれない"
    DECLINED = "declined", "本人の希望で終了"
    NOT_SUITABLE = "not_suitable", "本人に合わなかった"
    NO_CAPACITY = "no_capacity", "受け入れ先の都合（定員など）"
    HEALTH = "health", "体調の変化・入院・入所"
    MOVED = "moved", "転居"
    OTHER = "other", "その他"


# Outcomes that say the person left the place: never suggest it to them again.
LEFT_OUTCOMES = frozenset(
    {ReferralOutcome.DECLINED, ReferralOutcome.NOT_SUITABLE, ReferralOutcome.UNREACHABLE}
)


class Referral(TimeStampedModel):
    """A connection (つなぎ) of the person to a resource or to an agency, followed until it
    settles or ends."""

    # The next check is a plan made on the day of the current status (core/plans.py).
    PLAN_DATES = {"follow_up_on": ("status_on", "状態の日付")}

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="referrals", verbose_name="ケース"
    )
    # The case's municipality, copied when the referral is saved (a case never moves): a
    # city's counts and follow-up lists find its referrals by this index instead of joining
    # every hosted municipality's referrals to their cases (issue 26, docs/benchmarks.md).
    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
        verbose_name="市区町村",
    )
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="つなぎ先の社会資源",
    )
    agency_name = models.CharField(
        "つなぎ先の機関",
        max_length=200,
        blank=True,
        help_text="社会資源に登録のない機関（地域包括支援センター、福祉公社など）",
    )
    role = models.CharField(
        "参加の形",
        max_length=15,
        choices=RolePreference.choices,
        default=RolePreference.PARTICIPANT,
    )
    status = models.CharField(
        "状態",
        max_length=15,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PROPOSED,
        db_index=False,
    )
    status_on = models.DateField("状態の日付", default=dt.date.today)
    follow_up_on = models.DateField("次の確認日", null=True, blank=True, db_index=True)
    reason = models.CharField("提案の理由", max_length=500, blank=True)
    interruption_reason = models.CharField("中断の理由", max_length=300, blank=True)
    outcome = models.CharField("結果", max_length=20, choices=ReferralOutcome.choices, blank=True)
    outcome_note = models.CharField("結果の補足", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提案者",
    )

    class Meta:
        verbose_name = "つなぎ"
        verbose_name_plural = "つなぎ"
        ordering = ["case", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "follow_up_on"], name="referral_status_followup"),
            models.Index(
                fields=["municipality", "status", "follow_up_on"], name="referral_city_followup"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | ~models.Q(agency_name=""),
                name="referral_has_destination",
            ),
        ]

    def __str__(self) -> str:
        return self.destination_label

    def save(self, *args, **kwargs) -> None:
        if self.case_id is not None:
            self.municipality_id = self.case.municipality_id
        super().save(*args, **kwargs)

    @property
    def destination_label(self) -> str:
        if self.service_id:
            return self.service.name
        return self.agency_name

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_REFERRAL_STATUSES

    def allowed_statuses(self) -> tuple[str, ...]:
        return REFERRAL_FLOW.get(self.status, ())

    def clean(self) -> None:
        errors: dict[str, str] = plan_date_errors(self)
        if not self.service_id and not self.agency_name.strip():
            errors["service"] = "つなぎ先の社会資源か機関名のどちらかを入力してください。"
        if self.service_id and self.agency_name.strip():
            errors["agency_name"] = "社会資源を選んだ場合、機関名は空欄にしてください。"
        if (
            self.service_id
            and self.case_id
            and self.service.municipality_id != self.case.municipality_id
        ):
            errors["service"] = "ほかの市区町村の社会資源にはつなげません。"
        if self.status in CLOSED_REFERRAL_STATUSES and not self.outcome:
            errors["outcome"] = "終了・中断のときは結果を選んでください。"
        if self.status == ReferralStatus.INTERRUPTED and not self.interruption_reason.strip():
            errors["interruption_reason"] = "中断の理由を入力してください。"
        if errors:
            raise ValidationError(errors)


class ReferralTransition(models.Model):
    """Every status change of a referral, dated, with who made it: the referral's history."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="transitions", verbose_name="つなぎ"
    )
    # The referral's municipality, copied when the transition is saved: a city's report finds
    # its moves by this, the referral and the date (transition_city_referral) instead of reading
    # every hosted municipality's moves of the period (issue 26, docs/benchmarks.md).
    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
        verbose_name="市区町村",
    )
    from_status = models.CharField(
        "変更前", max_length=15, choices=ReferralStatus.choices, blank=True
    )
    to_status = models.CharField("変更後", max_length=15, choices=ReferralStatus.choices)
    date = models.DateField("日付")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="変更した人",
    )
    note = models.CharField("メモ", max_length=500, blank=True)
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "つなぎの状態変更"
        verbose_name_plural = "つなぎの状態変更"
        ordering = ["referral", "date", "id"]
        indexes = [
            models.Index(
                fields=["municipality", "referral", "date"], name="transition_city_referral"
            )
        ]

    def __str__(self) -> str:
        before = self.get_from_status_display() or "（新規）"
        return f"{self.date} {before} → {self.get_to_status_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.referral_id is not None:
            self.municipality_id = self.referral.municipality_id
        super().save(*args, **kwargs)


class CaseStory(MunicipalityOwned):
    """An anonymised case story (事例) for training and publications: no name, age band only,
    the town replaced by the area. Written, then reviewed, then published into the case
    library that tier-2 coordinators search."""

    municipality = municipality_key(db_index=False)

    class Status(models.TextChoices):
        DRAFT = "draft", "下書き"
        IN_REVIEW = "in_review", "確認待ち"
        RETURNED = "returned", "差し戻し"
        PUBLISHED = "published", "公開"

    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name="元のケース",
    )
    area = models.ForeignKey(
        "org.Area", on_delete=models.PROTECT, related_name="+", verbose_name="圏域"
    )
    title = models.CharField("題名", max_length=200)
    age_band = models.CharField("年代", max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField("性別", max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    care_level = models.CharField(
        "要介護度等", max_length=15, choices=CareLevel.choices, blank=True
    )
    consultation = models.TextField("相談内容")
    response = models.TextField("対応")
    outcome = models.TextField("その後・結果", blank=True)
    learning_points = models.TextField("ポイント・学び", blank=True)
    keywords = models.CharField(
        "キーワード", max_length=300, blank=True, help_text="読点区切り。例: 男性、カラオケ"
    )
    status = models.CharField(
        "状態", max_length=15, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作成者",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="確認者",
    )
    review_note = models.CharField("確認のコメント", max_length=500, blank=True)
    published_on = models.DateField("公開日", null=True, blank=True)
    search_text = models.TextField("検索用本文", blank=True, editable=False)

    class Meta:
        verbose_name = "事例"
        verbose_name_plural = "事例"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["municipality", "status"], name="casestory_muni_status")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.area_id and self.area.municipality_id != self.municipality_id:
            raise ValidationError({"area": "この圏域は当該市区町村の圏域ではありません。"})
