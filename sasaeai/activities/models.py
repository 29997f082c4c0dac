"""A coordinator's daily work: visits (訪問), consultations (相談), meetings (会議), other
activities (研修・講演・視察対応・勉強会・広報誌) and the calendar (予定表) they are planned in.

Every record carries its coordinator, the coordinator's tier at the time (so that "tier 2
total" stays right when someone changes role), its area (blank = the whole municipality) and
its municipality. Counting lives in `counting/`; writes in `services.py`.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from sasaeai.accounts.models import Tier
from sasaeai.core.models import TimeStampedModel
from sasaeai.core.plans import plan_date_errors
from sasaeai.core.tokens import HashedToken
from sasaeai.org.models import MunicipalityOwned, municipality_key


class ActivityRecord(MunicipalityOwned):
    """What every record of work has: who, which tier, where (area), when, how long."""

    municipality = municipality_key(db_index=False)

    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="コーディネーター",
        db_index=False,
    )
    tier = models.PositiveSmallIntegerField(
        "層", choices=Tier.choices, help_text="記録した時点のコーディネーターの層"
    )
    area = models.ForeignKey(
        "org.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="日常生活圏域",
        help_text="空欄は市全域",
        db_index=False,
    )
    date = models.DateField("日付")
    start_time = models.TimeField("開始時刻", null=True, blank=True)
    end_time = models.TimeField("終了時刻", null=True, blank=True)
    minutes = models.PositiveIntegerField(
        "所要時間（分）", null=True, blank=True, editable=False, help_text="開始と終了から計算"
    )
    calendar_entry = models.ForeignKey(
        "activities.CalendarEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="予定表の予定",
    )
    occurrence_date = models.DateField(
        "予定の日", null=True, blank=True, help_text="繰り返し予定のうち、どの回の記録か"
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        errors = self.validation_errors()
        if errors:
            raise ValidationError(errors)

    def validation_errors(self) -> dict[str, str]:
        """Every rule of the record at once, by field (subclasses add theirs), so that a form
        shows all its errors in one round rather than one rule per submit."""
        errors: dict[str, str] = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = (
                "終了時刻が開始時刻より前（または同じ）です。時刻を確認してください。"
            )
        if self.end_time and not self.start_time:
            errors["start_time"] = "終了時刻を入れる場合は開始時刻も入力してください。"
        if (
            self.area_id
            and self.municipality_id
            and self.area.municipality_id != self.municipality_id
        ):
            errors["area"] = "ほかの市区町村の圏域は指定できません。"
        return errors

    def save(self, *args, **kwargs) -> None:
        self.minutes = duration_minutes(self.start_time, self.end_time)
        super().save(*args, **kwargs)


def duration_minutes(start: dt.time | None, end: dt.time | None) -> int | None:
    if start is None or end is None or end <= start:
        return None
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


# --- visits -----------------------------------------------------------------------------------


VISIT_BOTH_DESTINATIONS = (
    "訪問先が2つ指定されています（社会資源「{service}」と、社会資源にない訪問先「{place}」）。"
    "どちらか一方にしてください。社会資源にない場所を訪問した場合は、社会資源の選択を外してください。"
)
VISIT_NO_DESTINATION = "訪問先を選ぶか、社会資源にない場合は訪問先の名称を入力してください。"


class Visit(ActivityRecord):
    """A visit to a salon, activity or place (住民主体のサロン、地域活動等への訪問). A visit
    confirms the resource record. A place not (yet) in the resource database is named in
    `place_name`; 実件数 counts distinct resources plus distinct such names.

    A visit has exactly one destination: a resource or a named place, never both (a name typed
    beside a pre-selected resource would otherwise be dropped while the resource is confirmed
    and counted). `clean` says so in Japanese; the check constraint holds it in the database."""

    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name="訪問先（社会資源）",
        db_index=False,
    )
    place_name = models.CharField(
        "訪問先（社会資源にない場合）",
        max_length=200,
        blank=True,
        help_text="社会資源に登録されていない訪問先の名称",
    )
    companions = models.CharField(
        "同行者",
        max_length=200,
        blank=True,
        help_text="一緒に訪問した職員・団体（例: 市民社協地域担当）",
    )
    attendees = models.PositiveIntegerField("参加者数", null=True, blank=True)
    observations = models.TextField("活動の様子", blank=True)
    needs_heard = models.TextField("把握したニーズ", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "訪問"
        verbose_name_plural = "訪問"
        ordering = ["-date", "-start_time", "-id"]
        indexes = [
            models.Index(
                fields=["municipality", "date", "tier", "service", "minutes"],
                name="visit_muni_date",
            ),
            models.Index(fields=["coordinator", "date"], name="visit_coord_date"),
            models.Index(fields=["area", "date"], name="visit_area_date"),
            models.Index(fields=["service", "date"], name="visit_service_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(service__isnull=False) & models.Q(place_name=""))
                | (models.Q(service__isnull=True) & ~models.Q(place_name="")),
                name="visit_one_destination",
                violation_error_message="訪問先は社会資源か、社会資源にない訪問先の名称のどちらか一方です。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.place_label}"

    @property
    def place_label(self) -> str:
        if self.service_id:
            return self.service.name
        return self.place_name or "（訪問先未記入）"

    def validation_errors(self) -> dict[str, str]:
        errors = super().validation_errors()
        self.place_name = (self.place_name or "").strip()
        if not self.service_id and not self.place_name:
            errors["service"] = VISIT_NO_DESTINATION
        elif self.service_id and self.place_name:
            errors["service"] = VISIT_BOTH_DESTINATIONS.format(
                service=self.service.name, place=self.place_name
            )
        elif self.service_id and self.service.municipality_id != self.municipality_id:
            errors["service"] = "ほかの市区町村の社会資源は訪問先にできません。"
        return errors


# --- consultations ----------------------------------------------------------------------------


class ConsulterType(models.TextChoices):
    """Who consulted (相談者). The seed's table groups by these."""

    ELDERLY = "elderly", "高齢者（本人）"
    FAMILY = "family", "家族"
    ACTIVIST = "activist", "地域活動者"
    CARE_MANAGER = "care_manager", "ケアマネジャー"
    FACILITY = "facility", "福祉施設・事業所"
    WELFARE_COMMISSIONER = "welfare_commissioner", "民生委員"
    OTHER_BODY = "other_body", "その他関係機関等"


