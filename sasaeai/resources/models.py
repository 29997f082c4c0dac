"""The social resource database (社会資源), aligned with Open Referral HSDS 3.x.

An organization (the group or operator) runs services (what a person can join or use) at
locations, on schedules. Categories form one managed, hierarchical taxonomy with three axes
(the MHLW 通いの場 typology: 活動, 運営, 場所); target groups and synonyms are managed lists.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from sasaeai.core.models import TimeStampedModel
from sasaeai.core.text import split_terms
from sasaeai.org.models import MunicipalityOwned, municipality_key

# A generous box around Japan (Okinotorishima to Etorofu, Yonaguni to Minamitorishima).
JAPAN_LATITUDE = (Decimal("20.0"), Decimal("46.0"))
JAPAN_LONGITUDE = (Decimal("122.0"), Decimal("154.0"))


def validate_latitude_in_japan(value: Decimal) -> None:
    if value is not None and not (JAPAN_LATITUDE[0] <= value <= JAPAN_LATITUDE[1]):
        raise ValidationError(
            "緯度が日本の範囲（北緯20〜46度）の外です。緯度と経度が入れ替わっていないか確認してください。"
        )


def validate_longitude_in_japan(value: Decimal) -> None:
    if value is not None and not (JAPAN_LONGITUDE[0] <= value <= JAPAN_LONGITUDE[1]):
        raise ValidationError(
            "経度が日本の範囲（東経122〜154度）の外です。緯度と経度が入れ替わっていないか確認してください。"
        )


class Category(TimeStampedModel):
    """A term of the managed taxonomy. `axis` says which of the MHLW typology's axes it belongs
    to; activities may nest (趣味活動 > カラオケ・音楽). A null municipality means a term shared
    by every municipality (the national lists); a municipality may add its own terms."""

    class Axis(models.TextChoices):
        ACTIVITY = "activity", "活動の種類"
        OPERATOR = "operator", "運営主体"
        PLACE = "place", "場所"

    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="市区町村",
        help_text="空欄は全国共通の分類",
    )
    axis = models.CharField("軸", max_length=20, choices=Axis.choices, default=Axis.ACTIVITY)
    code = models.SlugField("コード", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    name_kana = models.CharField("名称（カナ）", max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上位分類",
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)
    description = models.TextField("説明", blank=True)
    survey_label = models.CharField(
        "全国調査での区分",
        max_length=100,
        blank=True,
        help_text="介護予防・日常生活支援総合事業等の実施状況調査の区分名（該当する場合）",
    )
    color = models.CharField(
        "地図の色",
        max_length=7,
        blank=True,
        help_text="#RRGGBB。空欄なら上位分類の色",
    )
    symbol = models.CharField(
        "地図の記号", max_length=2, blank=True, help_text="色に頼らず見分けるための1〜2文字"
    )
    is_active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "分類"
        verbose_name_plural = "分類"
        ordering = ["axis", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "自分自身を上位分類にはできません。"})
            if self.parent.axis != self.axis:
                raise ValidationError({"parent": "上位分類は同じ軸の分類から選んでください。"})
            ancestor = self.parent
            depth = 0
            while ancestor is not None and depth < 10:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": "分類の親子関係が循環しています。"})
                ancestor = ancestor.parent
                depth += 1


class TargetGroup(models.Model):
    """Who a service is meant for (高齢者一般, 認知症の方とご家族, 男性 …): a managed list."""

    code = models.SlugField("コード", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    public_label = models.CharField(
        "公開ページでの表現", max_length=100, blank=True, help_text="空欄なら名称"
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)
    is_active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "対象者"
        verbose_name_plural = "対象者"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    STAFF = "staff", "職員の入力"
    IMPORT = "import", "取り込み"
    SURVEY = "survey", "調査・聞き取り"
    SEED = "seed", "武蔵野市の事例発表（平成28年）に記載"
    DEMO_INVENTED = "demo_invented", "デモ用の架空データ"


class Organization(MunicipalityOwned):
    """The group or operator that runs services (HSDS organization)."""

    name = models.CharField("団体名", max_length=200)
    name_kana = models.CharField("団体名（カナ）", max_length=300, blank=True)
    operator_type = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"axis": Category.Axis.OPERATOR},
        verbose_name="運営主体の種別",
    )
    description = models.TextField("説明", blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    url = models.URLField("ウェブサイト", blank=True)
    corporate_number = models.CharField("法人番号", max_length=13, blank=True)
    source = models.CharField("出典", max_length=20, choices=Source.choices, default=Source.STAFF)
    external_id = models.CharField("外部ID", max_length=100, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "団体"
        verbose_name_plural = "団体"
        ordering = ["municipality", "name_kana", "name"]

    def __str__(self) -> str:
        return self.name


class Location(MunicipalityOwned):
    """Where a service takes place. The area follows the town. A place in a private home is
    shown on public maps only at an area-level point."""

    name = models.CharField("場所の名称", max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name="団体",
    )
    address = models.CharField("住所", max_length=300, blank=True)
    address_2 = models.CharField("方書（建物名など）", max_length=200, blank=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    town = models.ForeignKey(
        "org.Town",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="町",
    )
    town_block = models.ForeignKey(
        "org.TownBlock",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="丁目",
    )
    area = models.ForeignKey(
        "org.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="日常生活圏域",
        editable=False,
    )
    latitude = models.DecimalField(
        "緯度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validate_latitude_in_japan],
    )
    longitude = models.DecimalField(
        "経度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validate_longitude_in_japan],
    )
    is_approximate = models.BooleanField(
        "位置はおおよそ",
        default=True,
        help_text="正確な位置が未設定で、町の代表点に置いている",
    )
    is_private_home = models.BooleanField(
        "個人宅",
        default=False,
        help_text="自宅開放型など。公開地図では圏域の代表点にだけ表示します",
    )
    place_type = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"axis": Category.Axis.PLACE},
        verbose_name="場所の種別",
    )
    external_id = models.CharField("外部ID", max_length=100, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "場所"
        verbose_name_plural = "場所"
        ordering = ["municipality", "name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_latlon")]

    def __str__(self) -> str:
        return self.name or self.address or f"場所 {self.pk}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.town_id and self.town.municipality_id != self.municipality_id:
            errors["town"] = "この町は当該市区町村の町ではありません。市内の町を選んでください。"
        if self.town_block_id and self.town_id and self.town_block.town_id != self.town_id:
            errors["town_block"] = "丁目が町と一致しません。"
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = "緯度と経度は両方とも入力してください。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.area_id = self.town.area_id if self.town_id else None
        super().save(*args, **kwargs)


class Service(MunicipalityOwned):
    """What a person can join or use (HSDS service): a salon, a club, a volunteer group, a
    shop or a formal service. `area` and `town` follow the location's town and are stored here
    so that lists filter without joins; the search columns are filled on save."""

    municipality = municipality_key(db_index=False)

    class Status(models.TextChoices):
        ACTIVE = "active", "活動中"
        PAUSED = "paused", "休止中"
        CLOSED = "closed", "終了"

    HSDS_STATUS = {
        "active": "active",
        "paused": "temporarily closed",
        "closed": "defunct",
    }

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name="運営団体",
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name="場所",
    )
    name = models.CharField("名称", max_length=200)
    name_kana = models.CharField("ふりがな", max_length=300, blank=True)
    alternate_name = models.CharField("通称", max_length=200, blank=True)
    description = models.TextField("内容", blank=True)
    status = models.CharField(
        "状態", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    is_public = models.BooleanField(
        "公開する", default=False, help_text="住民向けの公開ページ・パンフレットに載せる"
    )
    publication_consent = models.BooleanField(
        "掲載の同意あり", default=False, help_text="団体から公開の同意を得ている"
    )
    categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="services",
        limit_choices_to={"axis": Category.Axis.ACTIVITY},
        verbose_name="活動の種類",
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="services", verbose_name="対象者"
    )
    eligibility_note = models.CharField("対象の補足", max_length=300, blank=True)

    class Direction(models.TextChoices):
        SERVICE = "service", "利用者へのサービス"
        RECRUITING = "recruiting", "担い手の募集"
        BOTH = "both", "両方"

    direction = models.CharField(
        "この資源は",
        max_length=12,
        choices=Direction.choices,
        blank=True,
        default="",
        help_text="空欄のときは分類・対象者・内容から判断します（マッチングで使います）",
    )
    welcomes_volunteers = models.BooleanField("ボランティア募集", default=False)
    volunteer_roles = models.TextField("ボランティアの役割", blank=True)
    is_free = models.BooleanField("無料", null=True, blank=True, help_text="空欄は不明")
    fee_amount = models.PositiveIntegerField("参加費（円／回）", null=True, blank=True)
    fees_description = models.CharField("費用の説明", max_length=300, blank=True)
    capacity = models.PositiveIntegerField("定員", null=True, blank=True)
    application_required = models.BooleanField(
        "申込が必要", null=True, blank=True, help_text="いいえ＝当日参加できる。空欄は不明"
    )
    application_process = models.CharField("申込方法", max_length=300, blank=True)
    step_free = models.BooleanField("段差なし", null=True, blank=True)
    accessible_toilet = models.BooleanField("多目的トイレあり", null=True, blank=True)
    has_seating = models.BooleanField("椅子席あり", null=True, blank=True)
    accessibility_note = models.CharField("バリアフリーの補足", max_length=300, blank=True)
    contact_name = models.CharField("連絡先の担当者", max_length=100, blank=True)
    contact_phone = models.CharField("連絡先電話番号", max_length=30, blank=True)
    fax = models.CharField("FAX番号", max_length=30, blank=True)
    contact_email = models.EmailField("連絡先メールアドレス", blank=True)
    contact_is_public = models.BooleanField(
        "連絡先を公開する", default=False, help_text="公開ページに担当者名と電話番号を載せる"
    )
    url = models.URLField("ウェブサイト", blank=True)
    internal_note = models.TextField("職員メモ（非公開）", blank=True)
    source = models.CharField("出典", max_length=20, choices=Source.choices, default=Source.STAFF)
    source_note = models.CharField("出典の補足", max_length=300, blank=True)
    external_id = models.CharField("外部ID", max_length=100, blank=True, db_index=True)
    confirmed_at = models.DateField(
        "最終確認日",
        null=True,
        blank=True,
        help_text="訪問や電話で現況を確かめた日（更新日とは別）",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="確認した人",
    )

    class ConfirmedVia(models.TextChoices):
        VISIT = "visit", "訪問"
        ORGANISER = "organiser", "主催者の確認"
        STAFF = "staff", "職員の確認（電話・審査）"
        IMPORT = "import", "取り込み（確認日つきの台帳）"

    confirmed_via = models.CharField(
        "確認の方法",
        max_length=12,
        choices=ConfirmedVia.choices,
        blank=True,
        default="",
        help_text="最終確認日を記録したきっかけ。空欄は不明（この項目より前の確認）",
    )
    # Derived from the location's town on save (filters without joins).
    town = models.ForeignKey(
        "org.Town",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="町",
        editable=False,
    )
    area = models.ForeignKey(
        "org.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="日常生活圏域",
        editable=False,
    )
    # Search columns, filled by sasaeai.resources.search on save (SEARCH_COLUMNS).
    search_name = models.TextField("検索用名称", blank=True, editable=False)
    search_text = models.TextField("検索用本文", blank=True, editable=False)
    search_chars = models.TextField("検索用の文字の組", blank=True, editable=False)
    # The pairs of the names alone (search_name): the index finds the services whose name holds
    # a term without visiting the others (the prefecture-wide reader's name matches).
    search_name_chars = models.TextField("検索用の名称の文字の組", blank=True, editable=False)
    search_facts = models.TextField("検索用の条件", blank=True, editable=False)
    name_reading = models.CharField(
        "名称の読み（自動）", max_length=400, blank=True, editable=False
    )
    # What the public finder searches: only what the public page shows (search.search_document).
    public_search_name = models.TextField("公開検索用名称", blank=True, editable=False)
    public_search_text = models.TextField("公開検索用本文", blank=True, editable=False)

    SEARCH_COLUMNS = (
        "search_name",
        "search_text",
        "search_chars",
        "search_name_chars",
        "search_facts",
        "name_reading",
        "public_search_name",
        "public_search_text",
    )

    history = HistoricalRecords(
        m2m_fields=[categories, target_groups], excluded_fields=list(SEARCH_COLUMNS)
    )

    class Meta:
        verbose_name = "社会資源"
        verbose_name_plural = "社会資源"
        ordering = ["municipality", "name_kana", "name"]
        indexes = [
            models.Index(
                fields=["municipality", "status", "area"], name="service_muni_status_area"
            ),
            models.Index(fields=["municipality", "confirmed_at"], name="service_muni_confirmed"),
            models.Index(fields=["municipality", "town"], name="service_muni_town"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hsds_status(self) -> str:
        return self.HSDS_STATUS[self.status]

    @property
    def is_publicly_visible(self) -> bool:
        return self.is_public and self.status == self.Status.ACTIVE

    def needs_recheck(self, today: dt.date, *, valid_days: int = 365) -> bool:
        """Not confirmed within the verification period (by default 365 days; the municipality
        sets its own in VerificationPolicy)."""
        if self.confirmed_at is None:
            return True
        return self.confirmed_at < today - dt.timedelta(days=valid_days)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.location_id and self.location.municipality_id != self.municipality_id:
            errors["location"] = "ほかの市区町村の場所は指定できません。"
        if self.organization_id and self.organization.municipality_id != self.municipality_id:
            errors["organization"] = "ほかの市区町村の団体は指定できません。"
        if self.is_public and not self.publication_consent:
            errors["is_public"] = "公開するには団体の掲載の同意が必要です。"
        if self.is_free and self.fee_amount:
            errors["fee_amount"] = "無料の場合、参加費は空欄にしてください。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        # The town and area follow the location, whoever saves the service.
        if self.location_id:
            location = self.location
            self.town_id, self.area_id = location.town_id, location.area_id
        else:
            self.town_id = self.area_id = None
        super().save(*args, **kwargs)


class SearchRow(models.Model):
    """A service as a public search reads it: the filter columns, the reading sort key, the
    name and the public document, in a narrow row (search_rows.py). Written only by database
    triggers on `resources_service` (migration 0012), never by Django. Its filter fields have
    the service's names, so the same conditions apply to both."""

    service = models.OneToOneField(
        Service,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_row",
    )
    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    organization_id = models.IntegerField(null=True)
    area_id = models.IntegerField(null=True)
    town_id = models.IntegerField(null=True)
    status = models.CharField(max_length=10)
    is_public = models.BooleanField()
    publication_consent = models.BooleanField()
    is_free = models.BooleanField(null=True)
    welcomes_volunteers = models.BooleanField()
    confirmed_at = models.DateField(null=True)
    created_at = models.DateTimeField()
    sort_key = models.CharField(max_length=400)
    name = models.CharField(max_length=200)
    public_search_name = models.TextField()
    public_search_text = models.TextField()

    class Meta:
        db_table = "resources_search_row"
        verbose_name = "検索用の行"
        verbose_name_plural = "検索用の行"

    def __str__(self) -> str:
        return self.name


