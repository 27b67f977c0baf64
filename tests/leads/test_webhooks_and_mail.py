"""Signed webhooks to a real local HTTP receiver (retry with backoff), signed calls from a provider's system
(replay ignored), and e-mail through a real local SMTP sink (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
import uuid
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from plateau.leads import services
from plateau.leads.errors import InvalidWebhookSignature
from plateau.leads.models import Lead, WebhookDelivery, WebhookEndpoint
from plateau.leads.webhooks import backoff, deliver_due, sign, verify
from plateau.tenants.models import AuditEntry
from tests.leads import builders
from tests.leads.builders import T0
from tests.leads.conftest import Receiver

pytestmark = pytest.mark.usefixtures("reference_data")
SECRET = "s3cr3t-webhook"
INBOUND = "s3cr3t-inbound"


def _lead_with_endpoint(url: str) -> tuple[builders.Network, Lead]:
    net = builders.network(providers=1)
    WebhookEndpoint.objects.create(
        programme=net.programme, provider=net.providers[0], url=url, secret=SECRET, inbound_secret=INBOUND
    )
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    return net, lead


def test_signature_round_trip_and_refusals() -> None:
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    header = sign(SECRET, b'{"a":1}', int(now.timestamp()), provider_id=7, key="k1")
    verify([SECRET], b'{"a":1}', header, provider_id=7, key="k1", now=now)
    verify(["other", SECRET], b'{"a":1}', header, provider_id=7, key="k1", now=now)  # any active secret
    for body, hdr, provider, key, at in [
        (b'{"a":2}', header, 7, "k1", now),  # body changed
        (b'{"a":1}', header, 7, "k2", now),  # another idempotency key: the key is signed
        (b'{"a":1}', header, 8, "k1", now),  # another provider
        (b'{"a":1}', header.replace("v1=", "v1=0"), 7, "k1", now),  # forged
        (b'{"a":1}', header, 7, "k1", now + dt.timedelta(minutes=10)),  # too old: a replayed capture
        (b'{"a":1}', header, 7, "k1", now - dt.timedelta(seconds=120)),  # dated 2 min ahead: prepared for later
        (b'{"a":1}', "garbage", 7, "k1", now),
    ]:
        with pytest.raises(InvalidWebhookSignature):
            verify([SECRET], body, hdr, provider_id=provider, key=key, now=at)


def test_given_a_receiver_failing_once_then_retried_after_backoff_with_the_same_idempotency_key(
    receiver: tuple[str, type[Receiver]],
) -> None:
    url, handler = receiver
    handler.statuses = [500]
    _, lead = _lead_with_endpoint(url)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "lead.sent"
    assert deliver_due(T0) == (0, 1)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.next_attempt_at == T0 + backoff(1) and "500" in delivery.last_error
    assert deliver_due(T0) == (0, 0)  # not due yet
    assert deliver_due(T0 + dt.timedelta(minutes=1)) == (1, 0)
    assert deliver_due(T0 + dt.timedelta(hours=1)) == (0, 0)  # delivered once, never again
    (h1, _), (h2, b2) = handler.received
    assert h1["Idempotency-Key"] == h2["Idempotency-Key"] == delivery.idempotency_key
    assert json.loads(b2)["lead"]["id"] == lead.pk and "health_details" not in json.loads(b2)["lead"]
    verify(
        [SECRET],
        b2,
        h2["X-Plateau-Signature"],
        provider_id=lead.provider_id or 0,
        key=h2["Idempotency-Key"],
        now=T0 + dt.timedelta(minutes=1),
    )
    assert [backoff(n) for n in (1, 2, 3, 20)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 360)]


def test_given_a_signed_provider_call_when_replayed_then_ignored_and_a_bad_signature_refused() -> None:
    net, lead = _lead_with_endpoint("http://127.0.0.1:9/unused")
    body = json.dumps({"lead": lead.pk, "action": "acknowledge"}).encode()
    key = uuid.uuid4().hex

    def call(signature: str) -> Any:
        return Client().post(
            f"/api/leads/hooks/{net.providers[0].pk}",
            body,
            content_type="application/json",
            headers={"X-Plateau-Signature": signature, "Idempotency-Key": key},
        )

    provider_id = net.providers[0].pk
    assert call(sign("wrong", body, int(time.time()), provider_id=provider_id, key=key)).status_code == 403
    assert call(sign(SECRET, body, int(time.time()), provider_id=provider_id, key=key)).status_code == 403  # outbound
    now = int(time.time())
    first = call(sign(INBOUND, body, now, provider_id=provider_id, key=key))
    assert first.status_code == 200 and first.json()["state"] == "acknowledged"
    replay = call(sign(INBOUND, body, now - 5, provider_id=provider_id, key=key))  # a retry, signed anew
    assert replay.status_code == 200 and replay.json()["replay"] is True
    assert AuditEntry.objects.filter(action="lead.acknowledge").count() == 1


def test_given_a_local_smtp_sink_then_the_provider_receives_a_real_email(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    messages: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port on the loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        net = builders.network(providers=1)
        with django_capture_on_commit_callbacks(execute=True):
            services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    finally:
        controller.stop()
    assert [m.rcpt_tos for m in messages] == [[net.provider_users[0].email]]
    assert b"Neuilly-sur-Seine" in messages[0].content and b"espace prestataire" in messages[0].content
