"""Personal data in contacts: export and erasure of one caller (by phone number, within a programme) and the
retention job (3 years after the person's last contact, the CNIL reference for prospects and callers).

Erasure keeps the facts (channel, dates, need, wrap-up, providers whose details were given) for statistics and
removes the person: the contacts are detached from the caller, their notes and correspondent are blanked, and
the caller row (name, phone numbers) is deleted. Callers are reached through the programme: no cross-tenant
access. Audit entries are written by the caller of these functions (:mod:`plateau.leads.privacy`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from plateau.tenants.models import Programme

from .models import Caller, CallerBlock, Contact, DetailsGiven

RETENTION = dt.timedelta(days=3 * 365)
BLOCK_RETENTION = dt.timedelta(days=90)


def _caller_blocks(programme: Programme, e164: str) -> list[dict[str, Any]]:
    return [
        {
            "created_at": b.created_at.isoformat(),
            "expires_at": b.expires_at.isoformat(),
            "reason": b.reason,
            "lifted_at": b.lifted_at.isoformat() if b.lifted_at else None,
        }
        for b in CallerBlock.objects.for_programme(programme).filter(phone_e164=e164).order_by("created_at")
    ]


def _ended_blocks_forgotten(blocks: Any, now: dt.datetime) -> int:
    return int(blocks.exclude(phone_e164="").filter(Q(lifted_at__isnull=False) | Q(expires_at__lte=now))
               .update(phone_e164=""))  # fmt: skip


def find_caller(programme: Programme, e164: str) -> Caller | None:
    found: Caller | None = Caller.objects.for_programme(programme).filter(phone_e164=e164).first()
    return found


def contact_ids(programme: Programme, e164: str) -> list[int]:
    """Ids of the contacts of the caller of ``programme`` with this number."""
    return list(Contact.objects.for_programme(programme).filter(caller__phone_e164=e164).values_list("id", flat=True))


def export_caller(programme: Programme, e164: str) -> dict[str, Any]:
    """The caller and every contact of theirs in ``programme``, JSON-able."""
    caller = find_caller(programme, e164)
    if caller is None:
        return {"caller": None, "contacts": [], "caller_blocks": _caller_blocks(programme, e164)}
    contacts = list(
        Contact.objects.for_programme(programme)
        .filter(caller=caller)
        .select_related("activity", "commune", "wrap_up")
        .order_by("started_at")
    )
    given: dict[int, list[dict[str, Any]]] = {}
    for d in DetailsGiven.objects.filter(contact__in=contacts).select_related("provider").order_by("id"):
        given.setdefault(d.contact_id, []).append(
            {
                "provider": d.provider.display_name,
                "consent_text": d.consent_text,
                "consent_given_at": d.consent_given_at.isoformat(),
            }
        )
    return {
        "caller": {
            "phone": caller.phone_e164,
            "phone_as_typed": caller.phone_raw,
            "name": caller.name,
            "created_at": caller.created_at.isoformat(),
        },
        "contacts": [
            {
                "id": c.pk,
                "channel": c.channel,
                "started_at": c.started_at.isoformat(),
                "ended_at": c.ended_at.isoformat() if c.ended_at else None,
                "activity": c.activity.label_fr if c.activity else None,
                "commune": c.commune.name if c.commune else None,
                "need_date": c.need_date.isoformat() if c.need_date else None,
                "wrap_up": c.wrap_up.label_fr if c.wrap_up else None,
                "notes": c.notes,
                "details_given": given.get(c.pk, []),
            }
            for c in contacts
        ],
        "caller_blocks": _caller_blocks(programme, e164),
    }


def _forget(callers: Any) -> tuple[int, int]:
    ids = list(callers.values_list("id", flat=True))
    if not ids:
        return 0, 0
    contacts = Contact.objects.filter(caller_id__in=ids).update(caller=None, notes="", correspondent="")
    Caller.objects.filter(id__in=ids).delete()
    return len(ids), contacts


def erase_caller(programme: Programme, e164: str) -> int:
    """Remove the caller of ``programme`` with this number from their contacts; returns the contacts touched.
    Call inside a transaction. The number of their ended blocks is blanked too (a mark in force stays until it
    expires, 30 days at most)."""
    _ended_blocks_forgotten(CallerBlock.objects.for_programme(programme).filter(phone_e164=e164), timezone.now())
    return _forget(Caller.objects.for_programme(programme).filter(phone_e164=e164))[1]


def apply_retention(now: dt.datetime) -> tuple[int, int]:
    """Forget callers whose last contact (or, without any, their record) is older than 3 years, and blank the
    correspondent and notes of letters and e-mails without a caller as old. Returns (callers, contacts).
    Idempotent: a second run at the same instant finds nothing."""
    cutoff = now - RETENTION
    stale = (
        Caller.objects.annotate(last=Max("contacts__started_at"))
        .filter(Q(last__lt=cutoff) | Q(last__isnull=True, created_at__lt=cutoff))
        .order_by()
    )
    callers, contacts = _forget(Caller.objects.filter(id__in=list(stale.values_list("id", flat=True))))
    ended = CallerBlock.objects.annotate(end=Coalesce("lifted_at", "expires_at"))
    _ended_blocks_forgotten(ended.filter(end__lt=now - BLOCK_RETENTION), now)
    contacts += (
        Contact.objects.filter(caller__isnull=True, started_at__lt=cutoff)
        .filter(~Q(correspondent="") | ~Q(notes=""))
        .update(correspondent="", notes="")
    )
    return callers, contacts
