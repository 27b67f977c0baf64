from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "plateau.eligibility"
    verbose_name = "Éligibilité (Solidarité Transport)"

    def ready(self) -> None:
        from plateau import capabilities

        from .capability import CAPABILITY

        capabilities.register(CAPABILITY)
