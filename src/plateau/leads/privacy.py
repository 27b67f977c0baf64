"""Personal data in leads: retention (3 years after the last contact, CNIL reference), export and erasure of
one person's data (identified by phone number within a programme).

Erasure anonymises rather than deletes: the lead's facts (activity, commune, dates, provider, states) stay
for the statistics and the neutrality audit, the person's fields are blanked. The contacts app keeps its own
caller records (its retention is its own job).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from plateau.domain.ids.phone import parse_caller_phone
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .models import Lead, Survey

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


def _person_leads(programme: Programme, phone: str):  # type: ignore[no-untyped-def]
    e164 = parse_caller_phone(phone).e164
    return Lead.objects.for_programme(programme).filter(client_phone=e164)


def export_person(programme: Programme, phone: str, *, actor: User) -> dict[str, Any]:
    """Everything the leads app holds about the person with this phone number (GDPR art. 15/20)."""
    leads = list(_person_leads(programme, phone).select_related("activity", "commune", "provider"))
    data = {
        "phone": parse_caller_phone(phone).e164,
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
    }
    record_audit(action="lead.person_exported", actor=actor, programme=programme, leads=[x.pk for x in leads])
    return data


def _anonymise(qs: Any) -> int:
    ids = list(qs.values_list("id", flat=True))
    Survey.objects.filter(lead_id__in=ids).update(comment="")
    return int(qs.filter(id__in=ids).update(**_PERSONAL))


@transaction.atomic
def erase_person(programme: Programme, phone: str, *, actor: User) -> int:
    """Blank the person's fields in every lead of the programme (GDPR art. 17); returns the number of leads."""
    n = _anonymise(_person_leads(programme, phone))
    record_audit(action="lead.person_erased", actor=actor, programme=programme, leads=n)
    return n


def apply_retention(now: dt.datetime | None = None) -> int:
    """The retention job: anonymise leads whose last contact is more than 3 years old. Idempotent."""
    cutoff = (now or timezone.now()) - RETENTION
    with transaction.atomic():
        n = _anonymise(Lead.objects.filter(last_contact_at__lt=cutoff).exclude(client_name=ERASED))
        if n:
            record_audit(action="lead.retention", actor=None, programme=None, anonymised=n, cutoff=cutoff.isoformat())
    return n
