from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "plateau.contacts"
    verbose_name = "Contacts"
