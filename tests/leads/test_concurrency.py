"""Concurrent dispatches on PostgreSQL, each thread with its own real connection: advisors forwarding at the same
moment never get the same rotation slot twice nor over-serve a provider, and two workers sweeping the same
breaches re-dispatch each lead once."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections

from plateau.contacts.models import Contact
from plateau.directory.models import ProviderRotation
from plateau.geo.access import commune_by_insee
from plateau.leads import services
from plateau.leads.models import Lead, LeadProposal
from plateau.leads.sla import sweep_deadlines
from plateau.tenants.models import AuditEntry
from tests.contacts import builders as cb
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]
PROVIDERS = 4


@pytest.fixture
def net() -> builders.Network:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update, SKIP LOCKED) need PostgreSQL; SQLite serialises writers")
    net = builders.network(providers=0)
    base = commune_by_insee(cb.NEUILLY_SUR_SEINE)  # every provider at the same place: equal weights
    net.providers = [cb.provider(net.programme, base) for _ in range(PROVIDERS)]
    net.provider_users = [builders.provider_user(net.programme, p) for p in net.providers]
    return net


def _together(work: list[Callable[[], object]]) -> list[object]:
    """Run the callables at the same instant, one thread (and one database connection) each."""
    barrier = threading.Barrier(len(work))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(fn: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results.append(fn())
        except BaseException as e:  # reported below: a thread's exception would otherwise be lost
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    return results


def _contacts(net: builders.Network, n: int) -> list[Contact]:
    return [builders.contact_with_need(net, phone=f"06 12 34 56 {i:02d}") for i in range(n)]


def test_given_eight_advisors_forwarding_at_once_then_each_of_four_equal_providers_gets_exactly_two(
    net: builders.Network,
) -> None:
    contacts = _contacts(net, 2 * PROVIDERS)
    work: list[Callable[[], object]] = [
        lambda c=c: services.forward_request(c, actor=net.advisor, consent=True, now=T0) for c in contacts
    ]
    _together(work)
    leads = list(Lead.objects.filter(programme=net.programme))
    assert len(leads) == 2 * PROVIDERS and {lead.state for lead in leads} == {"sent"}
    assert sorted(Counter(lead.provider_id for lead in leads).values()) == [2] * PROVIDERS
    # One chosen candidate per lead, and the rotation's "shown first" slot went round exactly twice.
    chosen = LeadProposal.objects.filter(programme=net.programme, chosen=True)
    assert sorted(chosen.values_list("lead_id", flat=True)) == sorted(lead.pk for lead in leads)
    firsts = ProviderRotation.objects.filter(programme=net.programme).values_list("first_count", flat=True)
    assert sorted(firsts) == [2] * PROVIDERS


def test_given_two_workers_sweeping_the_same_breaches_then_each_lead_is_redispatched_once(
    net: builders.Network,
) -> None:
    for c in _contacts(net, 6):
        services.forward_request(c, actor=net.advisor, consent=True, now=T0)
    breach = T0 + dt.timedelta(hours=48, minutes=1)
    reports = _together([lambda: sweep_deadlines(breach, batch=2), lambda: sweep_deadlines(breach, batch=2)])
    assert sum(r.breaches for r in reports) == 6  # type: ignore[attr-defined]
    for lead in Lead.objects.filter(programme=net.programme):
        assert lead.state == "sent" and lead.attempt == 2
        chosen = LeadProposal.objects.filter(lead=lead, chosen=True).order_by("attempt")
        assert [p.attempt for p in chosen] == [1, 2]
        assert chosen[0].provider_id != chosen[1].provider_id
        assert AuditEntry.objects.filter(action="lead.redispatch", object_id=str(lead.pk)).count() == 1
