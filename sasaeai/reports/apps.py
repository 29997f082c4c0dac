from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sasaeai.reports"
    verbose_name = "報告書"
