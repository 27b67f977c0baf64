"""A shared advisor team (one advisor serving a national line and the provider-network line): every offer opens in
the programme that owns its queue, whatever desk it was accepted on; the desk always links the work in hand; an
advisor is never stuck; a supervisor may release held work. Closed leads never become work. Real router (embedded,
journal on disk), HTTP through Django's test client."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts.models import Contact
from plateau.domain.routing import events as ev
from plateau.leads import escalation, services
from plateau.leads.models import Lead
from plateau.leads.sla import sweep_deadlines
from plateau.routing.models import AdvisorProfile, Queue, QueueTarget
from plateau.routing.services import apply_configuration
from plateau.services.router import runtime
from plateau.services.router.bus import InProcessBus
from plateau.services.router.client import RouterClient, new_id
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.tenants.models import AuditEntry, Programme, Role
from tests import factories
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data")
BREACH = T0 + dt.timedelta(hours=48, minutes=1)


@dataclass
class SharedTeam:
    net: builders.Network  # the provider-network line (owns the escalated leads)
    national: Programme  # the national line (owns the call queue)
    national_supervisor: Any


def shared_team() -> SharedTeam:
    """The network's advisor also advises on a national line with a call queue (the demo's ``conseiller1.sap``)."""
    net = builders.network(providers=3)
    builders.escalation_queue(net)
    national = factories.programme(slug="ligne-nationale")
    builders.member(net.advisor, national, Role.ADVISOR)
    queue = Queue.objects.create(programme=national, code="appels", label="Appels", channel="call")
    QueueTarget.objects.create(queue=queue, order=1, requires="")
    AdvisorProfile.objects.create(programme=national, user=net.advisor, skills={}, capacity={"call": 1})
    apply_configuration(national, net.programme, actor=None)
    return SharedTeam(net, national, factories.supervisor(national))


@pytest.fixture
def team(tmp_path: Path, settings: Any) -> Iterator[SharedTeam]:
    settings.REDIS_URL = ""
    team = shared_team()
    runtime._bus = InProcessBus()
    runtime.start_embedded(runtime.build_service(SqliteJournal(tmp_path / "journal.sqlite3"), status_every_s=0.1))
    try:
        yield team
    finally:
        runtime.stop_embedded()
        runtime.reset_bus()


def _advisor_status(username: str, wanted: Any, timeout: float = 10.0) -> dict[str, Any]:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        me = ((runtime.bus().latest_status() or {}).get("advisors", {}) or {}).get(username) or {}
        if wanted(me):
            return dict(me)
        time.sleep(0.05)
    raise AssertionError(f"advisor state never matched: {runtime.bus().latest_status()}")


def _escalate(team: SharedTeam, capture: Any) -> Lead:
    lead = services.forward_request(builders.contact_with_need(team.net), actor=team.net.advisor, consent=True, now=T0)
    with capture(execute=True):
        sweep_deadlines(BREACH)
    lead.refresh_from_db()
    assert lead.work_item_queued_at is not None
    return lead


def _accept(client: Client, desk_slug: str, offer: dict[str, Any]) -> Any:
    c = offer["contact"]
    return client.post(
        reverse("web:desk_action", args=[desk_slug]),
        {"action": "accept", "offer_id": offer["offer_id"], "channel": c["channel"], "caller": c["caller"]},
    )


def test_given_a_shared_advisor_on_the_national_desk_when_accepting_an_escalated_lead_then_it_opens_in_its_owner(
    team: SharedTeam, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    advisor = team.net.advisor
    RouterClient().submit(ev.AdvisorLoggedIn(new_id(), 0, advisor.get_username()))
    lead = _escalate(team, django_capture_on_commit_callbacks)
    offer = _advisor_status(advisor.get_username(), lambda me: me.get("offer"))["offer"]
    client.force_login(advisor)
    answer = _accept(client, team.national.slug, offer)  # accepted on the *national* desk
    lead_page = reverse("leads:work_item", args=[team.net.programme.slug, lead.pk])
    assert answer.status_code == 302 and answer["Location"] == lead_page
    assert client.get(lead_page).status_code == 200

    # Back on either desk (a reload), the work in hand is linked in the programme that owns it.
    _advisor_status(advisor.get_username(), lambda me: lead.work_item_id in me.get("contacts", ()))
    for slug in (team.national.slug, team.net.programme.slug):
        desk = client.get(reverse("web:desk", args=[slug])).content.decode()
        assert f'href="{lead_page}"' in desk and "Travail en cours" in desk
    # The advisor cannot log out while holding it — and the refusal page shows where the work is.
    refused = client.post(reverse("web:desk_action", args=[team.national.slug]), {"action": "logout"}, follow=True)
    page = refused.content.decode()
    assert "Terminez vos contacts en cours" in page and f'href="{lead_page}"' in page


def test_given_a_shared_advisor_on_the_network_desk_when_accepting_a_national_call_then_it_opens_in_the_national_line(
    team: SharedTeam, client: Client
) -> None:
    advisor = team.net.advisor
    RouterClient().submit(ev.AdvisorLoggedIn(new_id(), 0, advisor.get_username()))
    RouterClient().enqueue(f"{team.national.slug}.appels", caller="+33612345678")
    offer = _advisor_status(advisor.get_username(), lambda me: me.get("offer"))["offer"]
    client.force_login(advisor)
    answer = _accept(client, team.net.programme.slug, offer)  # accepted on the *network* desk
    contact = Contact.objects.get(advisor=advisor, status="open", channel="call")
    assert contact.programme == team.national
    assert answer["Location"] == reverse("web:contact", args=[team.national.slug, contact.pk])
    # Counted in the national line's supervision, not in the network's.
    client.force_login(team.national_supervisor)
    supervision = client.get(reverse("web:supervision", args=[team.national.slug])).content.decode()
    assert f'data-contact="{contact.pk}"' in supervision
    assert not Contact.objects.filter(programme=team.net.programme, pk=contact.pk).exists()


def test_given_an_advisor_holding_work_with_nothing_opened_then_they_finish_it_or_a_supervisor_releases_it(
    team: SharedTeam, client: Client
) -> None:
    advisor = team.net.advisor.get_username()
    RouterClient().submit(ev.AdvisorLoggedIn(new_id(), 0, advisor))
    for n in range(2):
        RouterClient().enqueue(f"{team.national.slug}.appels", contact_id=f"c-orphan-{n}")
        offer = _advisor_status(advisor, lambda me: me.get("offer"))["offer"]
        # Accepted, then the page died before any contact was opened: the router holds it for the advisor.
        RouterClient().submit(ev.OfferAccepted(new_id(), 0, offer["offer_id"], advisor))
        _advisor_status(advisor, lambda me, n=n: f"c-orphan-{n}" in me.get("contacts", ()))
        if n == 0:  # the advisor finishes it from the desk themselves
            client.force_login(team.net.advisor)
            desk = client.get(reverse("web:desk", args=[team.net.programme.slug])).content.decode()
            assert "Contact distribué sans fiche ouverte" in desk and "Terminer ce contact" in desk
            client.post(reverse("web:finish_own", args=[team.net.programme.slug]), {"routing_id": "c-orphan-0"})
            _advisor_status(advisor, lambda me: me.get("contacts") == [] and me["state"] == "available")

    # The second one: the national line's supervisor releases it, audited; the network's supervisor may not.
    client.force_login(team.net.supervisor)
    assert client.get(reverse("web:advisors", args=[team.net.programme.slug])).status_code == 200
    client.post(
        reverse("web:release_work", args=[team.net.programme.slug]), {"advisor": advisor, "routing_id": "c-orphan-1"}
    )
    assert not AuditEntry.objects.filter(action="routing.work_released").exists()
    client.force_login(team.national_supervisor)
    page = client.get(reverse("web:advisors", args=[team.national.slug])).content.decode()
    assert advisor in page and "Libérer" in page
    done = client.post(
        reverse("web:release_work", args=[team.national.slug]),
        {"advisor": advisor, "routing_id": "c-orphan-1"},
        follow=True,
    )
    assert "Contact libéré" in done.content.decode()
    assert AuditEntry.objects.get(action="routing.work_released").data["routing_id"] == "c-orphan-1"
    _advisor_status(advisor, lambda me: me.get("contacts") == [] and me["state"] == "available")
    client.force_login(team.net.advisor)
    again = client.post(reverse("web:desk_action", args=[team.national.slug]), {"action": "logout"})
    assert again.status_code == 302
    _advisor_status(advisor, lambda me: me["state"] == "logged_out")


def test_given_an_escalated_lead_called_back_before_the_router_runs_then_it_is_never_offered(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    settings.REDIS_URL = ""
    net = builders.network(providers=3)
    builders.escalation_queue(net)
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(BREACH)  # no router in this process (like the demo loader): nothing fails, nothing is logged
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    lead.refresh_from_db()
    assert lead.work_item_id and lead.work_item_queued_at is None
    provider_user = net.provider_users[[p.pk for p in net.providers].index(lead.provider_id)]
    services.record_outcome(lead, actor=provider_user, outcome="refused", now=BREACH)  # moved on meanwhile
    runtime._bus = InProcessBus()
    runtime.start_embedded(runtime.build_service(SqliteJournal(tmp_path / "journal.sqlite3"), status_every_s=0.1))
    try:
        RouterClient().submit(ev.AdvisorLoggedIn(new_id(), 0, net.advisor.get_username()))
        assert escalation.route_pending(BREACH) == 0
        lead.refresh_from_db()
        assert lead.work_item_id == "" and AuditEntry.objects.filter(action="lead.work_item_dropped").count() == 1
        status = runtime.bus().latest_status() or {}
        assert all(q["waiting"] == 0 for q in status.get("queues", []))
    finally:
        runtime.stop_embedded()
        runtime.reset_bus()


def test_given_nobody_left_when_a_lead_closes_as_unmet_then_no_work_item_is_made(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REDIS_URL = ""
    net = builders.network(providers=1)
    builders.escalation_queue(net)
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(BREACH)
    lead.refresh_from_db()
    assert lead.state == "closed"
    assert escalation.route_pending(BREACH) == 0
    lead.refresh_from_db()
    assert lead.work_item_id == ""


def test_given_an_advisor_holding_an_escalated_lead_when_a_supervisor_releases_it_then_it_is_offered_again(
    team: SharedTeam, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    advisor = team.net.advisor.get_username()
    RouterClient().submit(ev.AdvisorLoggedIn(new_id(), 0, advisor))
    lead = _escalate(team, django_capture_on_commit_callbacks)
    offer = _advisor_status(advisor, lambda me: me.get("offer"))["offer"]
    RouterClient().submit(ev.OfferAccepted(new_id(), 0, offer["offer_id"], advisor))
    _advisor_status(advisor, lambda me: lead.work_item_id in me.get("contacts", ()))
    client.force_login(team.net.supervisor)
    page = client.get(reverse("web:advisors", args=[team.net.programme.slug])).content.decode()
    assert f"Demande escaladée n° {lead.pk}" in page and "En traitement" in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("web:release_work", args=[team.net.programme.slug]),
            {"advisor": advisor, "routing_id": lead.work_item_id},
            follow=True,
        )
    assert "remise en file" in done.content.decode()
    first_item = lead.work_item_id
    lead.refresh_from_db()
    assert lead.work_item_id != first_item and lead.work_item_queued_at is not None
    again = _advisor_status(advisor, lambda me: (me.get("offer") or {}).get("contact_id") == lead.work_item_id)
    assert again["offer"]["contact"]["attributes"]["lead"] == str(lead.pk)
