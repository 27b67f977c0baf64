"""Errors of the orientation capability (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import Conflict, InvalidInput


class InvalidDestination(InvalidInput):
    error_id = "invalid_orientation_destination"
    default_message = _("Destination invalide.")


class InvalidTheme(InvalidInput):
    error_id = "invalid_orientation_theme"
    default_message = _("Thème invalide : un code (lettres minuscules, chiffres, tirets) et un libellé.")


class ThemeExists(Conflict):
    error_id = "orientation_theme_exists"
    default_message = _("Ce programme a déjà un thème avec ce code.")


class OrientationRefused(Conflict):
    error_id = "orientation_refused"
    default_message = _("Cette orientation n'est pas possible.")
