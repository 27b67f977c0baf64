"""Errors of the geo app (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import InvalidInput


class CommuneWithoutCoordinates(InvalidInput):
    error_id = "commune_without_coordinates"
    default_message = _("Cette commune n'a pas de coordonnées : la recherche par distance est impossible.")


class GeoImportError(InvalidInput):
    """The file cannot be imported at all (missing file or columns); bad rows are reported, not raised."""

    error_id = "geo_import_error"
    default_message = _("Le fichier de communes ne peut pas être importé.")
