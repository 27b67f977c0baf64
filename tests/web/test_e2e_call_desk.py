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
import subprocess
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.calls import services as call_services
from plateau.domain.ivr import parse_flow
from plateau.services.router import runtime
from plateau.services.router.bus import RoutingMessage
from plateau.services.router.client import RouterClient
from plateau.services.sip.calls import GatewayConfig
from plateau.services.sip.dialog import Registrar
from plateau.services.sip.gateway import Gateway
from plateau.services.sip.router_port import RouterPort
from plateau.services.sip.transport import Timers
from tests.sip import harness
from tests.sip.harness import NUMBER, WEDNESDAY_10H, menu_flow, sipp
from tests.sip.test_router_port import db, experts, prompts, set_phone
from tests.web.test_e2e_routing import log_in, plateau_asgi

__all__ = ["plateau_asgi"]
SLUG = "sap-national"


async def call_through_the_gateway(
    tmp: Path, advisor: str, voice: str, messages: list[RoutingMessage]
) -> list[tuple[int, str]]:
    gw = Gateway({NUMBER: (SLUG, parse_flow(SLUG, menu_flow()))}, prompts(),
                 GatewayConfig(clock=lambda: WEDNESDAY_10H, timers=Timers(t1=0.1, t2=0.4, t4=0.5), var_dir=tmp),
                 Registrar())  # fmt: skip
    bus = runtime.bus()
    port = RouterPort(RouterClient(redis_url=""), bus, call_services, queues={"directory": "appels"})
    port.attach(gw)

    async def collect() -> None:
        async for m in bus.subscribe():
            if m.kind != "status":
                messages.append(m)

    collector = asyncio.get_running_loop().create_task(collect())
    await gw.start()
    await port.start()
    try:
        phone = await sipp("advisor_answer.xml", None, replace={"RINGMS": "5000", "VOICE_WAV": voice}, tmp=tmp)
        await db(set_phone, advisor, f"sip:{advisor}@127.0.0.1:{phone.port}")
        caller = await sipp("caller_queue.xml", gw.port, tmp=tmp, replace={"TALKMS": "12000", "VOICE_WAV": voice})
        results = [await caller.result(40), await phone.result(40)]
        async with asyncio.timeout(10):
            while not any(m.kind == "CallEnded" for m in messages):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        return results
    finally:
        await asyncio.wait_for(gw.close(), 5)
        await port.close()
        collector.cancel()


@pytest.mark.browser
@pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps")
@pytest.mark.django_db(transaction=True)
def test_given_a_caller_queued_when_the_advisor_accepts_on_the_desk_then_the_phone_is_bridged_and_the_call_shows(
    plateau_asgi: str, browser: Any, tmp_path: Path
) -> None:
    voice = tmp_path / "voice.wav"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-e", "a-law", str(voice), "synth", "30", "sine", "440",
                    "vol", "0.3"], check=True, timeout=30)  # fmt: skip
    base = plateau_asgi
    advisor = experts()[0]
    page = browser.new_context(locale="fr-FR").new_page()
    log_in(page, base, advisor)
    page.goto(f"{base}/p/{SLUG}/poste/")
    page.locator("#routing-login").click()
    expect(page.locator("#routing-state")).to_have_attribute("data-state", "available")

    with ThreadPoolExecutor(1) as pool:
        messages: list[RoutingMessage] = []  # filled by the SIP thread
        sip: Future[Any] = pool.submit(asyncio.run, call_through_the_gateway(tmp_path, advisor, str(voice), messages))
        expect(page.locator("#offer")).to_be_visible(timeout=15_000)
        expect(page.locator("#offer-caller")).to_have_text("0612345678")
        page.locator("#offer-accept").click()
        expect(page).to_have_url(re.compile(rf"{base}/p/{SLUG}/contacts/\d+/$"))
        contact_page = page.url
        deadline = time.monotonic() + 15
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
    expect(record).to_contain_text("hangup (caller)")
    page.context.close()
