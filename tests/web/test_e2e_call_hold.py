"""Hold from the desk in headless chromium: a real call (our gateway, sipp caller and phone) bridged to the
advisor (answered on the phone), who presses *Mettre en garde* then *Reprendre l'appel*; the supervisor's
wallboard counts the call on hold live, then its KPIs count the time on hold once the call ends; the phone saw the
re-INVITEs (sendonly, then sendrecv)."""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.services.router.bus import RoutingMessage
from tests.sip import harness
from tests.sip.test_router_port import experts
from tests.web.test_e2e_call_desk import call_through_the_gateway
from tests.web.test_e2e_routing import log_in

SLUG = "sap-national"


@pytest.mark.browser
@pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps")
@pytest.mark.django_db(transaction=True)
def test_given_a_bridged_call_when_the_advisor_holds_and_resumes_on_the_desk_then_the_wallboard_counts_it(
    plateau_asgi: str, open_page: Any, tmp_path: Path
) -> None:
    voice = harness.voice_wav(tmp_path / "voice.wav")
    base = plateau_asgi
    advisor = experts()[0]
    sup = open_page()
    log_in(sup, base, "superviseur.sap")
    sup.goto(f"{base}/p/{SLUG}/tableau/")
    expect(sup.locator("#wb-on-hold")).to_have_text("—")  # nothing told yet by the gateway
    page = open_page()
    log_in(page, base, advisor)
    page.goto(f"{base}/p/{SLUG}/poste/")
    page.locator("#routing-login").click()
    expect(page.locator("#routing-state")).to_have_attribute("data-state", "available")

    with ThreadPoolExecutor(1) as pool:
        messages: list[RoutingMessage] = []  # filled by the SIP thread
        sip: Future[Any] = pool.submit(
            asyncio.run,
            call_through_the_gateway(
                tmp_path, advisor, voice, messages, phone_scenario="advisor_hold.xml", phone_values={}, talk_ms=14000
            ),
        )
        deadline = time.monotonic() + 15
        while not any(m.kind == "CallBridged" for m in messages) and time.monotonic() < deadline:
            time.sleep(0.1)  # the phone answers as it rings: the offer is taken on the phone, not on the desk
        page.get_by_role("button", name="Mettre en garde").click()
        expect(page.locator("#call-status")).to_have_text("Appel mis en garde : l'appelant entend la musique.")
        expect(sup.locator("#wb-on-hold")).to_have_text("1", timeout=10_000)
        page.screenshot(path=str(tmp_path / "desk-hold.png"))
        sup.screenshot(path=str(tmp_path / "wallboard-hold.png"), full_page=True)
        page.wait_for_timeout(1200)  # on hold for more than a second: the KPI below reads at least 1 s
        page.get_by_role("button", name="Reprendre l'appel").click()
        expect(page.locator("#call-status")).to_have_text("Appel repris.")
        expect(sup.locator("#wb-on-hold")).to_have_text("0", timeout=10_000)
        results = sip.result(60)
    # the call ended: its completion told the router its time on hold, the live KPIs count it
    expect(sup.locator("#wb-kpi-hold_total")).to_have_text(re.compile(r"^[1-9][0-9]*$"), timeout=10_000)
    expect(sup.locator("#wb-kpi-hold_average")).to_have_text(re.compile(r"^[1-9][0-9]*$"))
    sup.screenshot(path=str(tmp_path / "wallboard-hold-kpis.png"), full_page=True)

    assert all(code == 0 for code, _ in results), results  # the phone got sendonly then sendrecv, each ACKed
    held = [m for m in messages if m.kind == "CallHeld"]
    assert [(m.data["by"], m.data["on_hold"]) for m in held] == [("advisor", 1)]
