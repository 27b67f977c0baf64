"""« Transmettre la demande » once per contact and need: a double submit is refused with the reason; a second
forward needs an explicit reason (kept in the audit). Service and HTTP."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts import services as contact_services
from plateau.directory.models import Activity
from plateau.leads import services
from plateau.leads.errors import LeadAlreadyForwarded
from plateau.leads.models import Lead
from plateau.tenants.models import AuditEntry
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data")


def test_given_a_forwarded_need_when_forwarded_again_then_refused_unless_a_reason_is_given() -> None:
    net = builders.network(providers=3)
    contact = builders.contact_with_need(net)
    first = services.forward_request(contact, actor=net.advisor, consent=True, now=T0)
    with pytest.raises(LeadAlreadyForwarded) as refused:
        services.forward_request(contact, actor=net.advisor, consent=True, now=T0)
    assert refused.value.details["field"] == "reforward_reason" and "déjà été transmise" in str(refused.value.message)
    assert Lead.objects.count() == 1

    second = services.forward_request(
        contact, actor=net.advisor, consent=True, reforward_reason="Le client veut un second devis", now=T0
    )
    assert second.pk != first.pk and Lead.objects.count() == 2
    audit = AuditEntry.objects.get(action="lead.reforwarded")
    assert audit.data["reason"] == "Le client veut un second devis" and audit.data["earlier"] == [first.pk]

    # Another need of the same contact is a new request: no reason asked.
    contact_services.capture_need(
        contact, actor=net.advisor, activity=Activity.objects.get(code="SAP01"), commune=contact.commune
    )
    services.forward_request(contact, actor=net.advisor, consent=True, now=T0)
    assert Lead.objects.count() == 3


def test_given_the_forward_form_submitted_twice_then_one_lead_and_the_second_page_asks_for_a_reason() -> None:
    net = builders.network(providers=3)
    contact = builders.contact_with_need(net)
    client = Client()
    client.force_login(net.advisor)
    url = reverse("leads:forward", args=[net.programme.slug, contact.pk])
    form = {"client_name": "Mme Durand", "consent": "on"}
    assert client.post(url, form).status_code == 302
    again = client.post(url, form)  # the same button pressed twice
    assert again.status_code == 200
    page = again.content.decode()
    assert "déjà été transmise" in page and 'name="reforward_reason"' in page
    assert Lead.objects.filter(contact=contact).count() == 1
    assert client.post(url, form | {"reforward_reason": "Premier prestataire injoignable"}).status_code == 302
    assert Lead.objects.filter(contact=contact).count() == 2
