from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sasaeai.core"
    verbose_name = "共通"

    def ready(self) -> None:
        from .datebounds import bound_form_dates
        from .lookups import register

        register()
        bound_form_dates()
