"""A provider connects its own software from the portal: webhook endpoints (secret shown once, chosen events,
deliveries signed with it to a real local receiver) and API tokens (shown once, usable as bearer, revocable);
a token never reaches another provider's lead (refused and logged)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from plateau.leads import services
from plateau.leads.models import Lead, ProviderApiToken, WebhookDelivery, WebhookEndpoint
from plateau.leads.webhooks import deliver_due, verify
from plateau.tenants.models import AuditEntry
from tests.leads import builders
from tests.leads.builders import T0
from tests.leads.conftest import Receiver

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def net() -> builders.Network:
    return builders.network(providers=2)


def _portal(net: builders.Network, index: int) -> tuple[Client, str]:
    c = Client()
    c.force_login(net.provider_users[index])
    return c, reverse("leads:integration", args=[net.programme.slug])


def _shown_secret(html: str) -> str:
    found = re.search(r'<code id="secret-value">([^<]+)</code>', html)
    assert found, "no secret shown"
    return found.group(1)


def _lead_for(net: builders.Network, index: int) -> Lead:
    """Forward leads until one goes to provider ``index`` (the dispatcher decides, not the test)."""
    for _ in range(6):
        lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
        if lead.provider_id == net.providers[index].pk:
            return lead
    raise AssertionError("the dispatcher never chose this provider")


def test_given_a_provider_registering_a_webhook_then_the_secret_is_shown_once_and_signs_the_chosen_events(
    net: builders.Network, receiver: tuple[str, type[Receiver]]
) -> None:
    url, handler = receiver
    c, page = _portal(net, 0)
    created = c.post(page, {"action": "webhook", "url": url, "events": ["lead.sent"]})
    assert created.status_code == 200
    secret = _shown_secret(created.content.decode())
    endpoint = WebhookEndpoint.objects.get(provider=net.providers[0])
    assert endpoint.events == ["lead.sent"] and endpoint.secret == secret
    again = c.get(page).content.decode()
    assert url in again and secret not in again  # never shown again
    assert AuditEntry.objects.filter(action="provider.webhook_registered", actor=net.provider_users[0]).exists()

    lead = _lead_for(net, 0)
    services.acknowledge(lead, actor=net.provider_users[0], now=T0)  # not subscribed: no delivery
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["lead.sent"]
    assert deliver_due(T0) == (1, 0)
    headers, body = handler.received[0]
    verify(
        [secret],
        body,
        headers["X-Plateau-Signature"],
        provider_id=lead.provider_id or 0,
        key=headers["Idempotency-Key"],
        now=T0,
    )
    assert json.loads(body)["lead"]["id"] == lead.pk

    c.post(page, {"action": "remove_webhook", "id": endpoint.pk})
    assert not WebhookEndpoint.objects.get(pk=endpoint.pk).is_active


def test_given_a_webhook_with_a_bad_address_then_refused_on_the_form(net: builders.Network) -> None:
    c, page = _portal(net, 0)
    answer = c.post(page, {"action": "webhook", "url": "ftp://example.org/x"})
    assert answer.status_code == 200 and 'id="secret-value"' not in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_given_an_api_token_created_in_the_portal_then_the_providers_system_acts_with_it_until_revoked(
    net: builders.Network,
) -> None:
    c, page = _portal(net, 0)
    token = _shown_secret(c.post(page, {"action": "token", "name": "Logiciel Ximi"}).content.decode())
    row = ProviderApiToken.objects.get(provider=net.providers[0])
    assert token.startswith("plt_") and row.prefix == token[:12] and token not in c.get(page).content.decode()
    assert row.token_hash != token  # only the hash is kept
    lead = _lead_for(net, 0)
    api = Client(headers={"Authorization": f"Bearer {token}"})

    listed = api.get("/api/leads/provider/leads")
    assert listed.status_code == 200 and lead.pk in [x["id"] for x in listed.json()]
    acked = api.post(f"/api/leads/provider/leads/{lead.pk}/acknowledge", headers={"Idempotency-Key": "k1"})
    assert acked.status_code == 200 and acked.json()["state"] == "acknowledged"
    outcome = api.post(
        f"/api/leads/provider/leads/{lead.pk}/outcome",
        {"outcome": "agreed", "service_date": "2026-06-10", "note": "mardi"},
        content_type="application/json",
    )
    assert outcome.status_code == 200 and outcome.json()["state"] == "service_agreed"
    entry = AuditEntry.objects.get(action="lead.acknowledge", object_id=str(lead.pk))
    assert entry.actor == row.service_user and row.service_user.has_usable_password() is False

    c.post(page, {"action": "revoke_token", "id": row.pk})
    assert api.get("/api/leads/provider/leads").status_code == 401
    assert Client(headers={"Authorization": "Bearer plt_forged"}).get("/api/leads/provider/leads").status_code == 401
    assert AuditEntry.objects.filter(action="provider.token_revoked", actor=net.provider_users[0]).exists()


def test_given_a_providers_token_when_acting_on_another_providers_lead_then_refused_and_logged(
    net: builders.Network,
) -> None:
    c, page = _portal(net, 0)
    token = _shown_secret(c.post(page, {"action": "token", "name": "ERP"}).content.decode())
    theirs = _lead_for(net, 1)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    answer = api.post(f"/api/leads/provider/leads/{theirs.pk}/acknowledge")
    assert answer.status_code == 404 and answer.json()["error_id"] == "lead_not_found"
    theirs.refresh_from_db()
    assert theirs.state == "sent"
    assert AuditEntry.objects.filter(
        action="lead.refused_other_provider", object_id=str(theirs.pk), data__via="api_token"
    ).exists()
    assert theirs.pk not in [x["id"] for x in api.get("/api/leads/provider/leads").json()]


def test_given_another_providers_user_when_revoking_a_token_then_not_found_and_the_token_still_works(
    net: builders.Network,
) -> None:
    c, page = _portal(net, 0)
    token = _shown_secret(c.post(page, {"action": "token", "name": "ERP"}).content.decode())
    row = ProviderApiToken.objects.get()
    other, _ = _portal(net, 1)
    assert other.post(page, {"action": "revoke_token", "id": row.pk}).status_code == 404
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/leads/provider/leads").status_code == 200


def test_given_a_provider_user_session_when_posting_an_outcome_on_another_providers_lead_then_404_and_logged(
    net: builders.Network,
) -> None:
    theirs = _lead_for(net, 1)
    c = Client()
    c.force_login(net.provider_users[0])
    answer = c.post(
        f"/api/leads/programmes/{net.programme.slug}/{theirs.pk}/outcome",
        {"outcome": "refused"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "sent" and theirs.outcome_at is None
    entry = AuditEntry.objects.get(action="lead.refused_other_provider", object_id=str(theirs.pk))
    assert entry.actor == net.provider_users[0] and entry.data == {"via": "api"}
