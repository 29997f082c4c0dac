from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "sasaeai.directory"
    verbose_name = "情報提供と確認"