class Schedule(TimeStampedModel):
    """When a service meets, as an HSDS/iCalendar-like recurrence.

    `byday` holds iCal day codes separated by commas; with MONTHLY an ordinal may precede the
    day ("2TU,4TU"; "-1FR" is the last Friday). `bymonthday` holds days of the month ("1,15").
    """

    # The fields that make the rule (everything a person enters for one schedule): the
    # staff form's, the import's and the search API's reads of a schedule share them.
    RULE_FIELDS = (
        "freq",
        "interval",
        "byday",
        "bymonthday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "closed_on_holidays",
        "closed_year_end",
        "note",
    )

    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", "毎週"
        MONTHLY = "MONTHLY", "毎月"
        DAILY = "DAILY", "毎日"
        IRREGULAR = "IRREGULAR", "不定期"

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="schedules", verbose_name="社会資源"
    )
    freq = models.CharField("繰り返し", max_length=10, choices=Freq.choices, default=Freq.WEEKLY)
    interval = models.PositiveSmallIntegerField(
        "間隔",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="2なら隔週・隔月",
    )
    byday = models.CharField("曜日", max_length=60, blank=True, help_text="例: TU,TH／2TU,4TU")
    bymonthday = models.CharField("日付", max_length=60, blank=True, help_text="例: 1,15")
    opens_at = models.TimeField("開始時刻", null=True, blank=True)
    closes_at = models.TimeField("終了時刻", null=True, blank=True)
    valid_from = models.DateField("有効期間の開始", null=True, blank=True)
    valid_to = models.DateField("有効期間の終了", null=True, blank=True)
    closed_on_holidays = models.BooleanField("祝日は休み", default=False)
    closed_year_end = models.BooleanField(
        "年末年始は休み", default=False, help_text="12月29日〜1月3日は開催しない"
    )
    note = models.CharField("補足", max_length=300, blank=True)
    # Bit mask of the weekdays it can meet (Monday = 1, Sunday = 64), for the day filter.
    weekday_mask = models.PositiveSmallIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "開催日時"
        verbose_name_plural = "開催日時"
        ordering = ["service", "id"]

    def __str__(self) -> str:
        from .schedules import schedule_text

        return schedule_text(self)

    def clean(self) -> None:
        from .schedules import schedule_validate

        schedule_validate(self)

    def save(self, *args, **kwargs) -> None:
        from .schedules import weekday_mask

        self.weekday_mask = weekday_mask(self)
        super().save(*args, **kwargs)

    def text(self) -> str:
        """「毎週火曜 10:00〜12:00」"""
        from .schedules import schedule_text

        return schedule_text(self)

    def next_dates(self, *, start: dt.date, count: int = 5) -> list[dt.date]:
        from .schedules import schedule_next_dates

        return schedule_next_dates(self, start=start, count=count)


