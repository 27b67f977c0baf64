from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "plateau.web"
    verbose_name = "Interface web"
