"""Errors of the leads app (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class LeadConsentRequired(InvalidInput):
    error_id = "lead_consent_required"
    default_message = _(
        "Transmission refusée : l'appelant n'a pas consenti à ce que ses coordonnées soient transmises à un "
        "prestataire. Lisez-lui le texte de consentement et cochez la case s'il accepte."
    )


class HealthConsentRequired(InvalidInput):
    error_id = "lead_health_consent_required"
    default_message = _(
        "Les informations sur la santé ou la dépendance ne peuvent être transmises qu'avec un consentement "
        "explicite et distinct de l'appelant."
    )


class NotLeadDispatchProgramme(InvalidInput):
    error_id = "not_lead_dispatch_programme"
    default_message = _("Ce programme ne transmet pas de demandes aux prestataires.")


class LeadNotFound(NotFound):
    error_id = "lead_not_found"
    default_message = _("Demande introuvable.")


class NotYourLead(PermissionDenied):
    error_id = "not_your_lead"
    default_message = _("Cette demande a été transmise à un autre prestataire.")


class LeadStateConflict(Conflict):
    error_id = "lead_state_conflict"
    default_message = _("Cette action n'est plus possible dans l'état actuel de la demande.")


class SurveyAlreadyAnswered(Conflict):
    error_id = "survey_already_answered"
    default_message = _("Merci, votre réponse a déjà été enregistrée.")


class InvalidWebhookSignature(PermissionDenied):
    error_id = "invalid_webhook_signature"
    default_message = _("Signature invalide.")


class ReplayedWebhookSignature(Conflict):
    error_id = "replayed_webhook_signature"
    default_message = _("Signature déjà utilisée : signez chaque appel à nouveau, avec l'heure courante.")


class InvalidWebhookBody(InvalidInput):
    error_id = "invalid_webhook_body"
    default_message = _("Corps de l'appel invalide.")


class LeadAlreadyForwarded(InvalidInput):
    error_id = "lead_already_forwarded"
    default_message = _(
        "Cette demande (même contact, même besoin) a déjà été transmise à un prestataire. Pour la transmettre une "
        "nouvelle fois, indiquez pourquoi dans « Motif d'une nouvelle transmission »."
    )
