"""Dialogs as carriers and phones use them, against real sipp peers: re-INVITE (refresh, hold, codec change,
resume) each ACKed to its own transaction, wrong tags, delayed offer, UPDATE and session timers, hold from the
desk and glare on the advisor's leg. The harness runs the transaction timers with T1 = 100 ms, so timer H
(64·T1) is 6.4 s: waiting 7 s after the last re-INVITE proves what 32 s proves with the default T1."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from typing import Any

import pytest

from plateau.services.sip import events as ev
from tests.sip._isolated import run_isolated

from . import harness
from .harness import gateway, sipp

pytestmark = pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps")

PAST_TIMER_H = "7000"  # ms, > 64·T1 = 6.4 s with the harness's T1


def queue_flow() -> dict[str, Any]:
    """The caller waits in the queue with music at once (nobody to take the call)."""
    return {"start": "queue", "nodes": {"queue": {"type": "queue", "queue": "directory", "announce_every_s": 30}}}


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> str:
    return harness.voice_wav(tmp_path_factory.mktemp("media") / "voice.wav")


def run(coro):
    return run_isolated(asyncio.wait_for(coro, 90))


def test_given_re_invites_for_refresh_hold_codec_and_resume_when_each_is_acked_then_the_call_outlives_timer_h(
    tmp_path,
):
    async def scenario():
        async with gateway(queue_flow()) as gw:
            caller = await sipp("caller_reinvite.xml", gw.gateway.port, tmp=tmp_path, replace={"WAITMS": PAST_TIMER_H})
            (started,) = await gw.wait_for(ev.CallStarted)
            call = gw.gateway.calls[started.call_id]
            async with asyncio.timeout(10):
                while not call.side.holding:  # noqa: ASYNC110 (set by the re-INVITE's callback)
                    await asyncio.sleep(0.01)
            assert call.leg.muted  # on hold (sendonly, then inactive): we send the caller nothing
            code, out = await caller.result(40)
            assert code == 0, out  # every answer checked: same o= id, version +1 per change, mirrored direction
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by) == ("hangup", "caller")  # not no_ack at timer H
            assert call.leg.codec == "PCMU" and not call.leg.muted  # resumed with the new codec
            assert call.side.sdp.version == 3  # answers: 0, refresh unchanged 0, sendonly 1, inactive 2, PCMU 3

    run(scenario())


def test_given_a_bye_or_ack_with_wrong_tags_then_481_or_nothing_and_the_live_call_goes_on(tmp_path):
    async def scenario():
        async with gateway(queue_flow()) as gw:
            caller = await sipp("caller_wrong_tags.xml", gw.gateway.port, tmp=tmp_path,
                                replace={"WAITMS": PAST_TIMER_H})  # fmt: skip
            code, out = await caller.result(40)
            assert code == 0, out  # both forged BYEs got 481
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by) == ("hangup", "caller")
            assert ended.at - ended.record.answered_at > 7.0  # alive until the real BYE, past timer H
            assert gw.gateway.endpoint.counters.retransmitted >= 1  # the wrong-tag ACK did not stop the 200

    run(scenario())


def test_given_in_dialog_requests_with_a_cseq_not_above_the_last_then_500_and_the_call_is_untouched(tmp_path):
    async def scenario():
        async with gateway(queue_flow()) as gw:
            caller = await sipp("caller_cseq_order.xml", gw.gateway.port, tmp=tmp_path, replace={"WAITMS": "800"})
            (started,) = await gw.wait_for(ev.CallStarted)
            call = gw.gateway.calls[started.call_id]
            code, out = await caller.result(30)
            assert code == 0, out  # BYE with CSeq 5 (equal), BYE 3 and hold UPDATE 4 (lower): 500 each
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by) == ("hangup", "caller")  # by the BYE in order (6)
            assert ended.at - ended.record.answered_at > 0.8  # alive through the 500s
            assert ended.record.holds == 0 and not call.side.holding and not gw.of(ev.CallHeld)
            assert call.dialog.remote_cseq == 6

    run(scenario())


def test_given_an_invite_without_sdp_then_our_200_offers_and_the_ack_answers(tmp_path):
    async def scenario():
        async with gateway() as gw:
            caller = await sipp("caller_delayed_offer.xml", gw.gateway.port, tmp=tmp_path)
            code, out = await caller.result()
            assert code == 0, out
            (digit,) = gw.of(ev.DigitReceived)
            assert digit.digit == "1"
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert ended.record.path == ("menu", "one") and ended.record.cause == "ivr_flow"

    run(scenario())


def test_given_a_session_timer_when_the_caller_refreshes_by_update_then_the_call_lasts_many_intervals(tmp_path):
    async def scenario():
        async with gateway(queue_flow(), min_se=2) as gw:
            caller = await sipp("caller_update.xml", gw.gateway.port, tmp=tmp_path,
                                replace={"SESSION_S": "3", "REFRESHMS": "1200"})  # fmt: skip
            code, out = await caller.result(40)
            assert code == 0, out  # 422 with Min-SE first, then every UPDATE answered
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by) == ("hangup", "caller")
            assert ended.at - ended.record.answered_at > 2.5 * 3  # several 3-second session intervals

    run(scenario())


def test_given_a_session_timer_when_no_refresh_comes_then_the_gateway_hangs_up(tmp_path):
    async def scenario():
        async with gateway(queue_flow(), min_se=2) as gw:
            caller = await sipp("caller_no_refresh.xml", gw.gateway.port, tmp=tmp_path, replace={"SESSION_S": "3"})
            code, out = await caller.result(30)
            assert code == 0, out  # our BYE came
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by) == ("session_expired", "gateway")
            assert 1.5 < ended.at - ended.record.answered_at < 3.0  # before expiry: 3 s - min(32 s, 3 s / 3)

    run(scenario())


def test_given_refresher_uas_then_the_gateway_refreshes_by_update(tmp_path):
    async def scenario():
        async with gateway(queue_flow(), min_se=2) as gw:
            caller = await sipp("caller_refreshed_by_us.xml", gw.gateway.port, tmp=tmp_path, replace={"SESSION_S": "2"})
            code, out = await caller.result(30)
            assert code == 0, out  # three UPDATEs received and answered
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by) == ("hangup", "caller")

    run(scenario())


async def _stop(peer: harness.Sipp) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have ended on our BYE already
        peer.proc.kill()
    await peer.result(5)


async def _bridged(
    gw: harness.Run, tmp_path, voice: str, advisor_scenario: str, **replace: str
) -> tuple[Any, Any, str]:  # fmt: skip
    values = {"VOICE_WAV": voice, "GATEWAY_PORT": str(gw.gateway.port), **replace}
    advisor = await sipp(advisor_scenario, None, replace=values, tmp=tmp_path)
    gw.gateway.registrar.static["alice"] = f"sip:alice@127.0.0.1:{advisor.port}"
    caller = await sipp("caller_queue.xml", gw.gateway.port, tmp=tmp_path,
                        replace={"TALKMS": "15000", "VOICE_WAV": voice})  # fmt: skip
    (bridged,) = await gw.wait_for(ev.CallBridged)
    return advisor, caller, bridged.call_id


def test_given_a_bridged_call_when_the_desk_holds_and_resumes_then_the_caller_hears_music_then_the_advisor(
    tmp_path, voice
):
    async def scenario():
        async with gateway() as gw:
            advisor, caller, call_id = await _bridged(gw, tmp_path, voice, "advisor_hold.xml")
            call = gw.gateway.calls[call_id]
            assert call.outbound is not None
            advisor_leg = call.outbound.rtp
            await asyncio.sleep(0.5)
            assert await asyncio.wait_for(gw.gateway.hold(call_id, True), 10)
            (held,) = await gw.wait_for(ev.CallHeld)
            assert held.by == "advisor"
            assert call.leg.peer is None and call.leg.playing and advisor_leg.muted  # music to the caller
            relayed = advisor_leg.stats.relayed
            await asyncio.sleep(1.0)
            assert advisor_leg.stats.relayed == relayed  # nothing of the caller reaches the advisor on hold
            assert await asyncio.wait_for(gw.gateway.hold(call_id, False), 10)
            (resumed,) = await gw.wait_for(ev.CallResumed)
            assert resumed.seconds >= 1.0
            await asyncio.sleep(0.6)
            assert call.leg.peer is advisor_leg and advisor_leg.stats.relayed > relayed + 10  # talking again
            gw.gateway.hangup(call_id)
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert ended.record.holds == 1 and ended.record.hold_seconds >= 1.0
            code, out = await advisor.result()
            assert code == 0, out  # sendonly offered, then sendrecv, each ACKed, then our BYE
            await _stop(caller)

    run(scenario())


def test_given_glare_on_the_advisor_leg_then_491_both_ways_and_our_retry_succeeds(tmp_path, voice):
    async def scenario():
        async with gateway() as gw:
            advisor, caller, call_id = await _bridged(gw, tmp_path, voice, "advisor_glare.xml")
            loop = asyncio.get_running_loop()
            began = loop.time()
            assert await asyncio.wait_for(gw.gateway.hold(call_id, True), 15)
            assert 2.1 <= loop.time() - began < 8.0  # the RFC 3261 §14.1 wait (2.1-4 s, we own the Call-ID)
            (held,) = await gw.wait_for(ev.CallHeld)
            assert held.by == "advisor"
            gw.gateway.hangup(call_id)
            code, out = await advisor.result()
            assert code == 0, out  # its crossing re-INVITE got 491
            await _stop(caller)

    run(scenario())


def test_given_an_advisor_phone_that_answers_422_then_names_us_refresher_then_we_ask_again_and_refresh_by_update(
    tmp_path, voice
):
    async def scenario():
        async with gateway(min_se=2, session_expires=2) as gw:
            advisor, caller, _ = await _bridged(gw, tmp_path, voice, "advisor_session_timer.xml", MINSE="3")
            code, out = await advisor.result(30)
            assert code == 0, out  # 422, our INVITE again with Session-Expires/Min-SE 3, three UPDATEs, its BYE
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by, ended.record.advisor) == ("hangup", "advisor", "alice")
            assert ended.at - ended.record.bridged_at > 3 * 1.5 - 0.5  # three refreshes, one every 3 s / 2
            await _stop(caller)

    run(scenario())


def test_given_an_advisor_phone_that_refreshes_then_stops_then_the_gateway_ends_the_call_before_expiry(tmp_path, voice):
    async def scenario():
        async with gateway(min_se=3, session_expires=3) as gw:
            advisor, caller, _ = await _bridged(gw, tmp_path, voice, "advisor_session_refresher.xml",
                                                      MINSE="3", REFRESHMS="1000")  # fmt: skip
            code, out = await advisor.result(30)
            assert code == 0, out  # its two UPDATEs answered 200, then our BYE
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by) == ("session_expired", "gateway")
            # the last refresh about 2 s after the bridge, then 3 s - min(32 s, 3 s / 3) without one
            assert 3.5 < ended.at - ended.record.bridged_at < 6.0
            await _stop(caller)

    run(scenario())


def test_given_requests_without_call_id_or_cseq_then_400_along_the_via_and_the_gateway_keeps_answering():
    """sipp matches answers by Call-ID, so it cannot receive a 400 to a request without one: a plain socket."""

    async def scenario():
        async with gateway() as gw:
            loop = asyncio.get_running_loop()
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("127.0.0.1", 0))
            sock.setblocking(False)
            port = sock.getsockname()[1]
            try:
                for missing in ("Call-ID", "CSeq", None):
                    lines = [f"OPTIONS sip:3211@127.0.0.1:{gw.gateway.port} SIP/2.0",
                             f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-{missing}",
                             f"From: <sip:probe@127.0.0.1:{port}>;tag=probe", "To: <sip:3211@127.0.0.1>",
                             "Call-ID: probe-1", "CSeq: 1 OPTIONS", "Max-Forwards: 70",
                             "Content-Length: 0"]  # fmt: skip
                    lines = [line for line in lines if missing is None or not line.startswith(missing + ":")]
                    await loop.sock_sendto(
                        sock, ("\r\n".join(lines) + "\r\n\r\n").encode(), ("127.0.0.1", gw.gateway.port)
                    )
                    answer = (await asyncio.wait_for(loop.sock_recv(sock, 4096), 5)).decode()
                    first = answer.split("\r\n", 1)[0]
                    if missing is None:
                        assert first == "SIP/2.0 200 OK"  # still answering
                    else:
                        assert first == "SIP/2.0 400 Bad Request", answer
                        assert f"branch=z9hG4bK-{missing}" in answer and f"missing {missing}" in answer
            finally:
                sock.close()

    run(scenario())