class Channel(models.TextChoices):
    """How the consultation came (相談の方法)."""

    WALK_IN = "walk_in", "来所"
    PHONE = "phone", "電話"
    ON_SITE = "on_site", "訪問先・出先"
    MAIL_FAX = "mail_fax", "メール・FAX"
    OTHER = "other", "その他"


# The seed reports 来所及び電話 42件：それ以外 53件.
CHANNEL_GROUP_OFFICE = (Channel.WALK_IN, Channel.PHONE)
CHANNEL_GROUP_LABELS = {"office": "来所・電話", "other": "それ以外"}


class ReferralDestination(models.TextChoices):
    """Where a consultation was referred to (つないだ先)."""

    HOME_CARE_CENTER = "home_care_center", "在宅介護支援センター"
    SUPPORT_CENTER = "support_center", "地域包括支援センター"
    SOCIAL_WELFARE_COUNCIL = "social_welfare_council", "市民社協"
    CITY_OTHER_SECTION = "city_other_section", "市役所の他課"
    RESOURCE = "resource", "社会資源"
    OTHER = "other", "その他の機関"
    NONE = "none", "つないでいない（その場で対応）"


# "How many were referred to a support centre" (在宅介護支援センター等につないだ).
SUPPORT_CENTER_DESTINATIONS = (
    ReferralDestination.HOME_CARE_CENTER,
    ReferralDestination.SUPPORT_CENTER,
)


