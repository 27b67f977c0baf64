from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "plateau.directory"
    verbose_name = "Annuaire des prestataires"
