from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sasaeai.cases"
    verbose_name = "個別ケース"
