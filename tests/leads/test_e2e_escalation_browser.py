"""End to end in headless chromium: uvicorn (ASGI, SSE) with the embedded router on the test database. A lead
breaches its 48 h call-back deadline, its work item rings on the advisor's desk, the advisor accepts it, lands on
the lead and re-dispatches it to another provider."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity
from plateau.leads import services
from plateau.leads.models import Lead
from plateau.leads.sla import sweep_deadlines
from tests import factories
from tests.contacts import builders as cb
from tests.leads import builders
from tests.leads.builders import T0
from tests.web.server import serving_plateau


@pytest.fixture
def escalating(tmp_path: Path) -> Iterator[tuple[str, builders.Network, Lead]]:
    sync_activities(Activity)
    seed_wrap_up_codes(WrapUpCode)
    cb.demo_communes()
    net = builders.network(providers=3)
    builders.escalation_queue(net)
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    with serving_plateau(tmp_path / "journal.sqlite3") as base:
        yield base, net, lead


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_a_lead_past_its_48h_when_the_sweep_runs_then_it_rings_on_the_desk_and_the_advisor_redispatches_it(
    escalating: tuple[str, builders.Network, Lead], page: Any, settings: Any
) -> None:
    settings.REDIS_URL = ""
    base, net, lead = escalating
    slug = net.programme.slug
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(net.advisor.username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.goto(f"{base}/p/{slug}/poste/")
    page.locator("#routing-login").click()
    expect(page.locator("#routing-state")).to_have_attribute("data-state", "available")

    sweep_deadlines(T0 + dt.timedelta(hours=48, minutes=1))  # commits: the work item goes to the router
    expect(page.locator("#offer")).to_be_visible()
    expect(page.locator("#offer-channel")).to_have_text("Demande escaladée")
    page.locator("#offer-accept").click()
    expect(page).to_have_url(re.compile(rf"{base}/p/{slug}/demandes/{lead.pk}/traiter/$"))
    expect(page.locator("#lead-client")).to_contain_text(lead.client_phone)
    second = Lead.objects.get(pk=lead.pk).provider_id
    page.locator("#lead-redispatch").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Demande retransmise")
    lead.refresh_from_db()
    assert lead.attempt == 3 and lead.provider_id not in (second, None)
    page.locator("#lead-item-done").click()
    expect(page).to_have_url(re.compile(rf"{base}/p/{slug}/poste/$"))
    # Finishing the work item freed the advisor in the router.
    expect(page.locator("#routing-state")).to_have_attribute("data-state", "available")
