"""Migration 0003 (issue 16, item 3): existing webhook endpoints get their own fresh inbound secret, distinct from
each other and from the outbound secret, which is kept so deliveries go on. (The suite runs with
``--no-migrations``: the data step is run here on rows as the column's single default left them.)"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from plateau.leads.models import WebhookEndpoint
from tests.leads import builders

migration = importlib.import_module("plateau.leads.migrations.0003_webhook_secrets_per_direction")


@pytest.mark.usefixtures("reference_data")
def test_given_existing_endpoints_when_migrating_then_each_gets_its_own_inbound_secret() -> None:
    net = builders.network(providers=1)
    for i in range(3):  # AddField gives every existing row the same default: the data step must separate them
        WebhookEndpoint.objects.create(
            programme=net.programme,
            provider=net.providers[0],
            url=f"https://93.184.216.34/{i}",
            secret=f"out-{i}",
            inbound_secret="same-for-all",
        )
    migration.fresh_inbound_secrets(apps, None)
    rows = list(WebhookEndpoint.objects.order_by("pk"))
    assert [e.secret for e in rows] == ["out-0", "out-1", "out-2"]
    inbound = {e.inbound_secret for e in rows}
    assert len(inbound) == 3 and all(len(s) == 64 and s != "same-for-all" for s in inbound)
