from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "plateau.leads"
    verbose_name = "Mises en relation"
