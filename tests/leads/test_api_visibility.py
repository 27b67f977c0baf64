"""Issue 16, item 9: who lists which leads through the API (``GET /api/leads/programmes/{slug}``), and who reads
health details. Supervisors and managers list every lead; an advisor only the leads they forwarded; a provider
user only its provider's; health details go only to the provider the lead was sent to."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from plateau.leads import services
from plateau.leads.models import Lead
from plateau.tenants.models import Role, User
from tests import factories
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data")


def _list(user: User, net: builders.Network) -> Any:
    c = Client()
    c.force_login(user)
    return c.get(f"/api/leads/programmes/{net.programme.slug}")


@pytest.fixture
def two_leads() -> tuple[builders.Network, User, Lead, Lead]:
    """One lead forwarded by the network's advisor (with health details), one by another advisor."""
    net = builders.network(providers=1)
    other = factories.advisor(net.programme)
    mine = services.forward_request(
        builders.contact_with_need(net),
        actor=net.advisor,
        consent=True,
        health_details="GIR 3, oxygène",
        health_consent=True,
        now=T0,
    )
    contact = builders.contact_with_need(net, phone="06 98 76 54 32", name="M. Martin")
    contact.advisor = other
    contact.save(update_fields=["advisor"])
    theirs = services.forward_request(contact, actor=other, consent=True, now=T0)
    return net, other, mine, theirs


@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_given_a_supervisor_or_manager_then_every_lead_without_health_details(
    two_leads: tuple[builders.Network, User, Lead, Lead], role: str
) -> None:
    net, _other, mine, theirs = two_leads
    answer = _list(getattr(net, role), net)
    assert answer.status_code == 200
    assert sorted(x["id"] for x in answer.json()) == sorted([mine.pk, theirs.pk])
    assert all("health_details" not in x for x in answer.json())


def test_given_an_advisor_then_only_the_leads_they_forwarded(
    two_leads: tuple[builders.Network, User, Lead, Lead],
) -> None:
    net, other, mine, theirs = two_leads
    assert [x["id"] for x in _list(net.advisor, net).json()] == [mine.pk]
    listed = _list(other, net).json()
    assert [x["id"] for x in listed] == [theirs.pk] and "+33612345678" not in str(listed)
    assert "health_details" not in listed[0]


def test_given_the_provider_the_lead_was_sent_to_then_it_reads_the_health_details(
    two_leads: tuple[builders.Network, User, Lead, Lead],
) -> None:
    net, _other, mine, theirs = two_leads
    listed = {x["id"]: x for x in _list(net.provider_users[0], net).json()}
    assert set(listed) == {mine.pk, theirs.pk}  # both went to the network's only provider
    assert listed[mine.pk]["health_details"] == "GIR 3, oxygène" and "health_details" not in listed[theirs.pk]


def test_given_another_provider_or_an_outsider_then_nothing(
    two_leads: tuple[builders.Network, User, Lead, Lead],
) -> None:
    net, *_ = two_leads
    stranger = builders.provider_user(net.programme, builders.network(providers=1).providers[0])
    assert _list(stranger, net).json() == []
    outsider = factories.user((factories.programme(), Role.SUPERVISOR))
    assert _list(outsider, net).status_code == 404
    assert Client().get(f"/api/leads/programmes/{net.programme.slug}").status_code == 401
