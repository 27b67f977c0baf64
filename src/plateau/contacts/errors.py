"""Errors of the contacts app (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import Conflict, InvalidInput


class ContactClosed(Conflict):
    error_id = "contact_closed"
    default_message = _("Ce contact est clos : il ne peut plus être modifié.")


class PhoneRequired(InvalidInput):
    error_id = "phone_required"
    default_message = _("Un appel doit avoir le numéro de l'appelant.")


class NeedIncomplete(InvalidInput):
    error_id = "need_incomplete"
    default_message = _("Saisissez d'abord le besoin : activité et commune.")


class ConsentRequired(InvalidInput):
    error_id = "consent_required"
    default_message = _("L'appelant doit consentir à recevoir les coordonnées : cochez « consentement de l'appelant ».")


class NoProviderSelected(InvalidInput):
    error_id = "no_provider_selected"
    default_message = _("Cochez au moins un prestataire.")


class ProviderNotProposed(InvalidInput):
    error_id = "provider_not_proposed"
    default_message = _("Ce prestataire ne fait pas partie des résultats de la recherche de ce contact.")


class WrapUpCodeRequired(InvalidInput):
    error_id = "wrap_up_code_required"
    default_message = _("Choisissez un code de clôture.")


class UnknownWrapUpCode(InvalidInput):
    error_id = "unknown_wrap_up_code"
    default_message = _("Ce code de clôture n'existe pas.")


class InvalidRadius(InvalidInput):
    error_id = "invalid_radius"
    default_message = _("Le rayon doit être compris entre 1 et 100 km.")


class NotesTooLong(InvalidInput):
    error_id = "contact_notes_too_long"
    default_message = _(
        "Notes trop longues : 4 000 caractères au plus. Résumez-les ; le contact n'a pas été clos, rien n'est perdu."
    )


class WrapUpCodeExists(InvalidInput):
    error_id = "wrap_up_code_exists"
    default_message = _("Ce programme a déjà un code de clôture avec cet identifiant.")


class InvalidWrapUpCode(InvalidInput):
    error_id = "invalid_wrap_up_code"
    default_message = _("Identifiant invalide : lettres minuscules, chiffres et « _ », 32 caractères au plus.")


class CallerBlockingNotAllowed(InvalidInput):
    error_id = "caller_blocking_not_allowed"
    default_message = _(
        "Ce programme peut recevoir des appels de détresse : un appelant n'y est jamais bloqué. "
        "Signalez les appels importuns à votre responsable."
    )


class InvalidBlockDuration(InvalidInput):
    error_id = "invalid_block_duration"
    default_message = _("La durée du blocage doit être comprise entre 1 et %(max)s jours.")


class BlockReasonRequired(InvalidInput):
    error_id = "block_reason_required"
    default_message = _("Indiquez le motif du blocage (500 caractères au plus) : il est conservé au journal.")


class CallerAlreadyBlocked(Conflict):
    error_id = "caller_already_blocked"
    default_message = _("Ce numéro est déjà bloqué jusqu'au %(until)s. Levez ce blocage avant d'en poser un autre.")


class BlockAlreadyLifted(Conflict):
    error_id = "block_already_lifted"
    default_message = _("Ce blocage n'est plus en vigueur (levé ou expiré).")
