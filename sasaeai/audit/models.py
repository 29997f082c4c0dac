"""The append-only audit log: who read or changed what, when, and from where.

Rows are never updated or deleted: the model refuses it, the admin is read-only, there is
no UI or API to change them, and database triggers refuse UPDATE (and DELETE on PostgreSQL).
Entries name objects by type and id only, never by personal content.
"""

from django.db import models


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("監査ログは変更できません。")

    def delete(self):
        raise PermissionError("監査ログは削除できません。")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", "ログイン"
        LOGIN_FAILED = "login_failed", "ログイン失敗"
        LOGOUT = "logout", "ログアウト"
        VIEW = "view", "閲覧"
        CREATE = "create", "作成"
        UPDATE = "update", "変更"
        DELETE = "delete", "削除"
        EXPORT = "export", "出力"
        IMPORT = "import", "取込"

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    # Kept without a database constraint so that the log outlives the rows it names.
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name="利用者",
    )
    username = models.CharField("ユーザー名", max_length=150, blank=True)
    municipality_id = models.BigIntegerField("市区町村ID", null=True, blank=True, db_index=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    target_type = models.CharField("対象の種類", max_length=50, blank=True, db_index=True)
    target_id = models.CharField("対象ID", max_length=64, blank=True, db_index=True)
    summary = models.CharField("内容", max_length=300, blank=True)
    ip_address = models.GenericIPAddressField("接続元", null=True, blank=True)
    user_agent = models.CharField("ブラウザ", max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("監査ログは変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("監査ログは削除できません。")
