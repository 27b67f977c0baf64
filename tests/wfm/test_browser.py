"""In headless Debian chromium: a supervisor computes a staffing curve and sees the chart and the table."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

import plateau.wfm.reports  # noqa: F401  # matplotlib and scipy loaded before the clock of the first request starts
from tests import factories


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_supervisor_when_computing_staffing_in_the_browser_then_chart_table_and_csv_link(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    page.set_default_timeout(60_000)  # a loaded 2-core machine: the first chart takes seconds
    programme = factories.programme()
    supervisor = factories.supervisor(programme)
    page.goto(f"{live_server.url}/connexion/", wait_until="domcontentloaded")
    page.locator("#id_username").fill(supervisor.username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.goto(f"{live_server.url}/p/{programme.slug}/effectifs/", wait_until="domcontentloaded")
    page.get_by_label("Appels par intervalle").fill("180 90 45")
    page.get_by_label("Durée moyenne de traitement (s)").fill("240")
    page.get_by_label("Durée moyenne dans le serveur vocal (s)").fill("45")
    page.get_by_label("Appels refusés faute de ligne au plus (%)").fill("0.5")
    page.get_by_role("button", name="Calculer").click()
    expect(page.get_by_role("img", name="Conseillers nécessaires par intervalle")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("cell", name="29", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="Exporter le tableau (CSV)")).to_be_visible()
    expect(page.get_by_text("Lignes SIP à prévoir")).to_be_visible()  # trunk sizing beside the advisors
    expect(page.get_by_role("columnheader", name="Lignes SIP (menu + file + conversation)")).to_be_visible()
    page.screenshot(path=tmp_path / "staffing.png", full_page=True)  # kept by pytest for a look
