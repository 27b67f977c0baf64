"""Personal data of one person (identified by phone number within a programme): export, erasure, and the
retention job (3 years after the last contact, CNIL reference) — for leads and, through
:mod:`plateau.contacts.privacy`, for the caller and their contacts (letters, e-mails, callbacks), through
:mod:`plateau.calls.privacy` for their call detail records and recordings (files on disk included), through
:mod:`plateau.services.router.redaction` for the routing journal (caller and callback numbers, senders).

Erasure anonymises rather than deletes: the lead's facts (activity, commune, dates, provider, states) stay
for the statistics and the neutrality audit, the person's fields are blanked; the caller row is deleted and
their contacts detached. Every export, erasure and retention run is audited (``person.exported``,
``person.erased``, ``person.retention``). The scheduler (:mod:`plateau.services.scheduler`) runs
:func:`apply_retention`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau import capabilities
from plateau.calls import privacy as call_privacy
from plateau.contacts import privacy as contact_privacy
from plateau.domain.ids.phone import parse_caller_phone
from plateau.errors import InvalidInput
from plateau.routing.models import RoutedContact
from plateau.services.router import redaction
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .models import InboundWebhookKey, Lead, Survey, WebhookDelivery

RETENTION = dt.timedelta(days=3 * 365)
ERASED = "[effacé]"
_PERSONAL = {
    "client_name": ERASED,
    "client_phone": "",
    "client_email": "",
    "need_summary": "",
    "health_details": "",
    "outcome_note": "",
}


def person_phone(phone: str) -> str:
    """The E.164 number identifying a person; a short or emergency number identifies nobody."""
    e164 = parse_caller_phone(phone).e164
    if e164 is None:
        raise InvalidInput(_("Ce numéro court n'identifie pas une personne."), field="phone")
    return e164


def _person_leads(programme: Programme, phone: str):  # type: ignore[no-untyped-def]
    e164 = person_phone(phone)
    return Lead.objects.for_programme(programme).filter(client_phone=e164)


def export_person(programme: Programme, phone: str, *, actor: User) -> dict[str, Any]:
    """Everything the programme holds about the person with this phone number (GDPR art. 15/20): the caller
    and their contacts, the leads forwarded with their consent, the surveys."""
    e164 = person_phone(phone)
    leads = list(_person_leads(programme, phone).select_related("activity", "commune", "provider"))
    contacts = contact_privacy.export_caller(programme, e164)
    calls = call_privacy.export_calls(programme, e164, [c["id"] for c in contacts["contacts"]])
    data = {
        "phone": e164,
        "caller": contacts["caller"],
        "contacts": contacts["contacts"],
        "caller_blocks": contacts["caller_blocks"],
        "leads": [
            {
                "id": lead.pk,
                "created_at": lead.created_at.isoformat(),
                "state": lead.state,
                "activity": lead.activity.label_fr,
                "commune": lead.commune.name,
                "need_date": lead.need_date.isoformat(),
                "client_name": lead.client_name,
                "client_email": lead.client_email,
                "need_summary": lead.need_summary,
                "health_details": lead.health_details,
                "consent": {"text": lead.consent_text, "at": lead.consent_at.isoformat()},
                "health_consent": (
                    {"text": lead.health_consent_text, "at": lead.health_consent_at.isoformat()}
                    if lead.health_consent_at
                    else None
                ),
                "provider": lead.provider.display_name if lead.provider else None,
                "service_date": lead.service_date.isoformat() if lead.service_date else None,
            }
            for lead in leads
        ],
        "surveys": list(
            Survey.objects.filter(lead__in=leads).values("lead_id", "sent_at", "answered_at", "score", "comment")
        ),
        "calls": calls["calls"],
        "recordings": calls["recordings"],
        "voicemails": calls["voicemails"],
        # What the capabilities keep about the person's contacts (e.g. the follow-up's consent and answer).
        "capabilities": {
            code: hooks.export(programme, [c["id"] for c in contacts["contacts"]])
            for code, hooks in capabilities.privacy_hooks()
        },
    }
    record_audit(
        action="person.exported",
        actor=actor,
        programme=programme,
        leads=[x.pk for x in leads],
        contacts=[c["id"] for c in data["contacts"]],
        calls=[c["id"] for c in data["calls"]],
        recordings=[r["id"] for r in data["recordings"]],
    )
    return data


def export_rows(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The export flattened for a CSV: (section, id, field, value), one row per value."""
    rows: list[tuple[str, str, str, str]] = []

    def walk(section: str, ident: str, prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(section, ident, f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value, start=1):
                walk(section, ident, f"{prefix}[{i}]", v)
        else:
            rows.append((section, ident, prefix, "" if value is None else str(value)))

    walk("personne", "", "telephone", data["phone"])
    if data["caller"]:
        walk("appelant", "", "", data["caller"])
    for section, key in (
        ("contact", "contacts"),
        ("demande", "leads"),
        ("appel", "calls"),
        ("enregistrement", "recordings"),
    ):
        for item in data[key]:
            walk(section, str(item["id"]), "", {k: v for k, v in item.items() if k != "id"})
    for voicemail in data.get("voicemails", []):
        walk("messagerie", "", "", voicemail)
    for block in data.get("caller_blocks", []):
        walk("blocage", "", "", block)
    for survey in data["surveys"]:
        walk("enquete", str(survey["lead_id"]), "", {k: v for k, v in survey.items() if k != "lead_id"})
    for code, items in data.get("capabilities", {}).items():
        for i, item in enumerate(items, start=1):
            walk(code, str(i), "", item)
    return rows


def _blank(payload: dict[str, Any]) -> None:
    for key in set(_PERSONAL) & set(payload):
        payload[key] = _PERSONAL[key]


def _anonymise(qs: Any) -> int:
    ids = list(qs.values_list("id", flat=True))
    Survey.objects.filter(lead_id__in=ids).update(comment="")
    # Copies of the fields (:func:`plateau.leads.notify.lead_payload`): payloads queued for providers' systems,
    # answers kept for their replayed calls.
    for delivery in WebhookDelivery.objects.filter(payload__lead__id__in=ids):
        _blank(delivery.payload.get("lead", {}))
        delivery.save(update_fields=["payload"])
    for seen in InboundWebhookKey.objects.filter(response__id__in=ids):
        _blank(seen.response)
        seen.save(update_fields=["response"])
    return int(qs.filter(id__in=ids).update(**_PERSONAL))


@dataclass(frozen=True)
class Erased:
    leads: int
    contacts: int
    calls: int = 0
    recordings: int = 0
    journal_events: int = 0


@transaction.atomic
def erase_person(programme: Programme, phone: str, *, actor: User) -> Erased:
    """Blank the person's fields in every lead of the programme, forget the caller of their contacts, blank
    their number in their calls' records, delete their recordings and voicemails (files) and redact the
    routing journal (GDPR art. 17); returns what was touched. The journal is redacted last: if it fails, the
    database is left as it was (files already deleted stay deleted)."""
    e164 = person_phone(phone)
    contact_ids = contact_privacy.contact_ids(programme, e164)
    routing_ids = list(
        RoutedContact.objects.filter(contact__programme=programme, contact_id__in=contact_ids).values_list(
            "routing_id", flat=True
        )
    )
    call_ids, recordings = call_privacy.erase_calls(programme, e164, contact_ids)
    by_capability = {code: hooks.erase(programme, contact_ids) for code, hooks in capabilities.privacy_hooks()}
    leads = _anonymise(_person_leads(programme, phone))
    contacts = contact_privacy.erase_caller(programme, e164)
    events = redaction.with_journal(
        lambda journal: redaction.erase_person(journal, programme.slug, e164, [*call_ids, *routing_ids])
    )
    done = Erased(leads, contacts, len(call_ids), recordings, events)
    record_audit(
        action="person.erased",
        actor=actor,
        programme=programme,
        leads=done.leads,
        contacts=done.contacts,
        calls=done.calls,
        recordings=done.recordings,
        journal_events=done.journal_events,
        capabilities=by_capability,
    )
    return done


@dataclass(frozen=True)
class Retained:
    leads: int
    callers: int
    contacts: int
    calls: int = 0
    recordings: int = 0
    journal_events: int = 0
    capabilities: int = 0  # rows the capabilities' own retention blanked (e.g. follow-up answers' free text)

    @property
    def total(self) -> int:
        return (
            self.leads
            + self.callers
            + self.contacts
            + self.calls
            + self.recordings
            + self.journal_events
            + self.capabilities
        )


def apply_retention(now: dt.datetime | None = None) -> Retained:
    """The retention job: anonymise leads whose last contact is more than 3 years old, forget callers whose
    last contact is as old (:func:`plateau.contacts.privacy.apply_retention`), blank the number in the records
    of calls from a number that has not called for as long (:func:`plateau.calls.privacy.apply_retention`) and
    redact the routing journal's events older than that. Idempotent."""
    now = now or timezone.now()
    cutoff = now - RETENTION
    with transaction.atomic():
        leads = _anonymise(Lead.objects.filter(last_contact_at__lt=cutoff).exclude(client_name=ERASED))
        callers, contacts = contact_privacy.apply_retention(now)
        calls, recordings = call_privacy.apply_retention(now)
        events, _snapshots = redaction.with_journal(lambda journal: redaction.apply_retention(journal, cutoff))
        by_capability = sum(hooks.retention(cutoff) for _code, hooks in capabilities.privacy_hooks())
        done = Retained(leads, callers, contacts, calls, recordings, events, by_capability)
        if done.total:
            record_audit(
                action="person.retention",
                actor=None,
                programme=None,
                leads=leads,
                callers=callers,
                contacts=contacts,
                calls=calls,
                recordings=recordings,
                journal_events=events,
                capabilities=by_capability,
                cutoff=cutoff.isoformat(),
            )
    return done
