from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "sasaeai.exchange"
    verbose_name = "データ取込・出力"
