from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "plateau.web"
    verbose_name = "Interface web"

    def ready(self) -> None:
        from . import checks, two_factor

        checks.register()
        two_factor.connect()
