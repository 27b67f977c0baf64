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
