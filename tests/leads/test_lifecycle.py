"""Leads on a real database with a controllable clock: forward, acknowledge, outcome, reminders, breach,
escalation and re-dispatch; the sweep is idempotent and works from fresh objects (a restart)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from plateau.leads import services
from plateau.leads.errors import HealthConsentRequired, LeadConsentRequired, LeadStateConflict, NotYourLead
from plateau.leads.models import Lead, LeadDeadline, LeadProposal
from plateau.leads.notify import lead_payload
from plateau.leads.sla import sweep_deadlines
from plateau.tenants.models import AuditEntry
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data")
H = dt.timedelta(hours=1)


@pytest.fixture
def net() -> builders.Network:
    return builders.network(providers=3)


def _forward(net: builders.Network, **kw: object) -> Lead:
    contact = builders.contact_with_need(net)
    return services.forward_request(contact, actor=net.advisor, consent=True, now=T0, **kw)  # type: ignore[arg-type]


def _user_of(net: builders.Network, lead: Lead):  # type: ignore[no-untyped-def]
    return net.provider_users[[p.pk for p in net.providers].index(lead.provider_id)]


def test_given_no_consent_when_forwarding_then_refused_with_the_reason_and_logged(net: builders.Network) -> None:
    contact = builders.contact_with_need(net)
    with pytest.raises(LeadConsentRequired) as err:
        services.forward_request(contact, actor=net.advisor, consent=False, now=T0)
    assert "consenti" in str(err.value.message)
    assert not Lead.objects.exists()
    assert AuditEntry.objects.filter(action="lead.forward_refused", data__reason="lead_consent_required").exists()


def test_given_health_details_without_their_own_consent_then_refused(net: builders.Network) -> None:
    contact = builders.contact_with_need(net)
    with pytest.raises(HealthConsentRequired):
        services.forward_request(contact, actor=net.advisor, consent=True, health_details="Alzheimer", now=T0)
    assert not Lead.objects.exists()


def test_given_both_consents_then_health_details_travel_and_without_them_the_payload_is_minimal(
    net: builders.Network,
) -> None:
    with_health = _forward(net, health_details="GIR 3", health_consent=True)
    assert lead_payload(with_health)["health_details"] == "GIR 3"
    assert with_health.health_consent_at == T0 and with_health.health_consent_text
    plain = _forward(net)
    assert "health_details" not in lead_payload(plain)
    assert set(lead_payload(plain)) == {
        "id", "state", "activity", "commune", "need_date", "client_name", "client_phone", "need_summary",
        "attempt", "sent_at",
    }  # fmt: skip


def test_given_consent_when_forwarding_then_sent_with_deadlines_audit_of_candidates_and_an_email(
    net: builders.Network, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        lead = _forward(net)
    assert lead.state == "sent" and lead.attempt == 1 and lead.provider_id in {p.pk for p in net.providers}
    assert lead.consent_at == T0 and "48 heures" in lead.consent_text
    deadlines = list(LeadDeadline.objects.filter(lead=lead).order_by("due_at").values_list("kind", "due_at"))
    assert deadlines == [("reminder", T0 + 24 * H), ("reminder", T0 + 44 * H), ("breach", T0 + 48 * H)]
    proposals = LeadProposal.objects.filter(lead=lead)
    assert proposals.count() == 3 and proposals.filter(chosen=True).get().provider_id == lead.provider_id
    assert [m.to for m in mail.outbox] == [[_user_of(net, lead).email]]


def test_given_an_acknowledged_lead_called_back_in_time_then_the_breach_does_nothing(net: builders.Network) -> None:
    lead = _forward(net)
    user = _user_of(net, lead)
    services.acknowledge(lead, actor=user, now=T0 + H)
    services.record_outcome(lead, actor=user, outcome="agreed", service_date=dt.date(2026, 6, 5), now=T0 + 5 * H)
    report = sweep_deadlines(T0 + 49 * H)
    assert (report.reminders, report.breaches, report.skipped) == (0, 0, 3)
    lead.refresh_from_db()
    assert lead.state == "service_agreed" and lead.called_back_at == T0 + 5 * H
    assert LeadDeadline.objects.filter(lead=lead, kind="feedback", done_at__isnull=True).exists()


def test_given_no_call_back_then_reminders_then_breach_escalates_and_redispatches_across_a_restart(
    net: builders.Network, django_capture_on_commit_callbacks: Any
) -> None:
    lead = _forward(net)
    first = lead.provider_id
    mail.outbox.clear()
    assert sweep_deadlines(T0 + 23 * H).handled == 0
    assert sweep_deadlines(T0 + 45 * H).reminders == 2
    assert sweep_deadlines(T0 + 45 * H).handled == 0  # idempotent
    # "Restart": nothing in memory survives; a fresh sweep reads the durable deadlines.
    del lead
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep_deadlines(T0 + 48 * H)
    assert report.breaches == 1
    lead = Lead.objects.get()
    assert lead.state == "sent" and lead.attempt == 2 and lead.provider_id != first
    assert lead.escalated_at == T0 + 48 * H
    assert AuditEntry.objects.filter(action="lead.escalated").exists()
    assert AuditEntry.objects.filter(action="lead.redispatch", data__from_state="expired").exists()
    assert any("superviseur@plateau.example" in m.to for m in mail.outbox)
    assert sweep_deadlines(T0 + 48 * H).handled == 0
    # The new provider got fresh deadlines from the re-dispatch instant.
    assert LeadDeadline.objects.filter(lead=lead, attempt=2, kind="breach").get().due_at == T0 + 96 * H


def test_given_every_provider_lets_the_deadline_pass_then_the_lead_is_closed_as_unmet(net: builders.Network) -> None:
    lead = _forward(net)
    for k in range(1, 4):
        sweep_deadlines(T0 + 48 * k * H)
    lead.refresh_from_db()
    assert lead.state == "closed" and lead.attempt == 3
    assert LeadProposal.objects.filter(lead=lead, chosen=True).values("provider_id").distinct().count() == 3


def test_given_a_provider_without_capacity_then_the_lead_goes_to_the_next_one(net: builders.Network) -> None:
    lead = _forward(net)
    first = lead.provider_id
    services.record_outcome(lead, actor=_user_of(net, lead), outcome="no_capacity", now=T0 + H)
    lead.refresh_from_db()
    assert lead.state == "sent" and lead.provider_id != first and lead.attempt == 2


def test_given_another_providers_user_when_acting_on_the_lead_then_refused_and_logged(net: builders.Network) -> None:
    lead = _forward(net)
    intruder = next(u for u, p in zip(net.provider_users, net.providers, strict=True) if p.pk != lead.provider_id)
    with pytest.raises(NotYourLead):
        services.acknowledge(lead, actor=intruder, now=T0 + H)
    with pytest.raises(NotYourLead):
        services.record_outcome(lead, actor=intruder, outcome="refused", now=T0 + H)
    lead.refresh_from_db()
    assert lead.state == "sent"
    assert AuditEntry.objects.filter(action="lead.refused_other_provider", actor=intruder).count() == 2


def test_given_an_acknowledged_lead_when_acknowledged_again_then_a_state_conflict(net: builders.Network) -> None:
    lead = _forward(net)
    user = _user_of(net, lead)
    services.acknowledge(lead, actor=user, now=T0 + H)
    with pytest.raises(LeadStateConflict):
        services.acknowledge(lead, actor=user, now=T0 + 2 * H)


def test_given_networks_weighted_3_to_1_when_forwarding_8_leads_then_they_split_6_and_2() -> None:
    from plateau.leads.models import DispatchSettings

    net = builders.network(providers=2)  # same distance band, same quality: only the weights differ
    for p in net.providers:
        p.base_commune = net.providers[0].base_commune
        p.save(update_fields=["base_commune"])
    DispatchSettings.objects.create(programme=net.programme, network_weights={"Réseau A": 3, "Réseau B": 1})
    for i in range(8):
        contact = builders.contact_with_need(net, phone=f"06 12 34 56 {i:02d}")
        services.forward_request(contact, actor=net.advisor, consent=True, now=T0 + i * H)
    by_network = {n: Lead.objects.filter(provider__network=n).count() for n in ("Réseau A", "Réseau B")}
    assert by_network == {"Réseau A": 6, "Réseau B": 2}
