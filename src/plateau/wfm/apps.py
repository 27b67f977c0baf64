from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WfmConfig(AppConfig):
    name = "plateau.wfm"
    label = "wfm"
    verbose_name = _("Gestion des effectifs")
