from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "plateau.knowledge"
    verbose_name = "Base de connaissances"

    def ready(self) -> None:
        from plateau import capabilities

        from .capability import CAPABILITY

        capabilities.register(CAPABILITY)
