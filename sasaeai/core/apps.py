from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sasaeai.core"
    verbose_name = "共通"

    def ready(self) -> None:
        from .lookups import register

        register()
