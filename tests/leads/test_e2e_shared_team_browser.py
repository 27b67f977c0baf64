"""End to end in headless chromium (uvicorn, SSE, the embedded router): one advisor of a shared team, logged in to
routing on the national line's desk, is offered an escalated lead of the provider-network line — accepting opens it
in the network; back on the national desk, the lead is linked under « Travail en cours »; then a call of the
national line accepted on the network's desk opens in the national line."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.contacts.models import Contact, WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity
from plateau.leads import services
from plateau.leads.models import Lead
from plateau.leads.sla import sweep_deadlines
from plateau.services.router.client import RouterClient
from tests import factories
from tests.contacts import builders as cb
from tests.leads import builders
from tests.leads.builders import T0
from tests.leads.test_shared_team import SharedTeam, shared_team
from tests.web.server import serving_plateau


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[str, SharedTeam, Lead]]:
    sync_activities(Activity)
    seed_wrap_up_codes(WrapUpCode)
    cb.demo_communes()
    team = shared_team()
    lead = services.forward_request(builders.contact_with_need(team.net), actor=team.net.advisor, consent=True, now=T0)
    with serving_plateau(tmp_path / "journal.sqlite3") as base:
        yield base, team, lead


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_a_shared_team_when_offers_of_both_programmes_are_accepted_on_either_desk_then_each_opens_in_its_owner(
    team: tuple[str, SharedTeam, Lead], page: Any, settings: Any
) -> None:
    settings.REDIS_URL = ""
    base, t, lead = team
    national, network = t.national.slug, t.net.programme.slug
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(t.net.advisor.username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.goto(f"{base}/p/{national}/poste/")
    page.locator("#routing-login").click()
    expect(page.locator("#routing-state")).to_have_attribute("data-state", "available")

    sweep_deadlines(T0 + dt.timedelta(hours=48, minutes=1))  # the network's lead escalates: its work item rings
    expect(page.locator("#offer")).to_be_visible(timeout=15000)
    page.locator("#offer-accept").click()
    lead_page = f"/p/{network}/demandes/{lead.pk}/traiter/"
    expect(page).to_have_url(re.compile(rf"{base}{lead_page}$"))
    expect(page.locator("#lead-client")).to_contain_text(lead.client_phone)

    page.goto(f"{base}/p/{national}/poste/")  # another programme's desk, reloaded: the work is linked
    expect(page.locator(f'#held-work a[href="{lead_page}"]')).to_be_visible(timeout=15000)
    page.locator(f'#held-work a[href="{lead_page}"]').click()
    page.locator("#lead-item-done").click()
    expect(page).to_have_url(re.compile(rf"{base}/p/{network}/poste/$"))
    expect(page.locator("#routing-state")).to_have_attribute("data-state", "available", timeout=15000)
    expect(page.locator("#held-work a")).to_have_count(0)

    RouterClient().enqueue(f"{national}.appels", caller="+33612345678")  # a national call, on the network's desk
    expect(page.locator("#offer")).to_be_visible(timeout=15000)
    page.locator("#offer-accept").click()
    expect(page).to_have_url(re.compile(rf"{base}/p/{national}/contacts/\d+/$"))
    contact = Contact.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert contact.programme == t.national and contact.advisor == t.net.advisor
    page.goto(f"{base}/p/{network}/poste/")
    expect(page.locator(f'#held-work a[href="/p/{national}/contacts/{contact.pk}/"]')).to_be_visible(timeout=15000)

    # The national line's supervisor sees who holds what, and may release it.
    page.context.clear_cookies()
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(t.national_supervisor.username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.goto(f"{base}/p/{national}/conseillers/")
    row = page.locator(f'tr[data-advisor="{t.net.advisor.username}"]')
    expect(row).to_contain_text("En traitement")
    expect(row.get_by_role("button", name="Libérer")).to_be_visible()
    if os.environ.get("PLATEAU_SCREENSHOTS"):
        page.screenshot(path=os.environ["PLATEAU_SCREENSHOTS"] + "/advisors.png", full_page=True)
