from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "sasaeai.org"
    verbose_name = "組織"
