"""Words for people in place of the codes the services store: audit actions of a lead's history, channels,
phone numbers in national form, report months."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from plateau.contacts.models import Channel
from plateau.domain.errors import DomainError
from plateau.domain.ids.phone import parse_phone

# Audit actions written by plateau.leads (services, sla, feedback): ``lead.<lifecycle action>`` and a few more.
LEAD_HISTORY: dict[str, object] = {
    "lead.created": _("Demande créée"),
    "lead.send": _("Transmise au prestataire"),
    "lead.redispatch": _("Transmise à un autre prestataire"),
    "lead.acknowledge": _("Prise en compte par le prestataire"),
    "lead.call_back": _("Client rappelé"),
    "lead.agree": _("Prestation convenue"),
    "lead.refuse": _("Refusée par le client"),
    "lead.no_capacity": _("Pas de disponibilité chez le prestataire"),
    "lead.expire": _("Délai de rappel dépassé"),
    "lead.give_up": _("Aucun prestataire disponible"),
    "lead.close": _("Demande clôturée"),
    "lead.escalated": _("Escaladée au plateau"),
    "lead.forward_refused": _("Transmission refusée"),
    "lead.refused_other_provider": _("Refusée (autre prestataire)"),
    "lead.reminder": _("Relance envoyée au prestataire"),
    "lead.survey_sent": _("Enquête de satisfaction envoyée"),
}


# Why a call ended, as the SIP gateway writes it on the call record (services/sip: ``_end(call, cause, by)``).
CALL_END_CAUSES: dict[str, object] = {
    "hangup": _("raccroché"),
    "cancelled": _("abandon avant réponse"),
    "rejected": _("appel refusé"),
    "callback": _("rappel programmé"),
    "voicemail": _("message vocal laissé"),
    "transferred": _("transféré"),
    "transfer_failed": _("échec du transfert"),
    "no_ack": _("signalisation perdue (accusé de réception absent)"),
    "session_expired": _("session expirée (non rafraîchie)"),
    "shutdown": _("arrêt de la passerelle"),
    "bad_sdp": _("négociation audio impossible"),
    "caller_blocked": _("appelant bloqué (message court)"),
}
CALL_ENDED_BY: dict[str, object] = {
    "caller": _("par l'appelant"),
    "advisor": _("par le conseiller"),
    "gateway": _("par la plateforme"),
}


def call_end_label(cause: str, ended_by: str = "") -> str:
    """``hangup`` + ``caller`` → "raccroché par l'appelant"; the voice menu's own ends (``ivr_<reason>``) read as one
    phrase, and a cause without words yet as a neutral one (never the code)."""
    if cause in CALL_END_CAUSES:
        words = str(CALL_END_CAUSES[cause])
    elif cause.startswith("ivr_"):
        words = str(_("fin dans le menu vocal"))
    else:
        words = str(_("fin d'appel"))
    by = CALL_ENDED_BY.get(ended_by)
    return f"{words} {by}" if by is not None else words


def history_label(action: str) -> str:
    """The French words for an audit action; an action without words yet reads as a neutral sentence."""
    label = LEAD_HISTORY.get(action)
    return str(label) if label is not None else str(_("Action enregistrée"))


def channel_label(channel: str) -> str:
    """``call`` → "Appel": the contact channels' own labels (routing queues name their channel with them)."""
    try:
        return str(Channel(channel).label)
    except ValueError:
        return channel


def phone_national(e164: str | None) -> str:
    """How an advisor reads a number aloud ("06 12 34 56 78"); the E.164 form stays underneath (title)."""
    if not e164:
        return ""
    try:
        return parse_phone(e164).national
    except DomainError:
        return e164


def month_label(period: str, short: bool = False) -> str:
    """``2026-11`` (a report's month key, also the CSV's) → "novembre 2026" ("nov. 2026" short, for chart
    axes); anything else unchanged."""
    try:
        first = dt.date.fromisoformat(f"{period}-01")
    except ValueError:
        return period
    return date_format(first, "N Y" if short else "F Y")
