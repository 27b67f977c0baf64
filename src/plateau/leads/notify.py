"""Notifications: e-mails through Django's mail framework, webhooks queued for providers' systems.

Everything is queued/sent *after commit*, so a rolled-back change notifies nobody.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from plateau.directory.models import Provider
from plateau.tenants.models import Membership, Role

from .models import Lead, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)


def _from() -> str:
    return getattr(settings, "DEFAULT_FROM_EMAIL", "plateau@localhost")


def email_on_commit(subject: str, body: str, to: list[str]) -> None:
    recipients = [a for a in to if a]
    if recipients:
        transaction.on_commit(lambda: _send(subject, body, recipients))


def _send(subject: str, body: str, recipients: list[str]) -> None:
    # After commit: a mail relay that is down must not turn a recorded change into an error for the user.
    try:
        send_mail(subject, body, _from(), recipients, fail_silently=False)
    except OSError:
        log.exception("mail to %s not sent: %s", recipients, subject)


def provider_recipients(provider: Provider) -> list[str]:
    users = [pu.user.email for pu in provider.users.select_related("user") if pu.user.email]
    return users or ([provider.email] if provider.email else [])


def supervisor_recipients(lead: Lead) -> list[str]:
    return list(
        Membership.objects.filter(
            programme=lead.programme, role__in=[Role.SUPERVISOR, Role.PROGRAMME_MANAGER], user__email__gt=""
        )
        .values_list("user__email", flat=True)
        .distinct()
    )


def lead_payload(lead: Lead, *, health: bool = True) -> dict[str, Any]:
    """What a provider's system receives: the minimal fields (health details only when consented, and only
    when ``health``: the API leaves them out for readers who need not see them)."""
    data: dict[str, Any] = {
        "id": lead.pk,
        "state": lead.state,
        "activity": lead.activity.code,
        "commune": lead.commune.insee_code,
        "need_date": lead.need_date.isoformat(),
        "client_name": lead.client_name,
        "client_phone": lead.client_phone,
        "need_summary": lead.need_summary,
        "attempt": lead.attempt,
        "sent_at": lead.sent_at.isoformat() if lead.sent_at else None,
    }
    if health and lead.health_consent_at is not None:
        data["health_details"] = lead.health_details
    return data


def queue_webhooks(lead: Lead, event: str, now: dt.datetime | None = None) -> None:
    """One delivery per active endpoint of the lead's provider, with a fresh idempotency key."""
    if lead.provider_id is None:
        return
    now = now or timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            programme_id=lead.programme_id,
            endpoint=ep,
            idempotency_key=uuid.uuid4().hex,
            event=event,
            payload={"event": event, "lead": lead_payload(lead)},
            next_attempt_at=now,
        )
        for ep in WebhookEndpoint.objects.filter(provider_id=lead.provider_id, is_active=True)
        if ep.wants(event)
    )
