"""A walk through every page of the header menu as each demo role, in headless Debian chromium, on the demo
data `make run` loads. The shared browser checks (tests/browser.py) fail the walk on any console error, failed
request or accessibility violation; each page is kept as a screenshot (PLATEAU_WALK_SCREENSHOTS=<dir>)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.demo.loader import DEMO_PROVIDER_USERNAME, load_all
from plateau.demo.programmes import DEMO_PASSWORD
from plateau.tenants.models import User
from tests.browser import check_page, page_checks_of

ROLES = ("conseiller1.sap", "superviseur.sap", "responsable.sap", DEMO_PROVIDER_USERNAME)


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()


def _shoot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=folder / (re.sub(r"[^\w.-]+", "_", name).strip("_") + ".png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_the_demo_when_each_role_walks_every_page_of_its_menu_then_french_pages_without_errors(
    live_server: Any, open_page: Any, tmp_path: Path, reference_data: None
) -> None:
    load_all(scale=0.02)
    folder = Path(os.environ.get("PLATEAU_WALK_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    names = {u.get_full_name() for u in User.objects.filter(username__in=ROLES)}
    assert len(names) == len(ROLES)  # distinct display names
    for username in ROLES:
        page = open_page()
        page.set_default_timeout(60_000)  # a loaded 2-core machine
        _log_in(page, base, username)
        expect(page.locator("#current-user")).not_to_have_text(username)  # a person's name, not the login
        _shoot(page, folder, f"{username}-home")
        links = page.locator("#main-navigation a.fr-nav__link")
        hrefs = sorted({h for h in (links.nth(i).get_attribute("href") for i in range(links.count())) if h})
        assert len(hrefs) >= 2, username
        for href in hrefs:
            page.goto(f"{base}{href}", wait_until="load")
            assert page.locator("h1").count() >= 1, href
            check_page(page)
            _shoot(page, folder, f"{username}-{href}")
        if username == DEMO_PROVIDER_USERNAME:  # the portal's own pages
            for link in ("Déclarer mes disponibilités", "Connecter mon logiciel (webhooks, API)"):
                page.goto(f"{base}/p/reseaux-prestataires/prestataire/")
                page.get_by_role("link", name=link).click()
                expect(page.locator("h1")).to_be_visible()
                expect(page.locator("main input.fr-input").first).to_be_visible()  # DSFR inputs, not bare ones
                check_page(page)
                _shoot(page, folder, f"{username}-{link}")
        if username == "superviseur.sap":  # supervision rows open the contact
            page.goto(f"{base}/p/sap-national/supervision/")
            first = page.locator("#todays-contacts tbody a").first
            if first.count():
                first.click()
                expect(page.get_by_role("complementary", name="Appelant")).to_be_visible()
                check_page(page)
                _shoot(page, folder, f"{username}-contact")
    page = open_page()
    page_checks_of(page).allow(r"404")  # the one error this walk provokes on purpose
    _log_in(page, base, ROLES[0])
    page.goto(f"{base}/p/nulle-part/poste/")
    expect(page.get_by_role("heading", name="Page non trouvée")).to_be_visible()
    expect(page.get_by_role("link", name="Retour à mes programmes")).to_be_visible()
    _shoot(page, folder, "404")
