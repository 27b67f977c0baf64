"""The JSON API under a bounded schemathesis run (issue 16, item 8): every operation of the OpenAPI document,
with valid and invalid data, as an authenticated advisor-supervisor of a lead-dispatch programme (session and
CSRF token, like the browser) — no answer may be a 5xx. Requests go in-process to the Django WSGI application,
inside the test's transaction. Examples are bounded (``FUZZ_EXAMPLES`` per operation and mode) and derandomised,
so the run is the same on every machine; ``PLATEAU_FUZZ_EXAMPLES=200`` runs a longer search by hand.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from plateau.leads import integrations, services
from plateau.leads.models import WebhookEndpoint
from plateau.tenants.models import Membership, Role
from tests.leads import builders
from tests.leads.builders import T0
from tests.leads.conftest import reference_data  # noqa: F401 (fixture)

FUZZ_EXAMPLES = int(os.environ.get("PLATEAU_FUZZ_EXAMPLES", "12"))
BUDGET_S = 90.0  # a guard: the run takes ~20-40 s on the 2-core machine


@pytest.fixture
def session(reference_data: None) -> dict[str, Any]:  # noqa: F811 (fixture)
    """A demo-like user (advisor and supervisor) of a lead-dispatch programme with a provider, a webhook and a lead."""
    net = builders.network(providers=1)
    Membership.objects.create(user=net.advisor, programme=net.programme, role=Role.SUPERVISOR)
    WebhookEndpoint.objects.create(
        programme=net.programme,
        provider=net.providers[0],
        url="https://93.184.216.34/h",
        secret="s",
        inbound_secret="i",
    )
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    token = integrations.create_api_token(net.providers[0], actor=net.provider_users[0], name="fuzz").secret
    client = Client()
    client.force_login(net.advisor)
    client.get("/api/docs")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return {
        "real": {
            "slug": net.programme.slug,
            "lead_id": lead.pk,
            "provider_id": net.providers[0].pk,
            "contact_id": lead.contact_id,
        },
        "cookies": cookies,
        # The session for the staff API, the CSRF token it requires, a bearer token for the provider API.
        "headers": {"X-CSRFToken": cookies.get("csrftoken", ""), "Authorization": f"Bearer {token}"},
    }


@pytest.fixture
def in_test_transaction(session: dict[str, Any]) -> Iterator[None]:
    """Keep the test's database connection across requests, as Django's test client does: the WSGI handler
    otherwise closes it at each request (on PostgreSQL, the transaction of the test with it). After ``session``,
    whose test client connects the receivers again when it is done."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations() -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.django_db
@pytest.mark.usefixtures("in_test_transaction")
def test_given_random_and_invalid_requests_on_every_api_operation_then_never_a_server_error(
    session: dict[str, Any],
) -> None:
    started = time.monotonic()
    turn = itertools.count()
    failures: list[str] = []
    operations = _operations()
    assert len(operations) >= 15, [op.label for op in operations]
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if time.monotonic() - started > BUDGET_S:
                pytest.fail(f"fuzz budget of {BUDGET_S} s exceeded at {op.label}")

            @settings(
                max_examples=FUZZ_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=op.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                params = case.path_parameters or {}
                # Two cases in three aim at real rows, so the checks behind the access layer are reached too.
                if next(turn) % 3:
                    for name, real in session["real"].items():
                        if name in params:
                            params[name] = real
                response = case.call(headers=session["headers"], cookies=session["cookies"])
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {case.as_curl_command()}")

            try:
                run()
            except Unsatisfiable:
                # Nothing to make invalid (no parameter, no body): the positive run covered the operation.
                assert mode == GenerationMode.NEGATIVE, op.label
    assert failures == [], "\n".join(failures[:20])
