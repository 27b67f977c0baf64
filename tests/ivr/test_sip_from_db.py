"""The SIP gateway plays flows published in the database: a real sipp caller follows the stored menu, and the
caller's RTP carries the programme's recorded prompt byte for byte; ``plateau sip``'s loader falls back to the
built-in line and notices a publication."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from plateau.domain.ivr import parse_flow
from plateau.ivr import services
from plateau.ivr.lines import Lines, load_lines
from plateau.ivr.models import RecordedPrompt
from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip import rtp, sdp
from plateau.services.sip.calls import GatewayConfig
from plateau.services.sip.dialog import Registrar
from plateau.services.sip.gateway import Gateway
from plateau.services.sip.message import SipMessage
from plateau.services.sip.server import DatabaseFlows, national_line
from plateau.services.sip.transport import Timers
from tests.sip import harness
from tests.sip._isolated import run_isolated
from tests.sip.test_gateway_rtp import Peer

from . import builders

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps"),
]

STORED = {
    "start": "accueil",
    "nodes": {
        "accueil": {"type": "menu", "prompt": "welcome", "options": {"1": "merci", "2": "file"}, "timeout_s": 8,
                    "retries": 0},
        "merci": {"type": "hangup", "prompt": "goodbye"},
        "file": {"type": "queue", "queue": "appels"},
    },
}  # fmt: skip


def published_line(tmp_path, seconds: float = 2.0) -> tuple[builders.Line, Lines]:
    line = builders.line("32 11")  # dialled as 3211, the number the sipp scenarios call
    services.record_prompt(actor=line.manager, programme=line.programme, name="welcome",
                           content=builders.wav(tmp_path / "accueil.wav", seconds, freq=523))  # fmt: skip
    services.save_flow_draft(actor=line.manager, programme=line.programme, data=STORED)
    services.publish_flow(actor=line.manager, programme=line.programme)
    return line, load_lines()


async def with_gateway(lines: Lines, body: Callable[[Gateway, list[Any]], Any]) -> list[Any]:
    events: list[Any] = []
    config = GatewayConfig(clock=lambda: harness.WEDNESDAY_10H, timers=Timers(t1=0.1, t2=0.4, t4=0.5))
    gateway = Gateway(lines.programmes, harness.tone_prompts().with_audio(lines.audio), config, Registrar(),
                      on_event=events.append)  # fmt: skip
    await gateway.start()
    try:
        await body(gateway, events)
    finally:
        await asyncio.wait_for(gateway.close(), 5)
    return events


def test_given_a_flow_published_in_the_database_when_sipp_presses_1_then_the_gateway_follows_the_stored_menu(
    tmp_path,
):
    line, lines = published_line(tmp_path)

    async def call(gateway: Gateway, events: list[Any]) -> None:
        caller = await harness.sipp("caller_menu_rfc4733.xml", gateway.port, tmp=tmp_path)
        code, out = await caller.result()
        assert code == 0, out
        async with asyncio.timeout(10):
            while not any(isinstance(e, ev.CallEnded) for e in events):  # noqa: ASYNC110 (events from callbacks)
                await asyncio.sleep(0.02)

    events = run_isolated(asyncio.wait_for(with_gateway(lines, call), 60))
    (started,) = [e for e in events if isinstance(e, ev.CallStarted)]
    (ended,) = [e for e in events if isinstance(e, ev.CallEnded)]
    assert started.programme == line.programme.slug
    assert ended.record.path == ("accueil", "merci")  # the node names of the stored flow
    assert (ended.record.cause, ended.record.digits) == ("ivr_flow", "1")


def test_given_a_recorded_welcome_then_the_caller_hears_its_bytes_instead_of_the_synthesised_prompt(tmp_path):
    line, lines = published_line(tmp_path, seconds=1.0)
    recorded = bytes(RecordedPrompt.objects.get(programme=line.programme, name="welcome").ulaw)
    media = Peer()

    async def call(gateway: Gateway, events: list[Any]) -> None:
        loop = asyncio.get_running_loop()
        sip = Peer()
        await loop.create_datagram_endpoint(lambda: sip, local_addr=("127.0.0.1", 0))
        await loop.create_datagram_endpoint(lambda: media, local_addr=("127.0.0.1", 0))
        assert sip.transport is not None and media.transport is not None
        sip_port = sip.transport.get_extra_info("sockname")[1]
        rtp_port = media.transport.get_extra_info("sockname")[1]
        uri = f"sip:{harness.NUMBER}@127.0.0.1:{gateway.port}"
        party = {"from_": f"<sip:caller@127.0.0.1:{sip_port}>;tag=db", "call_id": "db-1", "cseq": 1}
        invite = sipmsg.request("INVITE", uri, via_host="127.0.0.1", via_port=sip_port, branch=sipmsg.new_branch(),
                                to=f"<{uri}>", contact=f"<sip:caller@127.0.0.1:{sip_port}>",
                                body=sdp.offer("127.0.0.1", rtp_port, sdp.Session(1), codec="PCMU"),
                                **party)  # fmt: skip
        sip.transport.sendto(invite, ("127.0.0.1", gateway.port))
        async with asyncio.timeout(5):
            while not any(b" 200 OK" in d[:20] for _, d in sip.received):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        ok = next(m for m in (sipmsg.parse(d) for _, d in sip.received) if isinstance(m, SipMessage) and m.code == 200)
        ack = sipmsg.request("ACK", uri, via_host="127.0.0.1", via_port=sip_port, branch=sipmsg.new_branch(),
                             to=ok.header("To") or "", **party)  # fmt: skip
        sip.transport.sendto(ack, ("127.0.0.1", gateway.port))
        # The whole 1 s recording (50 frames of 20 ms), however slowly this machine sends it.
        async with asyncio.timeout(30):
            while len(media.received) < len(rtp.frames(recorded, "PCMU")):  # noqa: ASYNC110
                await asyncio.sleep(0.05)

    run_isolated(asyncio.wait_for(with_gateway(lines, call), 30))
    payload = b"".join(p.payload for p in (rtp.unpack(d) for _, d in media.received) if p is not None)
    expected = b"".join(rtp.frames(recorded, "PCMU"))
    assert payload[: len(expected)] == expected
    assert harness.tone_prompts().frames("welcome", "PCMU")[0] not in payload[: len(expected)]


def test_given_plateau_sip_then_the_built_in_line_answers_until_a_flow_is_published_and_then_it_is_reloaded(tmp_path):
    builtin = {harness.NUMBER: ("national", parse_flow("national", national_line("sip:urssaf@127.0.0.1:5070")))}
    source = DatabaseFlows(builtin, harness.tone_prompts())
    programmes, _ = source.load()
    assert programmes == builtin and not source.changed()
    line, _ = published_line(tmp_path)
    assert source.changed()
    programmes, prompts = source.load()
    assert programmes[harness.NUMBER][0] == line.programme.slug
    assert f"{line.programme.slug}/welcome" in prompts and "welcome" in prompts
    assert not source.changed()


def publish_in_thread(tmp_path) -> tuple[builders.Line, Lines]:
    try:
        return published_line(tmp_path)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_given_a_running_gateway_when_a_flow_is_published_then_it_answers_with_it_within_the_reload_period(tmp_path):
    builtin = {harness.NUMBER: ("national", parse_flow("national", national_line("sip:urssaf@127.0.0.1:5070")))}
    source = DatabaseFlows(builtin, harness.tone_prompts())
    programmes, prompts = source.load()
    seen: list[str] = []

    async def scenario() -> None:
        config = GatewayConfig(clock=lambda: harness.WEDNESDAY_10H, timers=Timers(t1=0.1, t2=0.4, t4=0.5))
        gateway = Gateway(programmes, prompts, config, Registrar())
        await gateway.start()
        watcher = asyncio.get_running_loop().create_task(source.watch(gateway, 0.1))
        try:
            seen.append(gateway.programmes[harness.NUMBER][0])
            line, _ = await asyncio.to_thread(publish_in_thread, tmp_path)  # the ORM off the event loop
            async with asyncio.timeout(10):
                while gateway.programmes[harness.NUMBER][0] != line.programme.slug:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            seen.append(gateway.programmes[harness.NUMBER][0])
            assert f"{line.programme.slug}/welcome" in gateway.prompts
        finally:
            watcher.cancel()
            await asyncio.wait_for(gateway.close(), 5)

    run_isolated(asyncio.wait_for(scenario(), 30))
    assert seen[0] == "national" and seen[1].startswith("prog-")
