from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "sasaeai.councils"
    verbose_name = "協議体"
