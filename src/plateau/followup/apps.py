from django.apps import AppConfig


class FollowUpConfig(AppConfig):
    name = "plateau.followup"
    label = "followup"
    verbose_name = "Suivi des mises en relation"

    def ready(self) -> None:
        from plateau import capabilities

        from .capability import CAPABILITY

        capabilities.register(CAPABILITY)
