from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "sasaeai.resources"
    verbose_name = "社会資源"

    def ready(self) -> None:
        from . import signals  # noqa: F401
