from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "sasaeai.participation"
    label = "participation"
    verbose_name = "通いの場の参加と空白地域"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sasaeai.directory.public_views import ORGANISER_ACTIONS

        action = ("参加者数を報告", "participation_public:organiser_report")
        if action not in ORGANISER_ACTIONS:
            ORGANISER_ACTIONS.append(action)
