from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "plateau.orientation"
    verbose_name = "Orientation vers le niveau 2"

    def ready(self) -> None:
        from plateau import capabilities

        from .capability import CAPABILITY

        capabilities.register(CAPABILITY)
