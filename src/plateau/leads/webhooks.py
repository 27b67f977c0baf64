"""Signed webhooks to providers' systems, and verification of their signed calls to us.

Signature: ``X-Plateau-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<provider id>.<Idempotency-Key>.<t>."
+ body)>``, the same form both ways, each direction with its own secret (``WebhookEndpoint.secret`` signs what we
send, ``inbound_secret`` what the provider sends us). Signing the key and the provider stops a captured call from
being replayed under a new key or to another provider; the timestamp must be at most :data:`TOLERANCE_S` old and
:data:`FUTURE_TOLERANCE_S` ahead; a signature already used within that window is refused
(:class:`InboundSignature`). ``Idempotency-Key`` identifies the event: receivers drop a key they have seen, and
we do the same for their calls (:class:`InboundWebhookKey`). Failed deliveries are retried with exponential
backoff (1 min, 2, 4… capped at 6 h), at most :data:`MAX_ATTEMPTS` times; the address is checked again before
every attempt (:mod:`plateau.leads.outbound`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from plateau.errors import InvalidInput

from . import outbound
from .errors import InvalidWebhookSignature, ReplayedWebhookSignature
from .models import InboundSignature, InboundWebhookKey, WebhookDelivery

MAX_ATTEMPTS = 8
TOLERANCE_S = 300  # how old a signed call may be
FUTURE_TOLERANCE_S = 30  # clock skew: a call dated later than that was prepared to be replayed later


def _mac(secret: str, provider_id: int, key: str, timestamp: int, body: bytes) -> str:
    signed = f"{provider_id}.{key}.{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int, *, provider_id: int, key: str) -> str:
    return f"t={timestamp},v1={_mac(secret, provider_id, key, timestamp, body)}"


def verify(
    secrets: Iterable[str],
    body: bytes,
    header: str,
    *,
    provider_id: int,
    key: str,
    now: dt.datetime | None = None,
) -> str:
    """The signature's MAC if ``header`` signs (provider, key, time, body) with one of ``secrets`` recently,
    else :class:`InvalidWebhookSignature`."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        ts = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise InvalidWebhookSignature() from None
    now_s = int((now or timezone.now()).timestamp())
    if not -TOLERANCE_S <= ts - now_s <= FUTURE_TOLERANCE_S:
        raise InvalidWebhookSignature()
    # Every secret is tried (no early exit that would tell which one matched).
    matched = [hmac.compare_digest(_mac(s, provider_id, key, ts, body), given) for s in secrets]
    if not any(matched):
        raise InvalidWebhookSignature()
    return given


def refuse_seen_signature(programme_id: int, provider_id: int, mac: str, *, now: dt.datetime | None = None) -> None:
    """Record a verified signature; :class:`ReplayedWebhookSignature` if it was already used in the window."""
    now = now or timezone.now()
    window = dt.timedelta(seconds=TOLERANCE_S + FUTURE_TOLERANCE_S)
    # Older signatures can no longer pass the time check: forgetting them keeps the table small.
    InboundSignature.objects.filter(provider_id=provider_id, seen_at__lt=now - window).delete()
    try:
        with transaction.atomic():
            InboundSignature.objects.create(programme_id=programme_id, provider_id=provider_id, mac=mac, seen_at=now)
    except IntegrityError:
        raise ReplayedWebhookSignature() from None


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def deliver_due(now: dt.datetime | None = None, *, timeout: float = 5.0, batch: int = 100) -> tuple[int, int]:
    """Try every due delivery once; returns (delivered, failed)."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now)
        .select_related("endpoint")
        .order_by("next_attempt_at")[:batch]
    )
    ok = failed = 0
    for d in due:
        body = json.dumps(d.payload, sort_keys=True).encode()
        signature = sign(
            d.endpoint.secret, body, int(now.timestamp()), provider_id=d.endpoint.provider_id, key=d.idempotency_key
        )
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": d.idempotency_key,
            "X-Plateau-Event": d.event,
            "X-Plateau-Signature": signature,
        }
        d.attempts += 1
        try:
            status = outbound.post(d.endpoint.url, body, headers, timeout)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except InvalidInput as exc:  # the address now points inside: not sent
            error = str(exc.message)[:300]
        except (http.client.HTTPException, OSError) as exc:
            error = (str(exc) or type(exc).__name__)[:300]
        if not error:
            d.delivered_at, d.next_attempt_at, d.last_error = now, None, ""
            ok += 1
        else:
            d.last_error = error
            d.next_attempt_at = now + backoff(d.attempts) if d.attempts < MAX_ATTEMPTS else None
            failed += 1
        d.save(update_fields=["attempts", "delivered_at", "next_attempt_at", "last_error"])
    return ok, failed


def remember_inbound(
    programme_id: int, provider_id: int, key: str, response: dict[str, object]
) -> dict[str, object] | None:
    """Store ``key`` for this provider; returns the first response when the key was already seen (a replay)."""
    seen = InboundWebhookKey.objects.filter(provider_id=provider_id, key=key).first()
    if seen is not None:
        return dict(seen.response)
    try:
        with transaction.atomic():
            InboundWebhookKey.objects.create(
                programme_id=programme_id,
                provider_id=provider_id,
                key=key,
                received_at=timezone.now(),
                response=response,
            )
    except IntegrityError:
        seen = InboundWebhookKey.objects.get(provider_id=provider_id, key=key)
        return dict(seen.response)
    return None
