"""One person's data, through the programme manager's page (export JSON/CSV, erasure with confirmation, audit),
and the retention of contacts and leads enforced by the scheduler's tick on a controllable clock."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts import services as contact_services
from plateau.contacts.models import Caller, Contact, WrapUpCode
from plateau.leads import privacy, services
from plateau.leads.models import Lead
from plateau.services import scheduler
from plateau.tenants.models import AuditEntry
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data", "empty_routing_journal")
PHONE = "06 12 34 56 78"


@pytest.fixture
def net() -> builders.Network:
    return builders.network(providers=2)


def _closed_contact(net: builders.Network, *, phone: str, at: dt.datetime, notes: str) -> Contact:
    contact = contact_services.start_contact(
        programme=net.programme, advisor=net.advisor, channel="call", phone=phone, caller_name="M. Martin",
        started_at=at,
    )  # fmt: skip
    code = WrapUpCode.objects.order_by("code").first()
    assert code is not None
    return contact_services.wrap_up(contact, actor=net.advisor, code=code.code, notes=notes, ended_at=at)


def _manager(net: builders.Network) -> tuple[Client, str]:
    c = Client()
    c.force_login(net.manager)
    return c, reverse("leads:privacy", args=[net.programme.slug])


def test_given_a_programme_manager_when_exporting_a_person_then_json_and_csv_hold_contacts_leads_and_consents(
    net: builders.Network,
) -> None:
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    _closed_contact(net, phone=PHONE, at=T0, notes="rappeler mardi")
    c, page = _manager(net)
    found = c.post(page, {"phone": PHONE, "action": "find"}).content.decode()
    assert "2 contact(s), 1 demande(s)" in found and 'id="erase-block"' in found

    exported = c.post(page, {"phone": PHONE, "action": "json"})
    assert exported["Content-Disposition"].endswith('.json"')
    data = json.loads(exported.content)
    assert data["phone"] == "+33612345678" and data["caller"]["name"]
    assert "rappeler mardi" in [x["notes"] for x in data["contacts"]]
    assert data["leads"][0]["id"] == lead.pk and data["leads"][0]["consent"]["text"] == lead.consent_text

    table = c.post(page, {"phone": PHONE, "action": "csv"}).content.decode()
    assert table.startswith("\ufeffsection;id;champ;valeur")
    rows = list(csv.reader(io.StringIO(table.lstrip("\ufeff")), delimiter=";"))
    assert ["demande", str(lead.pk), "consent.text", lead.consent_text] in rows
    assert AuditEntry.objects.filter(action="person.exported", actor=net.manager).count() == 3


def test_given_erasure_when_the_number_is_not_retyped_then_refused_and_when_confirmed_the_person_is_gone(
    net: builders.Network,
) -> None:
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    contact = _closed_contact(net, phone=PHONE, at=T0, notes="voisine aidante")
    c, page = _manager(net)
    refused = c.post(page, {"phone": PHONE, "action": "erase", "confirm": "0699999999"})
    assert "Retapez le même numéro" in refused.content.decode()
    assert Caller.objects.filter(phone_e164="+33612345678").exists()

    done = c.post(page, {"phone": PHONE, "action": "erase", "confirm": "+33 6 12 34 56 78"}, follow=True)
    assert "Données effacées : 1 demande(s)" in done.content.decode()
    assert not Caller.objects.filter(phone_e164="+33612345678").exists()
    contact.refresh_from_db()
    lead.refresh_from_db()
    assert contact.caller_id is None and contact.notes == "" and contact.wrap_up_id is not None
    assert (lead.client_name, lead.client_phone) == (privacy.ERASED, "") and lead.activity_id is not None
    entry = AuditEntry.objects.get(action="person.erased")
    assert entry.actor == net.manager
    assert entry.data == {
        "leads": 1,
        "contacts": 2,
        "calls": 0,
        "recordings": 0,
        "journal_events": 0,
        "capabilities": {"followup": 0},  # what the capabilities' privacy hooks touched (no follow-up here)
    }


def test_given_an_advisor_or_a_supervisor_when_opening_the_privacy_page_then_refused(net: builders.Network) -> None:
    url = reverse("leads:privacy", args=[net.programme.slug])
    for user in (net.advisor, net.supervisor, net.provider_users[0]):
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code in (403, 404)
        assert c.post(url, {"phone": PHONE, "action": "erase", "confirm": PHONE}).status_code in (403, 404)


def test_given_contacts_older_than_three_years_when_the_scheduler_ticks_then_only_those_callers_are_forgotten(
    net: builders.Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler, "_last_retention", [])  # a fresh process: the first tick runs the retention
    old_at = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    old = _closed_contact(net, phone="0611111111", at=old_at, notes="ancien")
    recent = _closed_contact(net, phone="0622222222", at=old_at + dt.timedelta(days=400), notes="récent")
    letter = contact_services.start_contact(
        programme=net.programme, advisor=net.advisor, channel="letter", correspondent="Mme Lettre, 1 rue X",
        started_at=old_at,
    )  # fmt: skip
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=old_at)

    before = scheduler.sweep_once(old_at + dt.timedelta(days=3 * 365 - 1))
    assert before.retention is not None and before.retention.total == 0
    later = old_at + dt.timedelta(days=3 * 365 + 1)
    tick = scheduler.sweep_once(later)
    assert tick.retention is not None
    assert (tick.retention.leads, tick.retention.callers) == (1, 1)
    for row in (old, recent, letter, lead):
        row.refresh_from_db()
    assert old.caller_id is None and old.notes == "" and letter.correspondent == ""
    assert recent.caller is not None and recent.caller.phone_e164 == "+33622222222" and recent.notes == "récent"
    assert Lead.objects.get(pk=lead.pk).client_name == privacy.ERASED
    assert scheduler.sweep_once(later + dt.timedelta(minutes=10)).retention is None  # hourly
    again = scheduler.sweep_once(later + dt.timedelta(hours=1))
    assert again.retention is not None and again.retention.total == 0  # idempotent
    assert AuditEntry.objects.filter(action="person.retention").count() == 1
