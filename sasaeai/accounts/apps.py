from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sasaeai.accounts"
    verbose_name = "利用者"

    def ready(self) -> None:
        from .two_factor import connect_signals

        connect_signals()  # two-factor flags are computed at login
