from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "plateau.web"
    verbose_name = "Interface web"

    def ready(self) -> None:
        from plateau import capabilities

        from . import checks, two_factor
        from .desk import _contact_page

        checks.register()
        two_factor.connect()
        # The capabilities' views re-render a refused post on the contact page without importing web.
        capabilities.register_contact_page(_contact_page)
