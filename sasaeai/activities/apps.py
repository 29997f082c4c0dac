from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "sasaeai.activities"
    verbose_name = "活動記録"