class ConsultationTopic(TimeStampedModel):
    """What a consultation was about: a list the administrator manages (seeded from the
    seed's table). A null municipality means a topic shared by every municipality."""

    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="市区町村",
        help_text="空欄はすべての市区町村で使う",
    )
    code = models.SlugField("コード", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    is_active = models.BooleanField("使用中", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "相談内容の分類"
        verbose_name_plural = "相談内容の分類"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Consultation(ActivityRecord):
    """A request for help (相談) and where it went. Keep the summary free of names: the
    consulter is described by type; a person's own story belongs in a case."""

    # The follow-up due date is a plan made on the day of the consultation (core/plans.py).
    PLAN_DATES = {"followup_due": ("date", "相談日")}

    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="訪問先で受けた相談",
    )
    consulter_type = models.CharField("相談者", max_length=30, choices=ConsulterType.choices)
    consulter_body = models.CharField(
        "相談者の所属・機関名",
        max_length=100,
        blank=True,
        help_text="関係機関などの場合の名称（個人名は入れない）",
    )
    channel = models.CharField("相談の方法", max_length=20, choices=Channel.choices)
    topics = models.ManyToManyField(
        ConsultationTopic, related_name="consultations", verbose_name="相談内容"
    )
    summary = models.TextField("概要", blank=True, help_text="個人名は書かないでください")
    referral = models.CharField(
        "つないだ先",
        max_length=30,
        choices=ReferralDestination.choices,
        default=ReferralDestination.NONE,
    )
    referral_service = models.ForeignKey(
        "resources.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="つないだ社会資源",
    )
    referral_note = models.CharField("つないだ先の補足", max_length=200, blank=True)
    followup_needed = models.BooleanField("フォローが必要", default=False)
    followup_due = models.DateField("フォローの期限", null=True, blank=True)
    followup_done_on = models.DateField("フォロー完了日", null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="個別ケース",
        help_text="この相談から始まった（またはこの相談が関わる）個別ケース",
    )
    history = HistoricalRecords(m2m_fields=[topics])

    class Meta:
        verbose_name = "相談"
        verbose_name_plural = "相談"
        ordering = ["-date", "-start_time", "-id"]
        indexes = [
            models.Index(
                fields=["municipality", "date", "tier", "consulter_type", "channel", "referral"],
                name="consult_muni_date",
            ),
            models.Index(fields=["coordinator", "date"], name="consult_coord_date"),
            models.Index(fields=["area", "date"], name="consult_area_date"),
            models.Index(
                fields=["municipality", "followup_needed", "followup_due"],
                name="consult_followup",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_consulter_type_display()}からの相談"

    @property
    def channel_group(self) -> str:
        return "office" if self.channel in CHANNEL_GROUP_OFFICE else "other"

    def validation_errors(self) -> dict[str, str]:
        errors = super().validation_errors()
        if self.consulter_type == ConsulterType.OTHER_BODY and not self.consulter_body.strip():
            errors["consulter_body"] = "その他関係機関等の場合は機関名を入力してください。"
        if self.referral == ReferralDestination.RESOURCE and not self.referral_service_id:
            errors["referral_service"] = "つないだ社会資源を選んでください。"
        if self.referral != ReferralDestination.RESOURCE and self.referral_service_id:
            errors["referral_service"] = (
                "社会資源を選ぶ場合は、つないだ先を「社会資源」にしてください。"
            )
        if (
            self.referral_service_id
            and self.municipality_id
            and self.referral_service.municipality_id != self.municipality_id
        ):
            errors["referral_service"] = "ほかの市区町村の社会資源は選べません。"
        if self.followup_due and not self.followup_needed:
            errors["followup_due"] = "期限を入れる場合は「フォローが必要」にチェックしてください。"
        errors.update(plan_date_errors(self))
        if (
            self.visit_id
            and self.municipality_id
            and self.visit.municipality_id != self.municipality_id
        ):
            errors["visit"] = "ほかの市区町村の訪問には結び付けられません。"
        return errors


# --- meetings ---------------------------------------------------------------------------------


class MeetingType(models.TextChoices):
    TIER1_COUNCIL = "tier1_council", "第1層協議体（地域包括ケア推進協議会）"
    COMMUNITY_CARE = "community_care", "地域ケア会議"
    COMMUNITY_CARE_PREP = "community_care_prep", "地域ケア会議（事前打ち合わせ）"
    COMMUNITY_CARE_REVIEW = "community_care_review", "地域ケア会議（反省会）"
    PREPARATION_GROUP = "preparation_group", "居場所づくり準備会"
    COMMUNITY_FORUM = "community_forum", "地域フォーラム（地域懇談会）"
    LIAISON = "liaison", "生活支援コーディネーター連携会議"
    SWC_EXCHANGE = "swc_exchange", "市民社協との情報交換会"
    COMMUNITY_GROUP = "community_group", "地域団体の会議"
    INTERNAL = "internal", "庁内会議"
    OTHER = "other", "その他の会議"


# The seed counts 地域ケア会議(事前打ち合わせ、反省会を含む) as one line.
MEETING_TYPE_GROUPS = {
    "community_care": (
        MeetingType.COMMUNITY_CARE,
        MeetingType.COMMUNITY_CARE_PREP,
        MeetingType.COMMUNITY_CARE_REVIEW,
    ),
}


class Meeting(ActivityRecord):
    """A meeting the coordinator attended or ran (会議への出席)."""

    meeting_type = models.CharField("会議の種類", max_length=30, choices=MeetingType.choices)
    title = models.CharField("会議名", max_length=200)
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name="協議体",
    )
    organiser = models.CharField("主催", max_length=200, blank=True)
    venue = models.CharField("会場", max_length=200, blank=True)
    participant_organisations = models.TextField(
        "参加団体", blank=True, help_text="団体名を読点（、）で区切って入力"
    )
    participant_count = models.PositiveIntegerField("参加者数", null=True, blank=True)
    agenda = models.TextField("議題", blank=True)
    minutes_text = models.TextField("議事メモ", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "会議"
        verbose_name_plural = "会議"
        ordering = ["-date", "-start_time", "-id"]
        indexes = [
            models.Index(
                fields=["municipality", "date", "tier", "meeting_type"], name="meeting_muni_date"
            ),
            models.Index(fields=["coordinator", "date"], name="meeting_coord_date"),
            models.Index(fields=["area", "date"], name="meeting_area_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def validation_errors(self) -> dict[str, str]:
        errors = super().validation_errors()
        if (
            self.council_id
            and self.municipality_id
            and self.council.municipality_id != self.municipality_id
        ):
            errors["council"] = "ほかの市区町村の協議体は選べません。"
        return errors


# --- other activities -------------------------------------------------------------------------


class OtherActivityKind(models.TextChoices):
    TRAINING_ATTENDED = "training_attended", "研修・セミナーへの出席"
    LECTURE_GIVEN = "lecture_given", "活動報告等の講演"
    VISITORS_HOSTED = "visitors_hosted", "視察対応"
    STUDY_SESSION = "study_session", "勉強会の開催"
    PUBLICATION = "publication", "広報誌の発行"
    OTHER = "other", "その他"


class OtherActivity(ActivityRecord):
    """Trainings attended, lectures given, visitors hosted (視察対応: the visiting body and
    how many came), study sessions held (with attendance) and publications (issue date =
    `date`, copies, where distributed)."""

    kind = models.CharField("種類", max_length=30, choices=OtherActivityKind.choices)
    title = models.CharField("名称", max_length=200)
    end_date = models.DateField(
        "終了日", null=True, blank=True, help_text="2日以上にわたる研修などの最終日"
    )
    counterpart = models.CharField(
        "相手先・主催者",
        max_length=200,
        blank=True,
        help_text="研修の主催者、講演の依頼元、視察に来た団体など",
    )
    venue = models.CharField("会場", max_length=200, blank=True)
    head_count = models.PositiveIntegerField(
        "人数", null=True, blank=True, help_text="視察の人数、勉強会の出席者数など"
    )
    copies = models.PositiveIntegerField("発行部数", null=True, blank=True)
    distribution = models.TextField("主な配布先", blank=True)
    note = models.TextField("内容・メモ", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "その他の活動"
        verbose_name_plural = "その他の活動"
        ordering = ["-date", "-start_time", "-id"]
        indexes = [
            models.Index(fields=["municipality", "date", "tier", "kind"], name="other_muni_date"),
            models.Index(fields=["coordinator", "date"], name="other_coord_date"),
            models.Index(fields=["area", "date"], name="other_area_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def validation_errors(self) -> dict[str, str]:
        errors = super().validation_errors()
        if self.end_date and self.date and self.end_date < self.date:
            errors["end_date"] = "終了日が開始日より前です。"
        if self.kind == OtherActivityKind.VISITORS_HOSTED:
            if not self.counterpart.strip():
                errors["counterpart"] = "視察に来た団体（自治体など）を入力してください。"
            if not self.head_count:
                errors["head_count"] = "視察の人数を入力してください。"
        if self.kind == OtherActivityKind.STUDY_SESSION and self.head_count is None:
            errors["head_count"] = "勉強会の出席者数を入力してください。"
        if self.kind == OtherActivityKind.PUBLICATION and not self.copies:
            errors["copies"] = "発行部数を入力してください。"
        if self.kind != OtherActivityKind.PUBLICATION and (self.copies or self.distribution):
            errors["copies"] = "発行部数・配布先は広報誌の発行の場合だけ入力してください。"
        return errors


# --- the calendar -----------------------------------------------------------------------------


class EntryKind(models.TextChoices):
    """What a calendar entry becomes once done: one click from a past entry opens this form."""

    VISIT = "visit", "訪問"
    CONSULTATION = "consultation", "相談"
    MEETING = "meeting", "会議"
    OTHER_ACTIVITY = "other_activity", "その他の活動"
    TASK = "task", "事務・その他"


class Recurrence(models.TextChoices):
    NONE = "", "繰り返さない"
    WEEKLY = "WEEKLY", "毎週"
    MONTHLY = "MONTHLY", "毎月"


class CalendarEntry(MunicipalityOwned):
    """One entry of a coordinator's calendar, possibly recurring. The recurrence is stored as
    iCalendar RRULE parts (as HSDS schedules are): 毎週火曜 = WEEKLY byday TU; 第2火曜 =
    MONTHLY byday 2TU; 偶数月20日 = MONTHLY bymonth 2,4,6,8,10,12 bymonthday 20."""

    municipality = municipality_key(db_index=False)

    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="コーディネーター",
        db_index=False,
    )
    area = models.ForeignKey(
        "org.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="日常生活圏域",
    )
    title = models.CharField("件名", max_length=200)
    kind = models.CharField(
        "記録の種類", max_length=20, choices=EntryKind.choices, default=EntryKind.VISIT
    )
    meeting_type = models.CharField(
        "会議の種類", max_length=30, choices=MeetingType.choices, blank=True
    )
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="訪問先（社会資源）",
    )
    venue = models.CharField("場所", max_length=200, blank=True)
    date = models.DateField("日付", help_text="繰り返す場合は初回の日")
    start_time = models.TimeField("開始時刻", null=True, blank=True)
    end_time = models.TimeField("終了時刻", null=True, blank=True)
    note = models.TextField("メモ", blank=True)
    freq = models.CharField(
        "繰り返し", max_length=10, choices=Recurrence.choices, default=Recurrence.NONE, blank=True
    )
    interval = models.PositiveSmallIntegerField(
        "間隔",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="2なら隔週・隔月",
    )
    byday = models.CharField("曜日", max_length=60, blank=True, help_text="例: TU／2TU／-1FR")
    bymonthday = models.CharField("日付", max_length=60, blank=True, help_text="例: 20")
    bymonth = models.CharField("月", max_length=40, blank=True, help_text="例: 2,4,6,8,10,12")
    until = models.DateField("繰り返しの終了日", null=True, blank=True)
    skip_holidays = models.BooleanField("祝日は休み", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "予定"
        verbose_name_plural = "予定"
        ordering = ["date", "start_time", "id"]
        indexes = [
            models.Index(fields=["coordinator", "date"], name="calendar_coord_date"),
            models.Index(fields=["municipality", "date"], name="calendar_muni_date"),
            models.Index(fields=["coordinator", "until"], name="calendar_coord_until"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recurring(self) -> bool:
        return bool(self.freq)

    @property
    def recurrence_label(self) -> str:
        """毎週火曜, 第2火曜, 偶数月20日 …"""
        from .recurrence import recurrence_text

        return recurrence_text(self)

    def clean(self) -> None:
        from .recurrence import recurrence_validate

        errors: dict[str, str] = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = (
                "終了時刻が開始時刻より前（または同じ）です。時刻を確認してください。"
            )
        if (
            self.area_id
            and self.municipality_id
            and self.area.municipality_id != self.municipality_id
        ):
            errors["area"] = "ほかの市区町村の圏域は指定できません。"
        if self.until and self.date and self.until < self.date:
            errors["until"] = "繰り返しの終了日が初回の日より前です。"
        if self.meeting_type and self.kind != EntryKind.MEETING:
            self.meeting_type = ""
        errors.update(recurrence_validate(self))
        if errors:
            raise ValidationError(errors)


class CalendarException(models.Model):
    """One occurrence of a recurring entry that does not happen (休み・中止)."""

    entry = models.ForeignKey(
        CalendarEntry,
        on_delete=models.CASCADE,
        related_name="exceptions",
        verbose_name="予定",
        db_index=False,
    )
    date = models.DateField("休みの日")

    class Meta:
        verbose_name = "予定の休み"
        verbose_name_plural = "予定の休み"
        constraints = [
            models.UniqueConstraint(fields=["entry", "date"], name="calendar_exception_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry}（{self.date:%Y-%m-%d}は休み）"


class CalendarFeed(HashedToken):
    """A coordinator's private iCalendar subscription URL. Only the SHA-256 digest of the
    secret is stored; revoking sets `revoked_at` and the URL stops answering."""

    SHOWN_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name="利用者",
    )

    class Meta:
        verbose_name = "予定表の購読URL"
        verbose_name_plural = "予定表の購読URL"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"


class SubmissionKey(models.Model):
    """The idempotency key a phone sent with a visit or consultation it recorded offline
    (`Idempotency-Key` on the API): one per user and key, so that sending the same item again
    (a retry after a lost answer, two tabs sending at once) answers with the record the first
    send made instead of making a second one. The key is a random value the phone chose; it
    says nothing about the record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="利用者",
        db_index=False,
    )
    key = models.CharField("冪等キー", max_length=64)
    kind = models.CharField("記録の種類", max_length=20)
    # SET_NULL: a record deleted after it was sent keeps its key, so that a late resend of
    # the same item is refused rather than recording it again.
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("受信日時", auto_now_add=True)

    class Meta:
        verbose_name = "送信キー"
        verbose_name_plural = "送信キー"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"

    @property
    def record(self) -> "Visit | Consultation | None":
        return self.visit or self.consultation
