from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "sasaeai.participation"
    label = "participation"
    verbose_name = "通いの場の参加と空白地域"
    default_auto_field = "django.db.models.BigAutoField"
