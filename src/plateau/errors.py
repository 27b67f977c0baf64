"""Errors of the application layer (services and access helpers).

Domain code raises :class:`plateau.domain.errors.DomainError`; services raise :class:`PlateauError`
subclasses. Both carry a stable ``error_id`` and a translatable message, and are mapped to
``{status, error_id, message}`` once, at the API edge (:mod:`plateau.api`) and in the web layer.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class PlateauError(Exception):
    """Base class: a stable id for machines, a translatable message for people."""

    error_id = "error"
    status = 400
    default_message = _("La demande n'a pas pu être traitée.")

    def __init__(self, message: object | None = None, **details: object) -> None:
        self.message = message if message is not None else self.default_message
        self.details = details
        super().__init__(str(self.message))


class NotFound(PlateauError):
    """Also raised for objects of another tenant: we never reveal that they exist."""

    error_id = "not_found"
    status = 404
    default_message = _("Introuvable.")


class PermissionDenied(PlateauError):
    error_id = "permission_denied"
    status = 403
    default_message = _("Vous n'avez pas le droit de faire cela.")


class InvalidInput(PlateauError):
    error_id = "invalid_input"
    status = 400
    default_message = _("Données invalides.")


class Conflict(PlateauError):
    error_id = "conflict"
    status = 409
    default_message = _("Cette action n'est plus possible dans l'état actuel.")
