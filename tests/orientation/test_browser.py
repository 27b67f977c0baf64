"""In headless Debian chromium: an advisor of the public-information line orients a caller to level 2 (theme,
commune, suggestions open/closed, number given, wrap-up pre-selected), and the manager's destinations page."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.demo.programmes import DEMO_PASSWORD, load_programmes
from plateau.geo.services import load_demo_communes
from plateau.orientation.demo import load_orientation_demo
from plateau.orientation.models import Orientation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()


def _shots(tmp_path: Any) -> str:
    return os.environ.get("PLATEAU_SCREENSHOT_DIR", str(tmp_path))


def test_given_a_caller_of_neuilly_plaisance_when_the_advisor_orients_them_then_number_given_and_wrap_up_ready(
    live_server: Any, page: Any, page_checks: Any, tmp_path: Any
) -> None:
    load_demo_communes()
    programme = load_programmes()["allo-service-public"]
    load_orientation_demo(programme)
    base = live_server.url
    _login(page, base, "conseiller1.allo")
    page.goto(f"{base}/p/allo-service-public/poste/")
    page.get_by_label("Numéro de l'appelant").fill("06 12 34 56 78")
    page.get_by_label("Numéro de l'appelant").press("Enter")
    expect(page.locator("#orientation-panel")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("Alt+O orienter")

    page.get_by_label("Thème de la demande").select_option(label="Carte d'identité, passeport")
    page.get_by_label("Commune de l'appelant (facultatif)").fill("Neuilly-Plaisance")
    page.get_by_role("button", name="Chercher le service compétent").click()
    expect(page.locator("#orientation-commune")).to_contain_text("Neuilly-Plaisance (93)")
    cards = page.locator("#orientation-suggestions > li")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Préfecture de la Seine-Saint-Denis")
    expect(cards.nth(0)).to_contain_text("compétente pour le département")
    expect(cards.nth(1)).to_contain_text("Agence nationale des titres sécurisés")
    # Open or closed depends on when the test runs: the badge says what the card's state is, in words.
    for card in (cards.nth(0), cards.nth(1)):
        expect(card.locator(".fr-badge")).to_have_text("ouvert" if card.get_attribute("data-open") == "1" else "fermé")
    expect(cards.nth(1)).to_contain_text("À transmettre : Numéro de la demande (ANTS)")
    expect(page.get_by_role("button", name="Transférer l'appel")).to_have_count(0)  # typed by hand: no live call
    page.screenshot(path=f"{_shots(tmp_path)}/orientation-suggestions.png", full_page=True)

    cards.nth(1).get_by_role("button", name="Donner le numéro").click()
    expect(page.locator(".fr-alert--success, .fr-notice, [role=alert]").first).to_contain_text("3400")
    expect(page.locator("#orientation-done")).to_contain_text("Numéro donné · Agence nationale des titres sécurisés")
    expect(page.locator("#wrap-form select[name=code]")).to_have_value("oriented")
    page.screenshot(path=f"{_shots(tmp_path)}/orientation-given.png", full_page=True)
    page.get_by_role("button", name="Clore le contact").click()
    expect(page.get_by_text("clos")).to_be_visible()
    orientation = Orientation.objects.get()
    assert (orientation.mode, orientation.target, orientation.commune_insee) == ("number_given", "3400", "93049")


def test_given_the_manager_when_opening_the_destinations_page_then_readable_with_its_form(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    load_demo_communes()
    load_orientation_demo(load_programmes()["teleassistance"])
    _login(page, live_server.url, "responsable.teleassistance")
    page.goto(f"{live_server.url}/p/teleassistance/orientation/")
    expect(page.locator("#destinations")).to_contain_text("Médecin de garde")
    expect(page.locator("#destinations")).to_contain_text("116 117")
    expect(page.get_by_label("Horaires du lundi")).to_be_visible()
    page.screenshot(path=f"{_shots(tmp_path)}/orientation-manager.png", full_page=True)
