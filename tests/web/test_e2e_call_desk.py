"""A real phone call through the desk, in headless chromium: uvicorn with the embedded router, our SIP gateway
and its router port in a thread, sipp as the caller and as the advisor's phone.

The offer rings on the desk and on the phone; the advisor accepts on the desk and lands on the contact page;
the phone (which answers after a few rings, like an auto-answer softphone) is bridged to the caller; back on
the desk the advisor records the call (announced to the caller first); the call's detail record then shows on
the contact.
"""

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

from plateau.services.router import runtime
from plateau.services.router.bus import RoutingMessage
from tests.sip import harness
from tests.sip.harness import sipp
from tests.sip.test_router_port import Routing, db, experts, plant, set_phone
from tests.web.test_e2e_routing import log_in

SLUG = "sap-national"


async def call_through_the_gateway(
    tmp: Path,
    advisor: str,
    voice: str,
    messages: list[RoutingMessage],
    *,
    phone_scenario: str = "advisor_answer.xml",
    phone_values: dict[str, str] | None = None,
    talk_ms: int = 12000,
) -> list[tuple[int, str]]:
    """One queued sipp caller reaching ``advisor``'s sipp phone through the gateway; the sipp results."""
    async with plant(Routing(runtime.bus(), ""), tmp, messages=messages) as p:
        values = {"VOICE_WAV": voice, "GATEWAY_PORT": str(p.gateway.port)}
        values |= {"RINGMS": "5000"} if phone_values is None else phone_values
        phone = await sipp(phone_scenario, None, replace=values, tmp=tmp)
        await db(set_phone, advisor, f"sip:{advisor}@127.0.0.1:{phone.port}")
        caller = await sipp(
            "caller_queue.xml", p.gateway.port, tmp=tmp, replace={"TALKMS": str(talk_ms), "VOICE_WAV": voice}
        )
        results = [await caller.result(40), await phone.result(40)]
        await p.wait(lambda: p.message("CallEnded"))
        return results


@pytest.mark.browser
@pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps")
@pytest.mark.django_db(transaction=True)
def test_given_a_caller_queued_when_the_advisor_accepts_on_the_desk_then_the_phone_is_bridged_and_the_call_shows(
    plateau_asgi: str, open_page: Any, tmp_path: Path
) -> None:
    voice = harness.voice_wav(tmp_path / "voice.wav")
    base = plateau_asgi
    advisor = experts()[0]
    page = open_page()
    log_in(page, base, advisor)
    page.goto(f"{base}/p/{SLUG}/poste/")
    page.locator("#routing-login").click()
    expect(page.locator("#routing-state")).to_have_attribute("data-state", "available")

    with ThreadPoolExecutor(1) as pool:
        messages: list[RoutingMessage] = []  # filled by the SIP thread
        sip: Future[Any] = pool.submit(asyncio.run, call_through_the_gateway(tmp_path, advisor, voice, messages))
        expect(page.locator("#offer")).to_be_visible(timeout=15_000)
        expect(page.locator("#offer-caller")).to_have_text("0612345678")
        page.locator("#offer-accept").click()
        expect(page).to_have_url(re.compile(rf"{base}/p/{SLUG}/contacts/\d+/$"))
        contact_page = page.url
        deadline = time.monotonic() + 60
        while not any(m.kind == "CallBridged" for m in messages) and time.monotonic() < deadline:
            time.sleep(0.1)  # the phone answers a few seconds after the desk accepted
        page.goto(f"{base}/p/{SLUG}/poste/")
        page.get_by_role("button", name="Enregistrer l'appel").click()
        expect(page.locator("#call-status")).to_have_text("Enregistrement en cours : l'appelant a été prévenu.")
        expect(page.locator("#call-status")).to_have_text("Appel terminé.", timeout=20_000)
        results = sip.result(60)

    assert all(code == 0 for code, _ in results), results
    answered = [m for m in messages if m.kind == "ContactAnswered"]
    bridged = [m for m in messages if m.kind == "CallBridged"]
    assert [m.advisor_id for m in answered] == [m.advisor_id for m in bridged] == [advisor]
    assert answered[0].data["contact_id"] == bridged[0].data["call_id"]
    assert [m.advisor_id for m in messages if m.kind == "RecordingSaved"] == [advisor]
    page.goto(contact_page)
    record = page.locator(".call-record")
    expect(record).to_contain_text("sap-national.appels")
    expect(record).to_contain_text("raccroché par l'appelant")