class Synonym(TimeStampedModel):
    """One group of words that mean the same in a search (カラオケ, 歌). Editable by the
    administrator; a null municipality applies to every municipality."""

    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="市区町村",
        help_text="空欄はすべての市区町村",
    )
    terms = models.CharField(
        "同じ意味の言葉",
        max_length=500,
        help_text="読点（、）またはカンマで区切る。例: サロン、居場所、つどいの場、通いの場",
    )
    is_active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "同義語"
        verbose_name_plural = "同義語"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    def clean(self) -> None:
        if len(self.term_list()) < 2:
            raise ValidationError({"terms": "2語以上を読点（、）で区切って入力してください。"})


class ResourceVersion(models.Model):
    """A token per municipality that changes whenever that municipality's resource data does.

    Database triggers (migration 0006) write it on every insert, update and delete of services,
    their schedules, category and target group links, locations and towns (the municipality's
    row), and of categories, target groups and shared synonyms (row 0, which every reader takes
    with its own). Triggers see every write path: forms, the API, imports, queryset updates and
    raw SQL. A process that keeps a copy of a municipality's resource facts (matching, see
    cases/facts.py) reads the two tokens first and keeps its copy while they are the same.
    Nothing in the application writes this table itself."""

    SHARED = 0

    municipality_id = models.BigIntegerField("市区町村ID（0は共通）", primary_key=True)
    token = models.BigIntegerField("版")

    class Meta:
        verbose_name = "社会資源データの版"
        verbose_name_plural = "社会資源データの版"

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.token}"


