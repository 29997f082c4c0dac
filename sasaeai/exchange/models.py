"""What the exchange app keeps: an uploaded file's rows between preview and commit (never in the
browser), the column mappings people made once per header set, and what each imported resource
last received from a file (so that re-imports do not wipe edits made in the system)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from sasaeai.core.models import TimeStampedModel

PREVIEW_LIFETIME = timedelta(hours=24)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def default_expiry():
    return timezone.now() + PREVIEW_LIFETIME


class ImportBatch(TimeStampedModel):
    """One uploaded file: its rows as read, the mapping of its headers, the last preview and,
    once written, the result. Addressed by an unguessable token and visible only to the user
    who uploaded it."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        CSV = "csv", "CSV"
        OPEN_DATA = (
            "opendata",
            "自治体標準オープンデータ（公共施設一覧・介護サービス事業所一覧など）",
        )
        HSDS = "hsds", "HSDS（JSON）"

    class Status(models.TextChoices):
        MAPPING = "mapping", "見出しの対応づけ待ち"
        PREVIEWED = "previewed", "確認待ち"
        COMMITTED = "committed", "取り込み済み"
        FAILED = "failed", "取り込み失敗"

    token = models.CharField("トークン", max_length=64, primary_key=True, default=new_token)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="取り込んだ人",
    )
    municipality = models.ForeignKey(
        "org.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name="市区町村"
    )
    source_name = models.CharField("ファイル名", max_length=255)
    source_format = models.CharField("形式", max_length=10, choices=Format.choices)
    source_sha256 = models.CharField("ファイルのハッシュ", max_length=64)
    source_encoding = models.CharField("文字コード", max_length=40, blank=True)
    headers = models.JSONField("見出し", default=list, blank=True)
    header_key = models.CharField("見出しの組のキー", max_length=40, blank=True)
    mapping = models.JSONField(
        "見出しの対応", default=dict, blank=True, help_text="見出しの番号 → 項目のキー"
    )
    sheets = models.JSONField("シート", default=list, blank=True)
    rows = models.JSONField("行", default=list, blank=True)
    records = models.JSONField("HSDSのレコード", default=list, blank=True)
    preview = models.JSONField("プレビュー", default=dict, blank=True)
    status = models.CharField("状態", max_length=10, choices=Status.choices)
    result = models.JSONField("結果", default=dict, blank=True)
    committed_at = models.DateTimeField("取り込んだ日時", null=True, blank=True)
    expires_at = models.DateTimeField("有効期限", default=default_expiry, db_index=True)

    class Meta:
        verbose_name = "取り込み"
        verbose_name_plural = "取り込み"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source_name

    @property
    def is_expired(self) -> bool:
        return self.status != self.Status.COMMITTED and self.expires_at <= timezone.now()


class ColumnMapping(TimeStampedModel):
    """How the headers of one kind of sheet map to fields, remembered per municipality and set
    of headers, so that next year's sheet with the same headers imports without asking."""

    municipality = models.ForeignKey(
        "org.Municipality",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="市区町村",
        db_index=False,
    )
    header_key = models.CharField("見出しの組のキー", max_length=40)
    headers = models.JSONField("見出し", default=list, blank=True)
    mapping = models.JSONField(
        "見出しの対応",
        default=dict,
        blank=True,
        help_text="見出し → 項目のキー（空は取り込まない）",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="最後に設定した人",
    )

    class Meta:
        verbose_name = "見出しの対応"
        verbose_name_plural = "見出しの対応"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "header_key"], name="exchange_mapping_unique_headers"
            )
        ]

    def __str__(self) -> str:
        return "、".join(self.headers[:5])


class ImportTrace(models.Model):
    """The values a resource last received from an imported file. On the next import a field
    whose value in the file has not changed since is left as it is in the system, so that edits
    made by coordinators survive a re-import of an old sheet."""

    service = models.OneToOneField(
        "resources.Service",
        on_delete=models.CASCADE,
        related_name="import_trace",
        verbose_name="社会資源",
    )
    values = models.JSONField("取り込んだ値", default=dict, blank=True)
    batch_source = models.CharField("ファイル名", max_length=255, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "取り込みの記録"
        verbose_name_plural = "取り込みの記録"

    def __str__(self) -> str:
        return f"{self.service_id}: {self.batch_source}"
