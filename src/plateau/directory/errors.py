"""Errors of the directory app (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import InvalidInput


class UnknownActivity(InvalidInput):
    error_id = "unknown_activity"
    default_message = _("Activité inconnue.")


class InvalidRadius(InvalidInput):
    error_id = "invalid_radius"
    default_message = _("Le rayon de recherche doit être compris entre 0 et 200 km.")


class InvalidImportFile(InvalidInput):
    error_id = "invalid_import_file"
    default_message = _("Le fichier CSV ne peut pas être lu.")
