"""In headless Debian chromium: each demo desk shows only its programme's panels and wrap-up codes."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.demo.programmes import DEMO_PASSWORD, load_programmes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity


def _open_call(page: Any, base: str, username: str, slug: str) -> None:
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()
    page.goto(f"{base}/p/{slug}/poste/")
    page.get_by_label("Numéro de l'appelant").fill("06 12 34 56 78")
    page.get_by_label("Numéro de l'appelant").press("Enter")
    expect(page.locator("#caller-e164 [data-e164]")).to_have_attribute("data-e164", "+33612345678")


def _code_labels(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#wrap-form select[name=code] option").all_inner_texts()][1:]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_telecare_and_national_advisors_when_opening_a_call_then_each_sees_only_their_panels_and_codes(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    sync_activities(Activity)
    load_programmes()
    base = live_server.url

    _open_call(page, base, "conseiller1.teleassistance", "teleassistance")
    expect(page.locator("#wrap-form")).to_be_visible()
    expect(page.locator("#need-form")).to_have_count(0)
    expect(page.locator("#search-form")).to_have_count(0)
    expect(page.locator("#shortcuts")).not_to_contain_text("Alt+R")
    telecare = _code_labels(page)
    assert "Urgence : secours déclenchés" in telecare and "Fausse alarme" in telecare
    assert not any("URSSAF" in label or "prestataire" in label for label in telecare)
    page.screenshot(path=os.environ.get("PLATEAU_SCREENSHOT_DIR", str(tmp_path)) + "/desk-telecare.png", full_page=True)

    page.context.clear_cookies()  # the next advisor logs in on the same browser
    _open_call(page, base, "conseiller1.sap", "sap-national")
    expect(page.locator("#need-form")).to_be_visible()
    expect(page.get_by_label("Activité")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("Alt+R rechercher")
    national = _code_labels(page)
    assert "Coordonnées de prestataires données" in national
    assert any("URSSAF" in label for label in national) and "Urgence : secours déclenchés" not in national
    page.screenshot(path=os.environ.get("PLATEAU_SCREENSHOT_DIR", str(tmp_path)) + "/desk-national.png", full_page=True)
