"""Issue 16, item 3: each attack on the signed provider calls (``POST /api/leads/hooks/{provider}``) that the review
reproduced, replayed against the real endpoint: it must now fail, and the legitimate call must still work."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from django.test import Client

from plateau.leads import services
from plateau.leads.models import InboundWebhookKey, Lead, WebhookEndpoint
from plateau.leads.webhooks import sign
from plateau.tenants.models import AuditEntry
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data")
INBOUND, OUTBOUND = "in-secret", "out-secret"


@pytest.fixture
def net() -> builders.Network:
    return builders.network(providers=1)


@pytest.fixture
def lead(net: builders.Network) -> Lead:
    WebhookEndpoint.objects.create(
        programme=net.programme,
        provider=net.providers[0],
        url="https://93.184.216.34/hook",
        secret=OUTBOUND,
        inbound_secret=INBOUND,
    )
    return services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)


def _post(provider_id: int | str, body: bytes, signature: str, key: str) -> Any:
    return Client().post(
        f"/api/leads/hooks/{provider_id}",
        body,
        content_type="application/json",
        headers={"X-Plateau-Signature": signature, "Idempotency-Key": key},
    )


def _signed(net: builders.Network, body: bytes, key: str, *, secret: str = INBOUND, at: int | None = None) -> str:
    return sign(secret, body, int(time.time()) if at is None else at, provider_id=net.providers[0].pk, key=key)


def _ack(lead: Lead) -> bytes:
    return json.dumps({"lead": lead.pk, "action": "acknowledge"}).encode()


def test_given_a_captured_call_when_resent_with_a_new_key_then_refused(net: builders.Network, lead: Lead) -> None:
    body, key = _ack(lead), uuid.uuid4().hex
    signature = _signed(net, body, key)
    assert _post(net.providers[0].pk, body, signature, key).status_code == 200
    again = _post(net.providers[0].pk, body, signature, uuid.uuid4().hex)
    assert again.status_code == 403 and again.json()["error_id"] == "invalid_webhook_signature"
    assert AuditEntry.objects.filter(action="lead.acknowledge").count() == 1


def test_given_the_same_signature_twice_then_the_second_is_refused(net: builders.Network, lead: Lead) -> None:
    body, key = _ack(lead), uuid.uuid4().hex
    signature = _signed(net, body, key)
    assert _post(net.providers[0].pk, body, signature, key).status_code == 200
    replayed = _post(net.providers[0].pk, body, signature, key)
    assert replayed.status_code == 409 and replayed.json()["error_id"] == "replayed_webhook_signature"


@pytest.mark.parametrize("offset", [290, 40, -301])
def test_given_a_timestamp_too_far_ahead_or_behind_then_refused(net: builders.Network, lead: Lead, offset: int) -> None:
    body, key = _ack(lead), uuid.uuid4().hex
    answer = _post(net.providers[0].pk, body, _signed(net, body, key, at=int(time.time()) + offset), key)
    assert answer.status_code == 403
    assert Lead.objects.get(pk=lead.pk).state == "sent"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "Corps invalide"),
        (b'{"lead": "x", "action": "acknowledge"}', "lead"),
        (b'{"lead": 1, "action": "explode"}', "action"),
        (b"[1, 2]", "Corps invalide"),
        (b"\xff\xfe", "Corps invalide"),
    ],
)
def test_given_a_signed_malformed_body_then_400_and_the_key_stays_usable(
    net: builders.Network, lead: Lead, body: bytes, reason: str
) -> None:
    key = uuid.uuid4().hex
    bad = _post(net.providers[0].pk, body, _signed(net, body, key), key)
    assert (
        bad.status_code == 400 and bad.json()["error_id"] == "invalid_webhook_body" and reason in bad.json()["message"]
    )
    assert not InboundWebhookKey.objects.filter(key=key).exists()
    good = _post(net.providers[0].pk, _ack(lead), _signed(net, _ack(lead), key), key)  # corrected, same key
    assert good.status_code == 200 and good.json()["state"] == "acknowledged" and "replay" not in good.json()


def test_given_every_active_endpoint_then_each_inbound_secret_works_and_no_other(
    net: builders.Network, lead: Lead
) -> None:
    second = WebhookEndpoint.objects.create(
        programme=net.programme,
        provider=net.providers[0],
        url="https://93.184.216.34/b",
        secret="o2",
        inbound_secret="i2",
    )
    body = _ack(lead)
    for secret, status in [(OUTBOUND, 403), ("o2", 403), ("i2", 200)]:  # outbound secrets never sign our inbox
        key = uuid.uuid4().hex
        assert _post(net.providers[0].pk, body, _signed(net, body, key, secret=secret), key).status_code == status
    second.is_active = False
    second.save(update_fields=["is_active"])
    key = uuid.uuid4().hex
    assert _post(net.providers[0].pk, body, _signed(net, body, key, secret="i2"), key).status_code == 403


def test_given_a_signature_for_another_provider_then_refused(net: builders.Network, lead: Lead) -> None:
    other = builders.network(providers=1)
    WebhookEndpoint.objects.create(
        programme=other.programme,
        provider=other.providers[0],
        url="https://93.184.216.34/c",
        secret="x",
        inbound_secret=INBOUND,
    )
    body, key = _ack(lead), uuid.uuid4().hex
    assert _post(other.providers[0].pk, body, _signed(net, body, key), key).status_code == 403


@pytest.mark.parametrize(
    ("provider_id", "key", "status"),
    [("99999999999999999999", "k", 422), ("-1", "k", 422), ("0", "k", 422), ("1", "", 400), ("1", "k" * 49, 400)],
)
def test_given_out_of_range_ids_or_bad_keys_then_a_client_error_never_500(
    net: builders.Network, lead: Lead, provider_id: str, key: str, status: int
) -> None:
    body = _ack(lead)
    pid = net.providers[0].pk if provider_id == "1" else provider_id
    answer = _post(pid, body, _signed(net, body, key), key)
    assert answer.status_code == status and answer.json()["message"]
