from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "plateau.calls"
    verbose_name = "Téléphonie"
