"""End to end in headless chromium: uvicorn (ASGI, SSE) in a thread with the embedded router, test database.

A letter is registered from the desk, its offer rings on the advisor's desk (Server-Sent Events), the advisor
accepts and lands on the contact page; the supervisor's wallboard counts it live.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from plateau.contacts.models import Contact
from plateau.demo.programmes import DEMO_PASSWORD
from plateau.domain.routing import events as ev
from plateau.services.router import runtime
from plateau.services.router.client import RouterClient, new_id

ADVISOR = "conseiller1.teleassistance"
SUPERVISOR = "superviseur.teleassistance"
SLUG = "teleassistance"
QUEUE = "teleassistance.appels"


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_an_advisor_in_routing_when_a_letter_arrives_then_it_rings_is_accepted_and_the_wallboard_counts_it(
    plateau_asgi: str, open_page: Any
) -> None:
    base = plateau_asgi
    sup = open_page()
    log_in(sup, base, SUPERVISOR)
    sup.goto(f"{base}/p/{SLUG}/tableau/")
    expect(sup.locator("#wb-kpi-answered")).to_have_text("0")

    adv = open_page()
    log_in(adv, base, ADVISOR)
    adv.goto(f"{base}/p/{SLUG}/poste/")
    adv.locator("#routing-login").click()
    expect(adv.locator("#routing-state")).to_have_attribute("data-state", "available")

    adv.locator("details summary").click()
    adv.locator("#work-correspondent").fill("Mme Odile Lambert")
    adv.get_by_role("button", name="Mettre en file").click()
    expect(adv.locator("#offer")).to_be_visible()
    expect(adv.locator("#offer-caller")).to_have_text("Mme Odile Lambert")
    expect(sup.locator("#wb-state-reserved")).to_have_text("1")

    adv.locator("#offer-accept").click()
    expect(adv).to_have_url(re.compile(rf"{base}/p/{SLUG}/contacts/\d+/$"))
    expect(adv.get_by_role("complementary", name="Appelant")).to_contain_text("Mme Odile Lambert")
    expect(sup.locator("#wb-kpi-answered")).to_have_text("1")
    expect(sup.locator("#wb-state-busy")).to_have_text("1")

    # One completion: the contact's wrap-up form also finishes the routed work item (no other button).
    expect(adv.locator("#routed-hint")).to_be_visible()
    expect(adv.get_by_role("button", name=re.compile("Terminer le contact"))).to_have_count(0)
    adv.get_by_label("Code de clôture").select_option(label="Appel de convivialité / isolement")
    adv.get_by_role("button", name="Clore le contact").click()
    expect(adv.get_by_role("heading", name=re.compile("Poste conseiller"))).to_be_visible()
    expect(adv.locator("#routing-state")).to_have_attribute("data-state", "available")
    expect(sup.locator("#wb-state-busy")).to_have_text("0")
    expect(sup.locator("#wb-state-available")).to_have_text("1")
    contact = Contact.objects.get(programme__slug=SLUG, correspondent="Mme Odile Lambert")
    assert (contact.status, contact.wrap_up.code) == ("closed", "welfare_isolation")  # type: ignore[union-attr]
    service = runtime.embedded()
    assert service is not None
    assert service.router.engine.contact_status(contact.routed.routing_id) is None  # completed: gone


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_callback_promises_then_the_wallboard_counts_them_and_the_desk_shows_number_and_window(
    plateau_asgi: str, open_page: Any
) -> None:
    base = plateau_asgi
    service = runtime.embedded()
    assert service is not None
    client = RouterClient(redis_url="")
    now = time.time()
    later = client.enqueue(QUEUE, caller="+33611111111")[0]["contact_id"]
    client.submit(ev.CallbackRequested(new_id(), 0, later, "0611111111", now + 3600, now + 5400))
    soon = client.enqueue(QUEUE, caller="+33622222222")[0]["contact_id"]
    client.submit(ev.CallbackRequested(new_id(), 0, soon, "0622222222", now - 60, now + 1800))

    sup = open_page()
    log_in(sup, base, SUPERVISOR)
    sup.goto(f"{base}/p/{SLUG}/tableau/")
    row = sup.locator(f'#wb-queues tr[data-queue="{QUEUE}"]')
    expect(row.locator('[data-gauge="callbacks"]')).to_have_text("2")
    expect(row.locator('[data-gauge="next_callback_at"]')).to_have_text(_hhmm(now - 60))
    expect(row.locator('[data-gauge="ewt_s"]')).to_have_text("—")  # nobody staffed: no estimate
    expect(sup.locator("#wb-gauge-definitions")).to_contain_text("conseillers effectifs")

    adv = open_page()
    log_in(adv, base, ADVISOR)
    adv.goto(f"{base}/p/{SLUG}/poste/")
    adv.locator("#routing-login").click()
    expect(adv.locator("#offer")).to_be_visible()
    expect(adv.locator("#offer-callback")).to_be_visible()
    expect(adv.locator("#offer-callback-number")).to_have_text("0622222222")
    expect(adv.locator("#offer-callback-window")).to_have_text(f"{_hhmm(now - 60)} \N{EN DASH} {_hhmm(now + 1800)}")
    ewt = service.router.engine.estimated_wait(QUEUE)
    assert ewt is not None
    expect(row.locator('[data-gauge="ewt_s"]')).to_have_text(f"{ewt:.0f}")

    adv.locator("#offer-accept").click()
    expect(adv).to_have_url(re.compile(rf"{base}/p/{SLUG}/contacts/\d+/$"))
    expect(row.locator('[data-gauge="callbacks"]')).to_have_text("1")  # the kept promise no longer counts
    expect(row.locator('[data-gauge="next_callback_at"]')).to_have_text(_hhmm(now + 3600))
    contact = Contact.objects.get(programme__slug=SLUG, status="open")
    assert (contact.channel, contact.direction, contact.caller.phone_e164) == ("callback", "outbound", "+33622222222")  # type: ignore[union-attr]


def _hhmm(at: float) -> str:
    return dt.datetime.fromtimestamp(at, tz=ZoneInfo("Europe/Paris")).strftime("%H:%M")
