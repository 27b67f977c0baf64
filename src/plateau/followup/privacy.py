"""Personal data of the follow-up: the address (kept only until the survey is answered, expires, is
withdrawn or cannot be sent) and the caller's free text. Reached through the person's contacts by the
privacy page (export, erasure) and blanked by the retention job 3 years after the consent
(:mod:`plateau.leads.privacy` calls these through the capability's :class:`~plateau.capabilities.PrivacyHooks`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from plateau.tenants.models import Programme

from .models import FollowUp, Status


def export(programme: Programme, contact_ids: list[int]) -> list[dict[str, Any]]:
    rows = FollowUp.objects.for_programme(programme).filter(contact_id__in=contact_ids).select_related("came_provider")
    return [
        {
            "contact": f.contact_id,
            "consent": {"text": f.consent_text, "at": f.consent_at.isoformat()},
            "channel": f.channel,
            "address": f.address,
            "state": f.get_status_display(),
            "due_at": f.due_at.isoformat(),
            "sent_at": f.sent_at.isoformat() if f.sent_at else None,
            "answered_at": f.answered_at.isoformat() if f.answered_at else None,
            "came": f.get_came_display() if f.came else None,
            "provider": str(f.came_provider) if f.came_provider else None,
            "satisfaction": f.satisfaction,
            "comment": f.comment,
        }
        for f in rows.order_by("pk")
    ]


def erase(programme: Programme, contact_ids: list[int]) -> int:
    """Blank the address and the free text; a survey not yet answered is withdrawn (nothing more is sent,
    its link stops). The answer's facts (came, provider, score, dates) stay for the statistics."""
    rows = FollowUp.objects.for_programme(programme).filter(contact_id__in=contact_ids)
    rows.filter(status__in=(Status.SCHEDULED, Status.SENT)).update(status=Status.WITHDRAWN, token_hash=None)
    return int(rows.exclude(address="", comment="").update(address="", comment=""))


def retention(cutoff: dt.datetime) -> int:
    """Free text of answers whose consent is older than ``cutoff`` (and any address left) blanked."""
    old = FollowUp.objects.filter(consent_at__lt=cutoff).filter(~Q(address="") | ~Q(comment=""))
    return int(old.update(address="", comment=""))
