"""The gateway against real sipp peers: menus with both DTMF methods, queue + bridge, REFER, CANCEL on caller
hang-up, next advisor on no answer, advisor hang-up, REGISTER with digest, malformed requests → 400."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest

from plateau.services.sip import events as ev
from plateau.services.sip.dialog import Registrar
from tests.sip._isolated import run_isolated

from . import harness
from .harness import gateway, menu_flow, sipp

pytestmark = pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps")


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> str:
    """A 30 s A-law WAV the sipp peers stream (sipp ends nothing when it runs out; it loops with -1)."""
    return harness.voice_wav(tmp_path_factory.mktemp("media") / "voice.wav")


def run(coro):
    return run_isolated(asyncio.wait_for(coro, 60))


def test_given_the_menu_when_1_is_sent_by_rfc4733_then_the_answer_plays_and_the_gateway_hangs_up(tmp_path):
    async def scenario():
        async with gateway() as gw:
            caller = await sipp("caller_menu_rfc4733.xml", gw.gateway.port, tmp=tmp_path)
            code, out = await caller.result()
            assert code == 0, out
            (digit,) = gw.of(ev.DigitReceived)
            assert (digit.digit, digit.method) == ("1", "rfc4733")
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert ended.record.path == ("menu", "one")
            assert (ended.record.cause, ended.record.ended_by, ended.record.digits) == ("ivr_flow", "gateway", "1")
            assert ended.record.answered_at is not None

    run(scenario())


def test_given_the_menu_when_2_is_sent_by_sip_info_then_the_second_branch_runs(tmp_path):
    async def scenario():
        async with gateway() as gw:
            caller = await sipp("caller_menu_info.xml", gw.gateway.port, tmp=tmp_path)
            code, out = await caller.result()
            assert code == 0, out
            assert [(d.digit, d.method) for d in gw.of(ev.DigitReceived)] == [("2", "info")]
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert ended.record.path == ("menu", "two")

    run(scenario())


def test_given_choice_3_then_the_caller_is_referred_to_urssaf_and_released_after_notify_200(tmp_path):
    async def scenario():
        async with gateway(menu_flow("sip:urssaf@127.0.0.1:5999")) as gw:
            caller = await sipp("caller_refer.xml", gw.gateway.port, tmp=tmp_path)
            code, out = await caller.result()
            assert code == 0, out
            (transfer,) = await gw.wait_for(ev.CallTransferred)
            assert (transfer.target, transfer.method, transfer.outcome) == (
                "sip:urssaf@127.0.0.1:5999",
                "refer",
                "accepted",
            )
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert ended.record.cause == "transferred"
            assert ended.record.transfer_target == "sip:urssaf@127.0.0.1:5999"

    run(scenario())


def test_given_a_registered_advisor_when_a_caller_queues_then_they_are_bridged_and_bye_tears_both_down(tmp_path, voice):
    async def scenario():
        registrar = Registrar()
        registrar.add_account("alice", "s3cret")
        async with gateway(registrar=registrar) as gw:
            advisor = await sipp(
                "advisor_answer.xml", None, replace={"RINGMS": "300", "VOICE_WAV": voice}, tmp=tmp_path
            )
            contact = f"sip:alice@127.0.0.1:{advisor.port}"
            reg = await sipp("advisor_register.xml", gw.gateway.port, tmp=tmp_path,
                             replace={"ADVISOR": "alice", "PASSWORD": "s3cret", "CONTACT": contact})  # fmt: skip
            code, out = await reg.result()
            assert code == 0, out
            assert registrar.lookup("alice") == (contact, ("127.0.0.1", advisor.port))
            caller = await sipp("caller_queue.xml", gw.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "2500", "VOICE_WAV": voice})  # fmt: skip
            (bridged,) = await gw.wait_for(ev.CallBridged)
            assert bridged.advisor == "alice"
            call = gw.gateway.calls[bridged.call_id]
            assert call.outbound is not None
            caller_leg, advisor_leg = call.leg, call.outbound.rtp
            async with asyncio.timeout(30):  # audio both ways: a count, however slowly it flows here
                while not (caller_leg.stats.relayed > 20 and advisor_leg.stats.relayed > 20):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            ssrc = caller_leg.ssrc
            code, out = await caller.result()
            assert code == 0, out
            code, out = await advisor.result()
            assert code == 0, out  # the advisor got our BYE
            (ended,) = await gw.wait_for(ev.CallEnded)
            record = ended.record
            assert (record.advisor, record.ended_by, record.cause) == ("alice", "caller", "hangup")
            assert record.started_at <= record.queued_at <= record.ringing_at <= record.bridged_at <= record.ended_at
            assert record.talk_seconds is not None and record.talk_seconds > 1.0
            assert caller_leg.ssrc == ssrc  # one continuous stream from prompt to conversation
            assert caller_leg.stats.lost == 0 and advisor_leg.stats.lost == 0
            assert gw.gateway.calls == {} and gw.gateway.busy == set()

    run(scenario())


def test_given_an_advisor_ringing_when_the_caller_hangs_up_then_the_advisor_leg_is_cancelled(tmp_path, voice):
    async def scenario():
        registrar = Registrar(static={"bob": "sip:bob@127.0.0.1:1"})
        async with gateway(registrar=registrar, ring_timeout=20) as gw:
            advisor = await sipp("advisor_ring_cancel.xml", None, tmp=tmp_path)
            registrar.static["bob"] = f"sip:bob@127.0.0.1:{advisor.port}"
            caller = await sipp("caller_queue.xml", gw.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "1500", "VOICE_WAV": voice})  # fmt: skip
            await gw.wait_for(ev.AdvisorRinging)
            code, out = await caller.result()
            assert code == 0, out
            code, out = await advisor.result()
            assert code == 0, out  # it received our CANCEL and its 487 was ACKed
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.ended_by, ended.record.bridged_at) == ("hangup", "caller", None)
            (no_answer,) = await gw.wait_for(ev.AdvisorNoAnswer)
            assert (no_answer.advisor, no_answer.code) == ("bob", 487)

    run(scenario())


def test_given_an_advisor_who_does_not_answer_then_the_next_advisor_is_rung_and_bridged(tmp_path, voice):
    async def scenario():
        registrar = Registrar()
        async with gateway(registrar=registrar, ring_timeout=1.0) as gw:
            first = await sipp("advisor_ring_cancel.xml", None, tmp=tmp_path)
            second = await sipp("advisor_answer.xml", None, replace={"RINGMS": "200", "VOICE_WAV": voice}, tmp=tmp_path)
            registrar.static.update(
                {"a-first": f"sip:a@127.0.0.1:{first.port}", "b-second": f"sip:b@127.0.0.1:{second.port}"}
            )
            gw.gateway.idle_since.update({"a-first": 1.0, "b-second": 2.0})  # a-first has waited longest
            caller = await sipp("caller_queue.xml", gw.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "3500", "VOICE_WAV": voice})  # fmt: skip
            (no_answer,) = await gw.wait_for(ev.AdvisorNoAnswer)
            assert (no_answer.advisor, no_answer.code) == ("a-first", 408)
            (bridged,) = await gw.wait_for(ev.CallBridged)
            assert bridged.advisor == "b-second"
            for peer in (caller, first, second):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert ended.record.advisors_tried == ("a-first", "b-second")

    run(scenario())


def test_given_a_bridged_call_when_the_advisor_hangs_up_then_the_caller_gets_bye(tmp_path, voice):
    async def scenario():
        registrar = Registrar()
        async with gateway(registrar=registrar) as gw:
            values = {"TALKMS": "1000", "VOICE_WAV": voice, "GATEWAY_PORT": str(gw.gateway.port)}
            advisor = await sipp("advisor_answer_hangup.xml", None, replace=values, tmp=tmp_path)
            registrar.static["carol"] = f"sip:carol@127.0.0.1:{advisor.port}"
            caller = await sipp(
                "caller_queue_wait_bye.xml", gw.gateway.port, tmp=tmp_path, replace={"VOICE_WAV": voice}
            )
            for peer in (advisor, caller):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.ended_by, ended.record.advisor) == ("advisor", "carol")

    run(scenario())


def test_given_a_malformed_request_then_400_and_the_gateway_keeps_answering(tmp_path):
    async def scenario():
        async with gateway() as gw:
            peer = await sipp("caller_malformed.xml", gw.gateway.port, tmp=tmp_path)
            code, out = await peer.result()
            assert code == 0, out
            assert gw.gateway.endpoint is not None
            assert gw.gateway.endpoint.counters.answered_400 == 1

    run(scenario())


def test_scenarios_are_ours_and_all_used():
    sources = "".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py"))
    # Named in a test: passed to sipp() directly or through a helper that does.
    used = set(re.findall(r'"([a-z_0-9]+\.xml)"', sources))
    assert used == {p.name for p in harness.SCENARIOS.glob("*.xml")}


@pytest.mark.parametrize(("service", "max_calls", "code"), [("0800", 10, "404"), (harness.NUMBER, 0, "503")])
def test_given_an_unknown_number_or_no_capacity_then_the_invite_is_refused(tmp_path, service, max_calls, code):
    async def scenario():
        async with gateway(max_calls=max_calls) as gw:
            caller = await sipp("caller_rejected.xml", gw.gateway.port, tmp=tmp_path, replace={"EXPECTED": code},
                                extra=["-s", service])  # fmt: skip
            result, out = await caller.result()
            assert result == 0, out
            assert gw.events == []

    run(scenario())


def test_given_a_transfer_by_new_leg_then_the_caller_is_bridged_to_the_external_number(tmp_path, voice):
    async def scenario():
        external = await sipp("advisor_answer.xml", None, replace={"RINGMS": "100", "VOICE_WAV": voice}, tmp=tmp_path)
        target = f"sip:urssaf@127.0.0.1:{external.port}"
        async with gateway(menu_flow(target, method="bridge", four="urssaf")) as gw:
            caller = await sipp("caller_queue.xml", gw.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "1500", "VOICE_WAV": voice})  # fmt: skip
            (transfer,) = await gw.wait_for(ev.CallTransferred)
            assert (transfer.method, transfer.outcome) == ("bridge", "accepted")
            for peer in (caller, external):
                result, out = await peer.result()
                assert result == 0, (peer.name, out)
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.transfer_target, ended.record.ended_by) == (target, "caller")

    run(scenario())


def test_given_a_bridged_call_when_the_advisor_refers_it_then_the_caller_is_referred_and_the_advisor_freed(
    tmp_path, voice
):
    async def scenario():
        registrar = Registrar()
        async with gateway(registrar=registrar) as gw:
            target = "sip:urssaf@127.0.0.1:5999"
            values = {"TALKMS": "800", "VOICE_WAV": voice, "GATEWAY_PORT": str(gw.gateway.port), "TARGET": target}
            advisor = await sipp("advisor_refer.xml", None, replace=values, tmp=tmp_path)
            registrar.static["dave"] = f"sip:dave@127.0.0.1:{advisor.port}"
            caller = await sipp(
                "caller_queue_referred.xml", gw.gateway.port, tmp=tmp_path, replace={"VOICE_WAV": voice}
            )
            for peer in (advisor, caller):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)
            (transfer,) = await gw.wait_for(ev.CallTransferred)
            assert (transfer.target, transfer.method, transfer.outcome) == (target, "refer", "accepted")
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.advisor, ended.record.cause, ended.record.transfer_target) == (
                "dave",
                "transferred",
                target,
            )
            assert gw.gateway.busy == set()

    run(scenario())


def test_given_a_router_port_when_it_rejects_the_queued_call_then_the_caller_hears_goodbye_and_gets_bye(
    tmp_path, voice
):
    async def scenario():
        queued: list[ev.CallQueued] = []
        holder: dict[str, harness.Run] = {}

        def router(event: ev.CallQueued) -> None:  # the router's port: nobody can take it
            queued.append(event)
            holder["run"].gateway.reject(event.call_id)

        async with gateway(on_call_queued=router, registrar=Registrar(static={"idle": "sip:idle@127.0.0.1:1"})) as gw:
            holder["run"] = gw
            caller = await sipp(
                "caller_queue_wait_bye.xml", gw.gateway.port, tmp=tmp_path, replace={"VOICE_WAV": voice}
            )
            code, out = await caller.result()
            assert code == 0, out
            assert [(q.queue, q.position) for q in queued] == [("directory", 1)]
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert (ended.record.cause, ended.record.advisor) == (
                "rejected",
                None,
            )  # the internal dispatcher stayed off
            assert gw.of(ev.AdvisorRinging) == []

    run(scenario())


def test_given_a_router_port_when_it_bridges_the_queued_call_then_its_chosen_advisor_is_rung(tmp_path, voice):
    async def scenario():
        registrar = Registrar()
        tasks = set()
        holder: dict[str, harness.Run] = {}

        def router(event: ev.CallQueued) -> None:
            task = asyncio.get_running_loop().create_task(holder["run"].gateway.bridge(event.call_id, ["erin"]))
            tasks.add(task)

        async with gateway(on_call_queued=router, registrar=registrar) as gw:
            holder["run"] = gw
            advisor = await sipp(
                "advisor_answer.xml", None, replace={"RINGMS": "100", "VOICE_WAV": voice}, tmp=tmp_path
            )
            registrar.static["erin"] = f"sip:erin@127.0.0.1:{advisor.port}"
            caller = await sipp("caller_queue.xml", gw.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "1200", "VOICE_WAV": voice})  # fmt: skip
            for peer in (caller, advisor):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)
            assert [t.result() for t in tasks] == [True]
            (ended,) = await gw.wait_for(ev.CallEnded)
            assert ended.record.advisor == "erin"

    run(scenario())
