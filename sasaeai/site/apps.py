from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "sasaeai.site"
    verbose_name = "サイト"
