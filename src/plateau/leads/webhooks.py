"""Signed webhooks to providers' systems, and verification of their signed calls to us.

Signature: ``X-Plateau-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`` (the
timestamp defeats replays of old bodies); ``Idempotency-Key`` identifies the event: receivers drop a key
they have seen, and we do the same for their calls (:class:`InboundWebhookKey`). Failed deliveries are
retried with exponential backoff (1 min, 2, 4… capped at 6 h), at most :data:`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import InvalidWebhookSignature
from .models import InboundWebhookKey, WebhookDelivery

MAX_ATTEMPTS = 8
TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, *, now: dt.datetime | None = None) -> None:
    """Raise :class:`InvalidWebhookSignature` unless ``header`` signs ``body`` with ``secret`` recently."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        ts = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise InvalidWebhookSignature() from None
    now_s = int((now or timezone.now()).timestamp())
    if abs(now_s - ts) > TOLERANCE_S:
        raise InvalidWebhookSignature()
    expected = sign(secret, body, ts).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise InvalidWebhookSignature()


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    if not url.startswith(("https://", "http://")):
        raise urllib.error.URLError(f"unsupported scheme: {url[:20]}")
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked)
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (scheme checked)
        return int(resp.status)


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
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": d.idempotency_key,
            "X-Plateau-Event": d.event,
            "X-Plateau-Signature": sign(d.endpoint.secret, body, int(now.timestamp())),
        }
        d.attempts += 1
        try:
            status = _post(d.endpoint.url, body, headers, timeout)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except (urllib.error.URLError, OSError) as exc:
            error = str(exc)[:300]
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