class VerificationPolicy(models.Model):
    """A municipality's settings for keeping its directory current and for its residents' pages.

    A verification (a visit, the organiser's confirmation, a staff review, a dated import) lasts
    `valid_days`; past that the resource enters the re-check list. With `hide_after_days` set,
    a resource still unverified that many days later is shown as 「確認中」 and left out of the
    public finder, the brochure and open data until it is verified again (never deleted). A
    resource never verified counts from when it was registered."""

    municipality = models.OneToOneField(
        "org.Municipality",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="verification_policy",
        verbose_name="市区町村",
    )
    valid_days = models.PositiveSmallIntegerField(
        "確認の有効期間（日）",
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(1095)],
        help_text="この日数を過ぎると再確認リストに入ります（例: 6か月なら183）",
    )
    hide_after_days = models.PositiveSmallIntegerField(
        "公開を止めるまでの猶予（日）",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1095)],
        help_text="有効期間が切れてからこの日数たっても確認されないと「確認中」として公開ページから外します。"
        "空欄なら外しません",
    )
    link_days = models.PositiveSmallIntegerField(
        "主催者用リンクの有効期間（日）",
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(1095)],
    )
    finder_title = models.CharField(
        "住民向けページの名前",
        max_length=80,
        blank=True,
        help_text="例: 武蔵野市 地域の通いの場・サロンさがし。空欄なら「（市区町村名） 地域の通いの場さがし」",
    )
    contact_label = models.CharField(
        "問い合わせ先", max_length=100, blank=True, help_text="例: 武蔵野市 高齢者支援課"
    )
    contact_phone = models.CharField("問い合わせ先の電話番号", max_length=30, blank=True)
    notify_email = models.EmailField(
        "情報提供の通知先メールアドレス",
        blank=True,
        help_text="新しい情報提供をメールでも知らせる宛先（空欄ならホーム画面の通知だけ）",
    )

    class Meta:
        verbose_name = "確認と公開の設定"
        verbose_name_plural = "確認と公開の設定"

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.valid_days}日"

    @property
    def title(self) -> str:
        return self.finder_title or f"{self.municipality.name} 地域の通いの場さがし"
