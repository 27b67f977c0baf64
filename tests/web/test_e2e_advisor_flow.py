"""End to end in headless Debian chromium: an advisor handles a call; the supervisor sees it counted."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.contacts.models import Contact, DetailsGiven, WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity, ProviderProposal, UnmetNeed
from plateau.geo.access import commune_by_insee
from tests import factories
from tests.contacts import builders

LIMOGES = "87085"


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()


def _tick_first_two(page: Any) -> None:
    """Tick the first two providers from the keyboard (focus, space), as an advisor would."""
    boxes = page.locator("#providers tbody input[type=checkbox]")
    for i in (0, 1):
        boxes.nth(i).focus()
        page.keyboard.press("Space")
        expect(boxes.nth(i)).to_be_checked()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_advisor_when_handling_a_call_in_the_browser_then_rows_recorded_and_supervisor_sees_it(
    live_server: Any, page: Any
) -> None:
    sync_activities(Activity)
    seed_wrap_up_codes(WrapUpCode)
    builders.demo_communes()
    line = builders.directory_line(providers=3)
    far = builders.provider(line.programme, commune_by_insee(LIMOGES), name="Lointain Services")
    base = live_server.url

    _log_in(page, base, line.advisor.username)
    page.get_by_role("link", name="Poste conseiller").click()

    # Start a call: the phone field has the focus, Enter submits.
    expect(page.get_by_label("Numéro de l'appelant")).to_be_focused()
    page.keyboard.type("06 12 34 56 78")
    page.keyboard.press("Enter")
    expect(page.locator("#caller-e164")).to_have_text("06 12 34 56 78")
    expect(page.locator("#caller-e164 [data-e164]")).to_have_attribute("data-e164", "+33612345678")
    expect(page.locator("#previous-contacts")).to_contain_text("Premier contact")

    # Capture the need: "Neuilly" is ambiguous, the advisor picks Neuilly-sur-Seine among the candidates.
    page.get_by_label("Activité").select_option(label="Entretien de la maison et travaux ménagers (SAP06)")
    page.get_by_label("Commune").first.fill("Neuilly")
    page.get_by_label("Commune").first.press("Enter")
    candidates = page.locator("#commune-candidates")
    expect(candidates).to_contain_text("Neuilly-Plaisance")
    expect(candidates).to_contain_text("92200")
    page.locator(f"label[for=candidate-{builders.NEUILLY_SUR_SEINE}]").click()
    expect(page.locator(f"#candidate-{builders.NEUILLY_SUR_SEINE}")).to_be_checked()
    page.get_by_role("button", name="Enregistrer le besoin").click()
    expect(page.locator("#need-summary")).to_contain_text("Neuilly-sur-Seine")

    # Search within the default 15 km: the three providers of Neuilly, not the one in Limoges.
    expect(page.get_by_label("Rayon (km)")).to_have_value("15")
    page.get_by_role("button", name="Rechercher").click()
    table = page.locator("#providers")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).not_to_contain_text(str(far))
    distances = [
        float(re.sub(r"[^\d,]", "", d).replace(",", ".")) for d in table.locator(".distance").all_inner_texts()
    ]
    assert all(d <= 15 for d in distances)
    # Each row says why it is there; the map draws the caller's commune and the three providers, offline.
    expect(table.locator(".ranking").first).to_contain_text("distance 0 à 5 km")
    expect(page.locator("#search-count")).to_contain_text("3 prestataires correspondent")
    expect(page.locator("#providers-map path.leaflet-interactive")).to_have_count(4)
    expect(page.locator("#providers-map .leaflet-tooltip")).to_contain_text("Neuilly-sur-Seine")

    # Give details: without consent it is refused; with consent it is recorded.
    _tick_first_two(page)
    page.get_by_role("button", name="Donner les coordonnées").click()
    expect(page.get_by_role("alert")).to_contain_text("consentement")
    boxes = page.locator("#providers tbody input[type=checkbox]")
    for i in (0, 1):  # kept after the refusal: the advisor does not tick them again
        expect(boxes.nth(i)).to_be_checked()
    page.locator("label[for=consent]").click()
    expect(page.locator("#consent")).to_be_checked()
    path = os.environ.get("PLATEAU_DESK_SCREENSHOT", "")
    if path:
        page.screenshot(path=path, full_page=True)
    page.get_by_role("button", name="Donner les coordonnées").click()
    expect(page.locator("#details-given li")).to_have_count(2)

    # Wrap up and close.
    page.get_by_label("Code de clôture").select_option(label="Coordonnées de prestataires données")
    page.get_by_label("Notes").fill("Ménage deux fois par semaine")
    page.get_by_role("button", name="Clore le contact").click()
    expect(page.get_by_role("heading", name=re.compile("Poste conseiller"))).to_be_visible()

    contact = Contact.objects.get()
    assert (contact.status, contact.wrap_up.code, contact.channel) == ("closed", "details_given", "call")
    assert (contact.caller.phone_e164, contact.commune_insee, contact.activity.code) == (
        "+33612345678",
        builders.NEUILLY_SUR_SEINE,
        "SAP06",
    )
    assert contact.notes == "Ménage deux fois par semaine"
    search = contact.searches.get()
    assert search.radius_km == 15 and not UnmetNeed.objects.exists()
    given = list(DetailsGiven.objects.filter(contact=contact).order_by("rank"))
    proposals = list(ProviderProposal.objects.filter(search=search).order_by("rank"))
    assert [d.provider_id for d in given] == [p.provider_id for p in proposals[:2]]
    assert all(d.consent_given_at and d.given_by_id == line.advisor.pk for d in given)

    # The supervisor of the programme sees the contact counted.
    page.context.clear_cookies()
    _log_in(page, base, line.supervisor.username)
    page.get_by_role("link", name="Supervision").click()
    expect(page.locator("#todays-contacts tbody tr")).to_have_count(1)
    expect(page.locator("#todays-contacts")).to_contain_text("06 12 34 56 78")
    expect(page.locator('#wrap-up-counts tr[data-code="details_given"] .count')).to_have_text("1")
    if path:
        page.screenshot(path=path.replace(".png", "-supervision.png"), full_page=True)
