"""A living directory (issue #24): organisers' update links, proposals from organisers,
residents and staff, and the log of every public use (which the rate limits count).

Nothing here touches case tables: the public side (the organiser's page, residents' reports)
needs only public resource data and this inbox, so it can run apart from the staff system."""

from django.conf import settings
from django.db import models

from sasaeai.core.tokens import HashedToken
from sasaeai.org.models import MunicipalityOwned, municipality_key


class OrganiserLink(HashedToken):
    """An organiser's private update link for one resource (no account): the secret is the last
    part of the URL, kept only as a digest (core.tokens). Staff issue and revoke it; it expires
    after the municipality's period."""

    SECRET_PREFIX = "ol_"
    SHOWN_LENGTH = 8
    LOADED_WITH = ("service", "service__municipality")

    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        related_name="organiser_links",
        verbose_name="社会資源",
    )
    expires_at = models.DateTimeField("有効期限")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="発行した職員",
    )

    class Meta:
        verbose_name = "主催者用の更新リンク"
        verbose_name_plural = "主催者用の更新リンク"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}…（{self.service_id}）"


class Proposal(MunicipalityOwned):
    """A proposed change to the directory: an organiser's change (by link), a resident's report
    of an error in a listing, or a place that is not listed. Nothing in it is published until a
    coordinator accepts it; accepted changes are written by the resources' staff edit service."""

    municipality = municipality_key(db_index=False)

    class Kind(models.TextChoices):
        CHANGE = "change", "主催者からの変更の連絡"
        ERROR = "error", "住民からの誤りの報告"
        NEW_PLACE = "new_place", "載っていない場所の情報"

    class Proposer(models.TextChoices):
        ORGANISER = "organiser", "主催者"
        RESIDENT = "resident", "住民"
        STAFF = "staff", "職員"

    class Status(models.TextChoices):
        OPEN = "open", "未対応"
        ACCEPTED = "accepted", "採用"
        PARTLY = "partly", "一部を採用"
        REJECTED = "rejected", "不採用"

    kind = models.CharField("種類", max_length=12, choices=Kind.choices)
    proposer = models.CharField("提案した人", max_length=12, choices=Proposer.choices)
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="社会資源",
    )
    area = models.ForeignKey(
        "org.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="日常生活圏域",
    )
    link = models.ForeignKey(
        OrganiserLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="使われたリンク",
    )
    # Field name → proposed value (text), see directory.fields.CHANGE_FIELDS.
    changes = models.JSONField("変更の内容", default=dict, blank=True)
    message = models.TextField("内容・補足", blank=True)
    contact = models.CharField(
        "連絡先（任意）", max_length=200, blank=True, help_text="職員だけが見ます"
    )
    status = models.CharField(
        "状態", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    accepted_fields = models.JSONField("採用した項目", default=list, blank=True)
    decision_reason = models.TextField("理由（主催者に表示）", blank=True)
    decided_at = models.DateTimeField("対応日時", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="対応した職員",
    )

    class Meta:
        verbose_name = "情報提供"
        verbose_name_plural = "情報提供"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "status", "area"], name="proposal_muni_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class PublicUse(models.Model):
    """One use of a public directory page (a link opened, a confirmation, a report, a refused
    attempt). The rate limits count these rows; the client is kept only as a keyed digest of
    its address, never the address itself."""

    class Kind(models.TextChoices):
        LINK_VIEW = "link_view", "リンクを開いた"
        LINK_CONFIRM = "link_confirm", "このままで正しい"
        LINK_CHANGE = "link_change", "変更を知らせた"
        LINK_COUNTS = "link_counts", "参加者数を報告した"
        LINK_INVALID = "link_invalid", "使えないリンク"
        REPORT_ERROR = "report_error", "誤りの報告"
        REPORT_PLACE = "report_place", "場所の情報提供"
        HONEYPOT = "honeypot", "自動送信と判断"
        LIMITED = "limited", "回数制限で断った"

    kind = models.CharField("種類", max_length=14, choices=Kind.choices)
    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    client = models.CharField("送信元（鍵付きハッシュ）", max_length=16, db_index=False)
    link = models.ForeignKey(
        OrganiserLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uses",
        verbose_name="リンク",
    )
    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="市区町村",
    )

    class Meta:
        verbose_name = "公開ページの利用記録"
        verbose_name_plural = "公開ページの利用記録"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "kind", "at"], name="publicuse_client_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
