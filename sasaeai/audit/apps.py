from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sasaeai.audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login and logout are recorded)
