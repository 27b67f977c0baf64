"""Errors of the knowledge base, with stable ids and French messages (mapped once at the edges)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import NotFound, PermissionDenied, PlateauError


class SheetNotFound(NotFound):
    error_id = "knowledge.sheet_not_found"
    default_message = _("Fiche inconnue.")


class ImportRefused(PlateauError):
    error_id = "knowledge.import_refused"
    default_message = _("Import refusé.")


class EmptyQuestion(PlateauError):
    error_id = "knowledge.empty_question"
    default_message = _("Saisissez la question de l'appelant.")


class InvalidSynonym(PlateauError):
    error_id = "knowledge.invalid_synonym"
    default_message = _("Synonyme invalide.")


class FourEyesRefused(PermissionDenied):
    error_id = "knowledge.four_eyes"
    default_message = _("Vous ne pouvez pas publier votre propre modification : un autre relecteur doit le faire.")
