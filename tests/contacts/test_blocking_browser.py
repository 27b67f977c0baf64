"""In headless Debian chromium: a supervisor marks a nuisance caller from the contact page's nuisance history,
sees the mark on the programme's page and lifts it; the advisor gets neither the action nor the page."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.contacts import services
from plateau.contacts.models import CallerBlock
from plateau.tenants.models import AuditEntry, ProgrammeKind
from tests import factories
from tests.browser import page_checks_of


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_a_nuisance_history_when_the_supervisor_blocks_from_the_contact_then_listed_and_advisor_cannot(
    live_server: Any, open_page: Any, reference_data: None, tmp_path: Any
) -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor, supervisor = factories.advisor(programme), factories.supervisor(programme)
    first = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    services.wrap_up(first, actor=advisor, code="nuisance_prank")
    again = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="+33 6 12 34 56 78")
    base = live_server.url
    shots = os.environ.get("PLATEAU_SCREENSHOT_DIR", str(tmp_path))

    adv = open_page()
    _log_in(adv, base, advisor.username)
    adv.goto(f"{base}/p/{programme.slug}/contacts/{again.pk}/")
    expect(adv.locator("#nuisance-history")).to_contain_text("clos une fois comme appel parasite")
    expect(adv.locator("#block-caller-link")).to_have_count(0)
    page_checks_of(adv).allow(r"404")
    response = adv.goto(f"{base}/p/{programme.slug}/appelants-bloques/")
    assert response is not None and response.status == 404

    sup = open_page()
    _log_in(sup, base, supervisor.username)
    sup.goto(f"{base}/p/{programme.slug}/contacts/{again.pk}/")
    sup.locator("#block-caller-link").click()
    expect(sup.get_by_role("heading", name="Appelants bloqués", exact=False)).to_be_visible()
    expect(sup.get_by_label("Numéro de l'appelant")).to_have_value("+33612345678")
    sup.get_by_label("Durée").select_option("3")
    sup.get_by_label("Motif").fill("Canulars répétés, insultes")
    sup.screenshot(path=f"{shots}/caller-block-form.png", full_page=True)
    sup.get_by_role("button", name="Bloquer ce numéro").click()
    expect(sup.locator(".fr-alert--success, .fr-alert--info").first).to_contain_text("Numéro bloqué jusqu'au")
    row = sup.locator('#caller-blocks tr[data-e164="+33612345678"]')
    expect(row).to_have_attribute("data-active", "1")
    expect(row).to_contain_text("Canulars répétés, insultes")
    expect(row).to_contain_text("06 12 34 56 78")
    sup.screenshot(path=f"{shots}/caller-blocks.png", full_page=True)
    block = CallerBlock.objects.get()
    assert block.contact_id == again.pk and block.created_by == supervisor

    adv.goto(f"{base}/p/{programme.slug}/contacts/{again.pk}/")
    expect(adv.locator("#caller-blocked")).to_contain_text("Numéro bloqué jusqu'au")

    row.get_by_label("Motif de la levée (facultatif)").fill("L'appelant s'est excusé")
    row.get_by_role("button", name="Lever le blocage").click()
    expect(sup.locator('#caller-blocks tr[data-e164="+33612345678"]')).to_have_attribute("data-active", "0")
    expect(sup.locator("#caller-blocks")).to_contain_text("L'appelant s'est excusé")
    assert AuditEntry.objects.filter(action="caller.block_lifted", actor=supervisor).count() == 1
