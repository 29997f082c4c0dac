from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sasaeai.core"
    verbose_name = "共通"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .datebounds import bound_form_dates
        from .lookups import register
        from .text import register_sqlite_function

        register()
        bound_form_dates()
        connection_created.connect(register_sqlite_function, dispatch_uid="sasaeai_search_key")
