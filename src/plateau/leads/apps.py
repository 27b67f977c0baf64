from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "plateau.leads"
    verbose_name = "Mises en relation"

    def ready(self) -> None:
        from plateau import capabilities

        from .capability import CAPABILITY

        capabilities.register(CAPABILITY)
