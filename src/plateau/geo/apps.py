from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "plateau.geo"
    verbose_name = "Géographie"
