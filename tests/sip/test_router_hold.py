"""Hold from the desk, end to end: the advisor's button (the desk view) → the router's bus → the gateway's port →
a re-INVITE sendonly to the advisor's sipp phone; resume the same way; the CDR counts the hold time, and so do the
router's journal (the completion carries it) and the KPIs the wallboard and the day report show."""

from __future__ import annotations

import asyncio
import html
import re
import shutil

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.services.router import runtime
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.sip import events as ev
from plateau.tenants.models import AuditEntry, User

from . import harness
from .harness import sipp
from .test_router_port import PROGRAMME, answered_call, cdr_of, db, experts, plant, run, set_phone
from .test_router_port import router as router

pytestmark = [
    pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> str:
    return harness.voice_wav(tmp_path_factory.mktemp("media") / "voice.wav")


def press(username: str, action: str, contact_id: str) -> int:
    """The desk's hold button, as the browser posts it."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    url = reverse("web:desk_action", args=[PROGRAMME])
    return client.post(url, {"action": action, "contact_id": contact_id}).status_code


def test_given_a_bridged_call_when_the_advisor_holds_then_resumes_on_the_desk_then_the_phone_follows_and_the_cdr_counts(
    router, tmp_path, voice, monkeypatch
):
    first = experts()[0]

    async def scenario():
        async with plant(router, tmp_path) as p:
            await p.login(first)
            values = {"VOICE_WAV": voice, "GATEWAY_PORT": str(p.gateway.port)}
            phone = await sipp("advisor_hold.xml", None, replace=values, tmp=tmp_path)
            await db(set_phone, first, f"sip:{first}@127.0.0.1:{phone.port}")
            caller = await sipp("caller_queue.xml", p.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "5000", "VOICE_WAV": voice})  # fmt: skip
            bridged = await p.wait(lambda: p.message("CallBridged"))
            call_id = bridged.data["call_id"]
            assert await db(press, first, "hold", call_id) == 302
            held = await p.wait(lambda: p.message("CallHeld", call_id=call_id))
            assert (held.data["by"], held.data["on_hold"]) == ("advisor", 1)
            await asyncio.sleep(1.0)
            assert await db(press, first, "resume", call_id) == 302
            resumed = await p.wait(lambda: p.message("CallResumed", call_id=call_id))
            assert resumed.data["on_hold"] == 0 and resumed.data["seconds"] >= 1.0
            for peer in (caller, phone):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)  # the phone saw sendonly then sendrecv, each ACKed
            left = await p.wait(lambda: p.message("ContactLeft", contact_id=call_id))
            counters = lambda: (p.bus.latest_status() or {}).get("counters", {}).get(PROGRAMME, {})  # noqa: E731
            live = await p.wait(lambda: counters().get("held"))
            return call_id, await p.wait_db(cdr_of, call_id), left, live, resumed.data["seconds"]

    call_id, cdr, left, held, seconds = run(scenario())
    assert cdr.holds == 1 and cdr.hold_seconds == pytest.approx(seconds, abs=0.01) and seconds >= 1.0
    assert left.data["reason"] == "completed" and left.data["hold_s"] == pytest.approx(seconds, abs=0.01)
    assert held == 1
    audits = AuditEntry.objects.filter(data__routing_contact_id=call_id).values_list("action", flat=True)
    assert {"call.hold_requested", "call.resume_requested"} <= set(audits)

    supervisor = Client()
    supervisor.force_login(User.objects.get(username="superviseur.sap"))
    board = supervisor.get(reverse("web:wallboard", args=[PROGRAMME])).content.decode()
    assert "Temps de mise en garde" in board and "Durée moyenne de mise en garde" in board
    assert _number(board, r'id="wb-kpi-hold_total">([^<]*)<') == round(seconds)
    monkeypatch.setattr(runtime, "open_journal", lambda: SqliteJournal(tmp_path / "journal.sqlite3"))
    page = supervisor.get(reverse("web:report", args=[PROGRAMME]), {"jour": timezone.localdate().isoformat()})
    text = html.unescape(page.content.decode())
    headers = re.findall(r"<th title=[^>]*>([^<]*)</th>", text)
    day = re.search(r"<tr><td>Journée</td>(.*?)</tr>", text)
    assert day is not None, text
    cells = re.findall(r"<td>([^<]*)</td>", day.group(1))
    assert int(cells[headers.index("Temps de mise en garde (s)")]) == round(seconds)
    assert int(cells[headers.index("Durée moyenne de mise en garde (s)")]) == round(seconds)  # one call completed


def _number(page: str, pattern: str) -> int:
    found = re.search(pattern, page)
    assert found is not None, pattern
    return int(found.group(1))


def test_given_a_call_of_another_advisor_when_someone_presses_hold_then_nothing_is_held(router, tmp_path, voice):
    first, other = experts()[:2]

    async def scenario():
        async with plant(router, tmp_path) as p:
            phone, caller, bridged = await answered_call(p, first, voice, tmp_path, ring_ms="100", TALKMS="2500")
            assert await db(press, other, "hold", bridged.data["call_id"]) == 302
            for peer in (caller, phone):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)  # no re-INVITE reached the phone (its scenario has none)
            (ended,) = [e for e in p.events if isinstance(e, ev.CallEnded)] or [None]
            assert ended is not None and ended.record.holds == 0

    run(scenario())


def test_given_a_bridged_call_when_the_caller_holds_then_resumes_then_the_cdr_and_the_routers_completion_count_it(
    router, tmp_path, voice
):
    first = experts()[0]

    async def scenario():
        async with plant(router, tmp_path) as p:
            phone, caller, bridged = await answered_call(p, first, voice, tmp_path, "caller_queue_hold.xml",
                                                         ring_ms="100", BRIDGEMS="2500", HOLDMS="1500")  # fmt: skip
            call_id = bridged.data["call_id"]
            held = await p.wait(lambda: p.message("CallHeld", call_id=call_id))
            resumed = await p.wait(lambda: p.message("CallResumed", call_id=call_id))
            for peer in (caller, phone):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)  # sendonly answered recvonly, then sendrecv, each ACKed
            left = await p.wait(lambda: p.message("ContactLeft", contact_id=call_id))
            return held, resumed, left, await p.wait_db(cdr_of, call_id)

    held, resumed, left, cdr = run(scenario())
    seconds = resumed.data["seconds"]
    assert held.data["by"] == "caller" and seconds == pytest.approx(1.5, abs=0.5)
    assert (cdr.holds, cdr.hold_seconds) == (1, pytest.approx(seconds, abs=0.01))
    assert left.data["reason"] == "completed" and left.data["hold_s"] == pytest.approx(seconds, abs=0.01)
