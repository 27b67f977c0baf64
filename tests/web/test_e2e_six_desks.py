"""In headless Debian chromium: each of the six demo programmes' advisors gets only that programme's panels
and wrap-up codes (issue 10 item 8: one parametrised test over the six reference programmes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.contacts.models import WrapUpCode
from plateau.demo.programmes import DEMO_PASSWORD, load_programmes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity

# (programme, advisor, whether the desk has the directory's need panel, a code of its trade only)
DESKS = [
    ("sap-national", "conseiller1.sap", True, "transferred_urssaf"),
    ("reseaux-prestataires", "conseiller1.sap", True, "lead_forwarded"),
    ("allo-service-public", "conseiller1.allo", False, "transferred"),
    ("teleassistance", "conseiller1.teleassistance", False, "emergency"),
    ("transport-solidarite", "conseiller1.transport", False, "ineligible_oriented"),
    ("assistance-informatique", "conseiller1.assistance", False, "troubleshooting"),
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("slug", "username", "directory", "own_code"), DESKS, ids=[d[0] for d in DESKS])
def test_given_a_demo_programme_when_its_advisor_takes_a_call_then_only_its_panels_and_codes_show(
    live_server: Any, page: Any, slug: str, username: str, directory: bool, own_code: str, tmp_path: Path
) -> None:
    sync_activities(Activity)
    programme = load_programmes()[slug]
    expected = {c.code for c in WrapUpCode.objects.for_programme(programme) if c.is_active}
    page.goto(f"{live_server.url}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()
    page.goto(f"{live_server.url}/p/{slug}/poste/")
    page.get_by_label("Numéro de l'appelant").fill("06 12 34 56 78")
    page.get_by_label("Numéro de l'appelant").press("Enter")
    expect(page.locator("#caller-e164 [data-e164]")).to_have_attribute("data-e164", "+33612345678")

    expect(page.locator("#need-form")).to_have_count(1 if directory else 0)
    expect(page.locator("#search-form")).to_have_count(0)  # nothing to search before the need, never without it
    shown = {v for v in page.locator("select[name=code] option").evaluate_all("els => els.map(e => e.value)") if v}
    assert shown == expected and own_code in shown
    others = {code for _, _, _, code in DESKS if code not in expected}
    assert not shown & others
    if not directory:
        expect(page.locator("main")).not_to_contain_text("Prestataires à proximité")
    page.screenshot(path=str(tmp_path / f"{slug}.png"), full_page=True)
