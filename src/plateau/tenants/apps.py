from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "plateau.tenants"
    verbose_name = "Organisations et programmes"
