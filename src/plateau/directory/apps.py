from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "plateau.directory"
    verbose_name = "Annuaire des prestataires"

    def ready(self) -> None:
        from plateau import capabilities

        from .capability import CAPABILITY

        capabilities.register(CAPABILITY)
