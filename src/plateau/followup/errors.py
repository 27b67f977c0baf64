"""Errors of the follow-up capability (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import Conflict, InvalidInput, NotFound, PlateauError


class FollowUpConsentRequired(InvalidInput):
    error_id = "followup_consent_required"
    default_message = _("Sans le consentement de l'appelant, aucun suivi n'est envoyé.")


class InvalidAddress(InvalidInput):
    error_id = "followup_invalid_address"
    default_message = _("Adresse électronique invalide (exemple : nom@exemple.fr).")


class NoDetailsGiven(Conflict):
    error_id = "followup_no_details_given"
    default_message = _("Le suivi se propose une fois les coordonnées de prestataires données.")


class FollowUpAlreadyRecorded(Conflict):
    error_id = "followup_already_recorded"
    default_message = _("Un suivi est déjà prévu pour ce contact.")


class LinkInvalid(NotFound):
    error_id = "followup_link_invalid"
    default_message = _("Ce lien de suivi n'est pas valide. Vérifiez qu'il a été copié en entier.")


class LinkExpired(PlateauError):
    error_id = "followup_link_expired"
    status = 410
    default_message = _("Ce lien de suivi a expiré : le questionnaire n'est plus ouvert.")


class AlreadyAnswered(Conflict):
    error_id = "followup_already_answered"
    default_message = _("Merci, votre réponse a déjà été enregistrée.")
