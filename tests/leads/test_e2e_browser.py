"""End to end in headless Debian chromium: the advisor forwards the request with consent, the provider
acknowledges it and records the outcome in its portal, the advisor's supervisor sees the outcome."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity
from plateau.leads.models import Lead
from tests import factories
from tests.contacts import builders as cb
from tests.leads import builders


def _log_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_a_forwarded_request_when_the_provider_acknowledges_and_agrees_then_the_supervisor_sees_it(
    live_server: Any, page: Any
) -> None:
    sync_activities(Activity)
    seed_wrap_up_codes(WrapUpCode)
    cb.demo_communes()
    net = builders.network(providers=2)
    contact = builders.contact_with_need(net)
    base, slug = live_server.url, net.programme.slug

    _log_in(page, base, net.advisor.username)
    page.goto(f"{base}/p/{slug}/contacts/{contact.pk}/")
    page.locator("#forward-link").click()
    expect(page.locator("#consent-text")).to_contain_text("48 heures")
    page.locator("#forward-submit").click()  # without consent: refused, with the reason
    expect(page.locator("#forward-form")).to_contain_text("n'a pas consenti")
    page.locator("label[for=consent]").click()
    page.locator("#forward-submit").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Demande transmise")
    lead = Lead.objects.get()
    owner = net.provider_users[[p.pk for p in net.providers].index(lead.provider_id)]

    _log_in(page, base, owner.username)
    page.goto(f"{base}/p/{slug}/prestataire/")
    page.locator("#portal-leads").get_by_role("link", name=str(lead.pk)).click()
    page.locator("#acknowledge").click()
    expect(page.locator("#lead-state")).to_contain_text("Prise en compte")
    page.get_by_label("Résultat").select_option("agreed")
    page.get_by_label("Date de la prestation").fill("2026-06-10")
    page.locator("#record-outcome").click()
    expect(page.locator("#lead-state")).to_contain_text("Prestation convenue")

    _log_in(page, base, net.supervisor.username)
    page.goto(f"{base}/p/{slug}/demandes/")
    expect(page.locator("#leads .lead-state").first).to_have_text("Prestation convenue")
    page.locator("#leads").get_by_role("link", name=str(lead.pk)).click()
    expect(page.locator("#proposals tbody tr")).to_have_count(2)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_a_provider_registering_an_internal_webhook_then_refused_and_a_public_one_shows_two_secrets(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    sync_activities(Activity)
    cb.demo_communes()
    net = builders.network(providers=1)
    base, slug = live_server.url, net.programme.slug
    _log_in(page, base, net.provider_users[0].username)
    page.goto(f"{base}/p/{slug}/prestataire/connexion/")
    page.locator("#webhook-form input[name=url]").fill("https://169.254.169.254/latest/meta-data/")
    page.locator("#webhook-form button").click()
    expect(page.locator("#webhook-form")).to_contain_text("adresse interne ou réservée (169.254.169.254)")
    page.locator("#webhook-form input[name=url]").fill("https://93.184.216.34/plateau")
    page.locator("#webhook-form button").click()
    expect(page.locator("#secret-value")).to_be_visible()
    expect(page.locator("#inbound-secret-value")).to_be_visible()
    assert page.locator("#secret-value").inner_text() != page.locator("#inbound-secret-value").inner_text()
    page.screenshot(path=str(tmp_path / "integration.png"), full_page=True)
