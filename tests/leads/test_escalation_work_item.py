"""Escalated leads become routed work items: the real router service (embedded, journal on disk), the desk's
HTTP actions and the lead's work page."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.domain.routing import events as ev
from plateau.leads import escalation, services
from plateau.leads.models import Lead
from plateau.leads.sla import sweep_deadlines
from plateau.services.router import runtime
from plateau.services.router.bus import InProcessBus
from plateau.services.router.client import RouterClient, new_id
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.tenants.models import AuditEntry
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data")
BREACH = T0 + dt.timedelta(hours=48, minutes=1)


@pytest.fixture
def net() -> builders.Network:
    net = builders.network(providers=3)
    builders.escalation_queue(net)
    return net


def _start_router(tmp_path: Path) -> None:
    runtime._bus = InProcessBus()
    runtime.start_embedded(runtime.build_service(SqliteJournal(tmp_path / "journal.sqlite3"), status_every_s=0.1))


@pytest.fixture
def router(tmp_path: Path, settings: Any) -> Iterator[None]:
    settings.REDIS_URL = ""
    _start_router(tmp_path)
    yield
    runtime.stop_embedded()
    runtime.reset_bus()


def _offer_of(username: str, timeout: float = 5.0) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = runtime.bus().latest_status() or {}
        offer = (status.get("advisors", {}).get(username) or {}).get("offer")
        if offer:
            return dict(offer)
        time.sleep(0.05)
    raise AssertionError(f"no offer for {username}: {runtime.bus().latest_status()}")


def _wait_advisor(username: str, wanted: Any, timeout: float = 5.0) -> dict[str, Any]:
    """The advisor's published state once ``wanted(state)`` holds (the router publishes every 0.1 s)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        me = ((runtime.bus().latest_status() or {}).get("advisors", {}) or {}).get(username) or {}
        if wanted(me):
            return dict(me)
        time.sleep(0.05)
    raise AssertionError(f"advisor state never matched: {runtime.bus().latest_status()}")


def _forward(net: builders.Network) -> Lead:
    contact = builders.contact_with_need(net)
    return services.forward_request(contact, actor=net.advisor, consent=True, now=T0)


def test_given_a_lead_not_called_back_when_48h_pass_then_an_advisor_is_offered_it_opens_it_and_redispatches_it(
    net: builders.Network, router: None, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    advisor = net.advisor.get_username()
    RouterClient().submit(ev.AdvisorLoggedIn(new_id(), 0, advisor))
    lead = _forward(net)
    first = lead.provider_id
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep_deadlines(BREACH)
    assert report.breaches == 1
    lead.refresh_from_db()
    second = lead.provider_id
    assert lead.state == "sent" and second != first and lead.escalated_at == BREACH
    assert lead.work_item_id and lead.work_item_queued_at is not None

    offer = _offer_of(advisor)
    assert offer["contact"]["channel"] == "lead" and offer["contact"]["attributes"]["lead"] == str(lead.pk)
    client.force_login(net.advisor)
    answer = client.post(
        reverse("web:desk_action", args=[net.programme.slug]),
        {"action": "accept", "offer_id": offer["offer_id"], "channel": "lead", "lead": str(lead.pk)},
    )
    page_url = reverse("leads:work_item", args=[net.programme.slug, lead.pk])
    assert answer.status_code == 302 and answer["Location"] == page_url
    page = client.get(page_url).content.decode()
    assert lead.client_phone in page and "Retransmettre" in page
    assert net.providers[[p.pk for p in net.providers].index(first)].display_name in page

    _wait_advisor(advisor, lambda me: lead.work_item_id in me.get("contacts", ()))
    client.post(page_url, {"action": "redispatch"})
    lead.refresh_from_db()
    assert lead.state == "sent" and lead.provider_id not in (first, second) and lead.attempt == 3
    assert AuditEntry.objects.filter(action="lead.expire", actor=net.advisor, data__reason="redispatched_by_staff")

    done = client.post(page_url, {"action": "done"})
    assert done.status_code == 302 and done["Location"] == reverse("web:desk", args=[net.programme.slug])
    _wait_advisor(advisor, lambda me: me.get("contacts") == [] and me["state"] == "available")


def test_given_the_router_down_when_a_lead_escalates_then_the_work_item_is_routed_by_a_later_sweep(
    net: builders.Network, tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REDIS_URL = ""
    lead = _forward(net)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(BREACH)  # no router running: the work item waits on the lead
    lead.refresh_from_db()
    assert lead.work_item_id and lead.work_item_queued_at is None
    assert escalation.route_pending(BREACH) == 0  # still down: the tick gives up quietly
    _start_router(tmp_path)
    try:
        RouterClient().submit(ev.AdvisorLoggedIn(new_id(), 0, net.advisor.get_username()))
        assert escalation.route_pending(BREACH) == 1
        assert escalation.route_pending(BREACH) == 0
        assert _offer_of(net.advisor.get_username())["contact"]["attributes"]["lead"] == str(lead.pk)
    finally:
        runtime.stop_embedded()
        runtime.reset_bus()


def test_given_a_called_back_lead_when_an_advisor_tries_to_redispatch_it_then_refused_with_the_reason(
    net: builders.Network, client: Client
) -> None:
    lead = _forward(net)
    provider_user = net.provider_users[[p.pk for p in net.providers].index(lead.provider_id)]
    services.record_outcome(lead, actor=provider_user, outcome="called_back", now=T0)
    client.force_login(net.advisor)
    url = reverse("leads:work_item", args=[net.programme.slug, lead.pk])
    answer = client.post(url, {"action": "redispatch"}, follow=True)
    assert "ne peut plus être retransmise" in answer.content.decode()
    lead.refresh_from_db()
    assert lead.state == "called_back" and lead.attempt == 1
