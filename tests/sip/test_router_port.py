"""Calls are contacts: real sipp callers and advisor phones, our gateway, the router service (embedded, journal
on SQLite, in-process bus) and the database, all in one process on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import math
import shutil
import time
import wave
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection

from plateau.calls import services as call_services
from plateau.calls.models import AdvisorPhone, CallDetailRecord, CallRecording
from plateau.domain.ivr import parse_flow
from plateau.domain.routing import events as rev
from plateau.routing.models import AdvisorProfile, Queue
from plateau.services.router import runtime
from plateau.services.router.bus import Bus, InProcessBus, RedisBus, RoutingMessage
from plateau.services.router.client import RouterClient, new_id
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip import sdp
from plateau.services.sip.calls import GatewayConfig
from plateau.services.sip.dialog import Registrar
from plateau.services.sip.gateway import Gateway
from plateau.services.sip.message import SipMessage
from plateau.services.sip.prompts import PromptStore
from plateau.services.sip.router_port import RouterPort
from plateau.services.sip.transport import Timers
from plateau.tenants.models import User
from tests.routing.builders import demo_programmes
from tests.sip._isolated import run_isolated

from . import harness
from .harness import NUMBER, WEDNESDAY_10H, menu_flow, sipp, tone

pytestmark = [
    pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps"),
    pytest.mark.django_db(transaction=True),
]
PROGRAMME = "sap-national"
REDIS_URL = "redis://127.0.0.1:6379/11"  # a database of its own (pub/sub channels are shared: filters by call)
QUEUE_ID = f"{PROGRAMME}.appels"


def prompts() -> PromptStore:
    """Tone prompts (one byte value each) including the estimated-wait and recording notices."""
    names = ["welcome", "queued", "music", "goodbye", "recording_notice", "wait_many", "callback_offer", "callback_ok"]
    names += [f"wait_{n}" for n in range(1, 11)] + [f"position_{n}" for n in range(1, 10)]
    audio = {}
    for i, name in enumerate(names):
        for codec in ("PCMA", "PCMU"):
            audio[(name, codec)] = tone(3.0 if name == "welcome" else 0.4, 0x10 + i)
    return PromptStore(audio)


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> str:
    return harness.voice_wav(tmp_path_factory.mktemp("media") / "voice.wav")


@dataclass
class Routing:
    bus: Bus
    redis_url: str  # "": the embedded router in this process


@pytest.fixture(params=["in-process"])
def router(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Routing]:
    """The demo programmes' routing configuration (offers expire after 2 s) served by the embedded router, reached
    in-process or, like the gateway process in production, through Redis (commands on the inbox, pub/sub)."""
    programmes = demo_programmes()
    Queue.objects.filter(programme=programmes[PROGRAMME], code="appels").update(offer_timeout_s=2)
    url = REDIS_URL if request.param == "redis" else ""
    bus: Bus = RedisBus(url) if url else InProcessBus()
    if url:
        redis.Redis.from_url(url).delete(runtime.inbox_key())
    runtime._bus = bus
    service = runtime.build_service(SqliteJournal(tmp_path / "journal.sqlite3"), status_every_s=0.2)
    runtime.start_embedded(service)
    inbox = asyncio.run_coroutine_threadsafe(runtime.serve_redis_inbox(service, url), service.loop) if url else None  # type: ignore[arg-type]
    try:
        yield Routing(bus, url)
    finally:
        if inbox is not None:
            inbox.cancel()
        runtime.stop_embedded()
        runtime.reset_bus()


def experts() -> list[str]:
    """Advisors of the programme eligible at the queue's first target (expert>=3), by username."""
    profiles = AdvisorProfile.objects.filter(programme__slug=PROGRAMME).select_related("user")
    return sorted(p.user.username for p in profiles if p.skills.get("expert", 0) >= 3)


@dataclass
class Plant:
    gateway: Gateway
    port: RouterPort
    bus: Bus
    redis_url: str
    events: list[ev.CallEvent]
    messages: list[RoutingMessage]

    async def wait(self, what: Callable[[], Any], limit: float = 10) -> Any:
        async with asyncio.timeout(limit):
            while not (found := what()):  # noqa: ASYNC110 (filled by callbacks)
                await asyncio.sleep(0.02)
        return found

    def message(self, kind: str, **fields: Any) -> RoutingMessage | None:
        return next(
            (m for m in self.messages if m.kind == kind and all(m.data.get(k) == v for k, v in fields.items())), None
        )

    async def wait_db(self, fn: Callable[..., Any], *args: Any, limit: float = 10) -> Any:
        async with asyncio.timeout(limit):
            while not (found := await db(fn, *args)):  # noqa: ASYNC110 (the database is polled)
                await asyncio.sleep(0.05)
        return found

    async def advisor_state(self, advisor: str, state: str) -> dict[str, Any]:
        def current() -> dict[str, Any] | None:
            status = self.bus.latest_status() or {}
            me = status.get("advisors", {}).get(advisor)
            return me if me and me["state"] == state else None

        return dict(await self.wait(current))

    async def login(self, *advisors: str) -> None:
        for advisor in advisors:
            await asyncio.to_thread(RouterClient(self.redis_url).submit, rev.AdvisorLoggedIn(new_id(), 0, advisor))
            await asyncio.sleep(0.01)  # distinct idle_since: the first logged in is the longest idle


async def db(fn: Callable[..., Any], *args: Any) -> Any:
    """The ORM in a worker thread whose connection is closed after (PostgreSQL drops the test database at the end)."""

    def call() -> Any:
        try:
            return fn(*args)
        finally:
            connection.close()

    return await asyncio.to_thread(call)


def set_phone(username: str, uri: str) -> None:
    AdvisorPhone.objects.update_or_create(user=User.objects.get(username=username), defaults={"sip": uri})


@contextlib.asynccontextmanager
async def plant(
    routing: Routing, tmp: Path, flow_data: dict[str, Any] | None = None, messages: list[RoutingMessage] | None = None
) -> AsyncIterator[Plant]:
    """The gateway (menu: 4 queues in "directory", mapped to the routing queue "appels") and its router port;
    ``messages`` collects what the bus carries (a list another thread may read)."""
    events: list[ev.CallEvent] = []
    config = GatewayConfig(clock=lambda: WEDNESDAY_10H, timers=Timers(t1=0.1, t2=0.4, t4=0.5), var_dir=tmp / "var")
    flow = parse_flow(PROGRAMME, flow_data or menu_flow())
    gw = Gateway({NUMBER: (PROGRAMME, flow)}, prompts(), config, Registrar())
    bus = routing.bus
    port = RouterPort(RouterClient(routing.redis_url), bus, call_services, queues={"directory": "appels"},
                      also=events.append)  # fmt: skip
    port.attach(gw)
    messages = [] if messages is None else messages

    async def collect() -> None:
        async for m in bus.subscribe():
            if m.kind != "status":
                messages.append(m)

    collector = asyncio.get_running_loop().create_task(collect())
    await gw.start()
    await port.start()
    try:
        yield Plant(gw, port, bus, routing.redis_url, events, messages)
    finally:
        await asyncio.wait_for(gw.close(), 5)
        await port.close()
        collector.cancel()


def run(coro: Any) -> Any:
    return run_isolated(asyncio.wait_for(coro, 60))


def recording_of(call_id: str) -> CallRecording | None:
    return CallRecording.objects.filter(call_id=call_id).first()


def cdr_of(call_id: str) -> CallDetailRecord | None:
    return CallDetailRecord.objects.filter(call_id=call_id, ended_at__isnull=False).first()


async def answered_call(
    p: Plant, advisor: str, voice: str, tmp: Path, caller_scenario: str = "caller_queue.xml", *, ring_ms: str = "200",
    **replace: str,
) -> tuple[harness.Sipp, harness.Sipp, RoutingMessage]:  # fmt: skip
    """``advisor`` logged in with a sipp phone that answers after ``ring_ms``; a sipp caller playing
    ``caller_scenario`` queues: the phone, the caller and the ``CallBridged`` message."""
    await p.login(advisor)
    phone = await sipp("advisor_answer.xml", None, replace={"RINGMS": ring_ms, "VOICE_WAV": voice}, tmp=tmp)
    await db(set_phone, advisor, f"sip:{advisor}@127.0.0.1:{phone.port}")
    caller = await sipp(caller_scenario, p.gateway.port, tmp=tmp, replace={"VOICE_WAV": voice, **replace})
    return phone, caller, await p.wait(lambda: p.message("CallBridged"))


@pytest.mark.parametrize("router", ["in-process", "redis"], indirect=True)
def test_given_an_advisor_with_a_phone_when_a_caller_queues_then_the_phone_rings_answers_and_the_router_follows(
    router, tmp_path, voice
):
    first = experts()[0]

    async def scenario():
        async with plant(router, tmp_path) as p:
            phone, caller, bridged = await answered_call(p, first, voice, tmp_path, TALKMS="2500")
            call_id = bridged.data["call_id"]
            assert (bridged.advisor_id, bridged.programmes) == (first, (PROGRAMME,))
            arrived = p.message("ContactQueued", contact_id=call_id) or p.message("OfferMade", contact_id=call_id)
            assert arrived is not None and arrived.data["queue_id"] == QUEUE_ID
            answered = await p.wait(lambda: p.message("ContactAnswered", contact_id=call_id))
            assert answered.data["advisor_id"] == first
            busy = await p.advisor_state(first, "busy")
            assert busy["contacts"] == [call_id]
            for peer in (caller, phone):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)
            await p.advisor_state(first, "wrap_up")  # the caller hung up: the contact is completed
            left = await p.wait(lambda: p.message("ContactLeft", contact_id=call_id))
            assert left.data["reason"] == "completed"
            cdr = await p.wait_db(cdr_of, call_id)
            return call_id, cdr

    call_id, cdr = run(scenario())
    assert (cdr.programme.slug, cdr.routing_contact_id, cdr.queue, cdr.advisor) == (PROGRAMME, call_id, QUEUE_ID, first)
    assert cdr.started_at <= cdr.queued_at <= cdr.ringing_at <= cdr.bridged_at <= cdr.ended_at
    assert cdr.talk_seconds > 1.0 and cdr.wait_seconds >= 0
    assert (cdr.ended_by, cdr.caller.startswith("sip:0612345678@"), cdr.number) == ("caller", True, NUMBER)


async def _first_phone_fails_second_answers(p, tmp_path, voice, first_phone: str, *, talk_ms: int):
    """The first two experts logged in; the first's phone plays ``first_phone``, the second's answers; a caller
    queues and talks ``talk_ms``. Every peer must end well; returns the ``CallBridged`` message."""
    first, second = experts()[:2]
    await p.login(first, second)
    failing = await sipp(first_phone, None, tmp=tmp_path)
    phone = await sipp("advisor_answer.xml", None, replace={"RINGMS": "100", "VOICE_WAV": voice}, tmp=tmp_path)
    await db(set_phone, first, f"sip:{first}@127.0.0.1:{failing.port}")
    await db(set_phone, second, f"sip:{second}@127.0.0.1:{phone.port}")
    caller = await sipp("caller_queue.xml", p.gateway.port, tmp=tmp_path,
                        replace={"TALKMS": str(talk_ms), "VOICE_WAV": voice})  # fmt: skip
    for peer in (caller, failing, phone):
        code, out = await peer.result()
        assert code == 0, (peer.name, out)
    return await p.wait(lambda: p.message("CallBridged"))


def test_given_the_first_phone_busy_when_it_answers_486_then_the_router_offers_the_call_to_the_next_advisor(
    router, tmp_path, voice
):
    first, second = experts()[:2]

    async def scenario():
        async with plant(router, tmp_path) as p:
            bridged = await _first_phone_fails_second_answers(p, tmp_path, voice, "advisor_busy.xml", talk_ms=1500)
            call_id = bridged.data["call_id"]
            answered = await p.wait(lambda: p.message("ContactAnswered", contact_id=call_id))
            offers = [m.data["advisor_id"] for m in p.messages if m.kind == "OfferMade"]
            withdrawn = p.message("OfferWithdrawn", contact_id=call_id, advisor_id=first)
            return call_id, offers, withdrawn, answered, bridged

    call_id, offers, withdrawn, answered, bridged = run(scenario())
    assert offers == [first, second]
    assert withdrawn is not None and withdrawn.data["reason"] == "declined"
    assert answered.data["advisor_id"] == bridged.advisor_id == second
    assert answered.data["contact_id"] == bridged.data["call_id"] == call_id


def test_given_the_first_phone_never_answers_when_the_offer_expires_then_it_is_cancelled_and_the_next_rings(
    router, tmp_path, voice
):
    first, second = experts()[:2]

    async def scenario():
        async with plant(router, tmp_path) as p:
            bridged = await _first_phone_fails_second_answers(
                p, tmp_path, voice, "advisor_ring_cancel.xml", talk_ms=5000
            )
            expired = p.message("OfferWithdrawn", contact_id=bridged.data["call_id"], advisor_id=first)
            no_answer = [e for e in p.events if isinstance(e, ev.AdvisorNoAnswer)]
            return bridged, expired, no_answer

    bridged, expired, no_answer = run(scenario())
    assert expired is not None and expired.data["reason"] == "expired"
    assert [(e.advisor, e.code) for e in no_answer] == [(first, 408)]
    assert bridged.advisor_id == second


def test_given_nobody_logged_in_when_the_caller_hangs_up_while_waiting_then_the_contact_is_abandoned(
    router, tmp_path, voice
):
    async def scenario():
        async with plant(router, tmp_path) as p:
            caller = await sipp("caller_queue.xml", p.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "1000", "VOICE_WAV": voice})  # fmt: skip
            code, out = await caller.result()
            assert code == 0, out
            queued = await p.wait(lambda: p.message("ContactQueued"))
            call_id = queued.data["contact_id"]
            left = await p.wait(lambda: p.message("ContactLeft", contact_id=call_id))
            cdr = await p.wait_db(cdr_of, call_id)
            return queued, left, cdr

    queued, left, cdr = run(scenario())
    assert queued.data["estimated_wait_s"] is None  # nobody staffed: no estimate is told
    assert left.data["reason"] == "abandoned"
    assert (cdr.advisor, cdr.ended_by, cdr.bridged_at, cdr.queue) == ("", "caller", None, QUEUE_ID)


def test_given_a_bridged_call_when_the_advisor_presses_star_1_then_both_directions_land_in_a_wav(
    router, tmp_path, voice
):
    """The advisor asks from the phone (* then 1, SIP INFO); the desk's button is driven by the browser test
    (tests/web/test_e2e_call_desk.py)."""
    first = experts()[0]

    async def scenario():
        async with plant(router, tmp_path) as p:
            await p.login(first)
            values = {"RINGMS": "100", "VOICE_WAV": voice, "TALKMS": "500", "GATEWAY_PORT": str(p.gateway.port)}
            phone = await sipp("advisor_answer_record.xml", None, replace=values, tmp=tmp_path)
            await db(set_phone, first, f"sip:{first}@127.0.0.1:{phone.port}")
            caller = await sipp("caller_queue.xml", p.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "4000", "VOICE_WAV": voice})  # fmt: skip
            bridged = await p.wait(lambda: p.message("CallBridged"))
            call_id = bridged.data["call_id"]
            started = await p.wait(lambda: p.message("RecordingStarted"))
            for peer in (caller, phone):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)
            saved = await p.wait(lambda: [e for e in p.events if isinstance(e, ev.RecordingSaved)])
            stored = await p.wait_db(recording_of, call_id)
            return call_id, started, saved[0], stored

    call_id, started, saved, stored = run(scenario())
    assert started.advisor_id == first
    path = Path(saved.path)
    assert path.parent == tmp_path / "var" / "recordings" / PROGRAMME
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (2, 8000, 2)
        frames = w.readframes(w.getnframes())
    samples = memoryview(frames).cast("h")
    caller_side, advisor_side = samples[0::2], samples[1::2]
    assert max(abs(s) for s in caller_side) > 1000 and max(abs(s) for s in advisor_side) > 1000  # both voices
    assert saved.seconds == pytest.approx(len(caller_side) / 8000)
    assert saved.started_at > started.data["at"] - 1
    assert (stored.path, stored.advisor, stored.routing_contact_id) == (str(path), first, call_id)
    assert time.time() - stored.started_at.timestamp() < 60


class Peer(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.received.append(data)


@dataclass
class RawCall:
    """A caller made of two UDP sockets (SIP, RTP) that keeps every packet it receives; keys sent by SIP INFO."""

    sip: Peer
    media: Peer
    gateway: tuple[str, int]
    uri: str
    party: str
    to: str
    call_id: str
    cseq: int = 1

    def press(self, digit: str) -> None:
        self.cseq += 1
        port = self.sip.transport.get_extra_info("sockname")[1]
        info = sipmsg.request("INFO", self.uri, via_host="127.0.0.1", via_port=port, branch=sipmsg.new_branch(),
                              from_=self.party, to=self.to, call_id=self.call_id, cseq=self.cseq,
                              body=f"Signal={digit}\r\nDuration=160\r\n".encode(),
                              content_type="application/dtmf-relay")  # fmt: skip
        self.sip.transport.sendto(info, self.gateway)

    def requests(self, method: str) -> list[SipMessage]:
        parsed = (sipmsg.parse(d) for d in self.sip.received)
        return [m for m in parsed if isinstance(m, SipMessage) and m.method == method]


async def raw_call(gateway_port: int, call_id: str = "ewt-1") -> RawCall:
    """Dial the number with a PCMA offer, ACK the 200; the call is then in the voice menu."""
    loop = asyncio.get_running_loop()
    sip, media = Peer(), Peer()
    await loop.create_datagram_endpoint(lambda: sip, local_addr=("127.0.0.1", 0))
    await loop.create_datagram_endpoint(lambda: media, local_addr=("127.0.0.1", 0))
    sip_port = sip.transport.get_extra_info("sockname")[1]
    rtp_port = media.transport.get_extra_info("sockname")[1]
    uri = f"sip:{NUMBER}@127.0.0.1:{gateway_port}"
    party = f"<sip:0611223344@127.0.0.1:{sip_port}>;tag=ewt"
    invite = sipmsg.request(
        "INVITE", uri, via_host="127.0.0.1", via_port=sip_port, branch=sipmsg.new_branch(), from_=party,
        to=f"<{uri}>", call_id=call_id, cseq=1, contact=f"<sip:caller@127.0.0.1:{sip_port}>",
        body=sdp.offer("127.0.0.1", rtp_port, sdp.Session(1), codec="PCMA"),
    )  # fmt: skip
    sip.transport.sendto(invite, ("127.0.0.1", gateway_port))
    async with asyncio.timeout(5):
        while not any(b" 200 OK" in d[:20] for d in sip.received):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    ok = next(m for m in map(sipmsg.parse, sip.received) if isinstance(m, SipMessage) and m.code == 200)
    to = ok.header("To") or ""
    ack = sipmsg.request("ACK", uri, via_host="127.0.0.1", via_port=sip_port, branch=sipmsg.new_branch(),
                         from_=party, to=to, call_id=call_id, cseq=1)  # fmt: skip
    sip.transport.sendto(ack, ("127.0.0.1", gateway_port))
    return RawCall(sip, media, ("127.0.0.1", gateway_port), uri, party, to, call_id)


def test_given_a_staffed_busy_queue_when_a_caller_queues_then_they_hear_the_routers_estimated_wait_then_music(
    router, tmp_path
):
    first = experts()[0]
    straight_to_queue = {"start": "q", "nodes": {"q": {"type": "queue", "queue": "appels", "announce_every_s": 60}}}

    async def scenario():
        async with plant(router, tmp_path, straight_to_queue) as p:
            await p.login(first)
            client = RouterClient(p.redis_url)
            offer = next(d for d in await asyncio.to_thread(client.enqueue, QUEUE_ID) if d["type"] == "OfferMade")
            await asyncio.to_thread(client.submit, rev.OfferAccepted(new_id(), 0, offer["offer_id"], first))
            media = (await raw_call(p.gateway.port)).media
            queued = await p.wait(lambda: p.message("ContactQueued", contact_id="ewt-1"))
            # "queued" (0.4 s), the estimate (0.4 s), then music: wait for the first music bytes, not for a time.
            music = b"".join(prompts().frames("music", "PCMA"))[:1600]
            await p.wait(lambda: music in b"".join(d[12:] for d in media.received), limit=30)
            return queued, media.received

    queued, packets = run(scenario())
    ewt = queued.data["estimated_wait_s"]
    assert ewt is not None and ewt > 0  # one advisor staffed, busy: the router estimates
    minutes = max(1, math.ceil(ewt / 60))
    store = prompts()
    heard = b"".join(p[12:] for p in packets)
    queued_tone = b"".join(store.frames("queued", "PCMA"))
    wait_tone = b"".join(store.frames(f"wait_{minutes}" if minutes <= 10 else "wait_many", "PCMA"))
    music = b"".join(store.frames("music", "PCMA"))[:1600]
    assert heard.index(queued_tone) < heard.index(wait_tone) < heard.index(music)


def test_given_a_contact_already_waiting_when_a_caller_queues_alone_at_the_gateway_then_they_hear_the_routers_position(
    router, tmp_path
):
    """The gateway holds one call (its own order would say "first"); the router has a contact ahead of it (higher
    priority, any channel): the caller hears position 2, the router's, taken from its status."""
    announce_each_second = {"start": "q", "nodes": {"q": {"type": "queue", "queue": "appels", "announce_every_s": 5}}}
    store = prompts()
    second, first = (b"".join(store.frames(f"position_{n}", "PCMA")) for n in (2, 1))

    def heard(packets: list[bytes]) -> bytes:
        return b"".join(p[12:] for p in packets)

    async def scenario():
        async with plant(router, tmp_path, announce_each_second) as p:
            client = RouterClient(p.redis_url)
            ahead = await asyncio.to_thread(client.enqueue, QUEUE_ID, priority=10)
            assert [d["type"] for d in ahead] == ["ContactQueued"]
            media = (await raw_call(p.gateway.port, "position-1")).media
            await p.wait(lambda: p.message("ContactQueued", contact_id="position-1"))
            await p.wait(lambda: second in heard(media.received), limit=8)  # the first announcement, at 5 s
            return p.gateway.position("position-1"), heard(media.received)

    position, audio = run(scenario())
    assert position == 2
    assert second in audio and first not in audio


def test_given_an_offer_accepted_on_the_desk_when_the_phone_never_answers_then_the_call_goes_to_the_next_advisor(
    router, tmp_path, voice
):
    first, second = experts()[:2]

    async def scenario():
        async with plant(router, tmp_path) as p:
            await p.login(first, second)
            silent = await sipp("advisor_ring_cancel.xml", None, tmp=tmp_path)
            phone = await sipp("advisor_answer.xml", None, replace={"RINGMS": "100", "VOICE_WAV": voice}, tmp=tmp_path)
            await db(set_phone, first, f"sip:{first}@127.0.0.1:{silent.port}")
            await db(set_phone, second, f"sip:{second}@127.0.0.1:{phone.port}")
            caller = await sipp("caller_queue.xml", p.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "5000", "VOICE_WAV": voice})  # fmt: skip
            offer = await p.wait(lambda: p.message("OfferMade", advisor_id=first))
            call_id = offer.data["contact_id"]
            await p.wait(lambda: [e for e in p.events if isinstance(e, ev.AdvisorRinging)])
            desk = RouterClient(p.redis_url)  # the desk's accept button
            accept = rev.OfferAccepted(new_id(), 0, offer.data["offer_id"], first)
            accepted = await asyncio.to_thread(desk.submit, accept)
            assert [d["type"] for d in accepted] == ["ContactAnswered"]
            bridged = await p.wait(lambda: p.message("CallBridged"), limit=15)
            for peer in (caller, silent, phone):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)
            answers = [m.data["advisor_id"] for m in p.messages if m.kind == "ContactAnswered"]
            told = p.message("AdvisorNoAnswer", call_id=call_id)
            requeued = [m for m in p.messages if m.kind == "ContactQueued" and m.data["contact_id"] == call_id]
            return call_id, bridged, answers, told, requeued

    call_id, bridged, answers, told, requeued = run(scenario())
    assert answers == [first, second]  # the desk's acceptance, then the phone that answered
    assert (told.advisor_id, told.data["code"]) == (first, 408)  # what the first advisor's desk shows
    assert len(requeued) == 2  # on arrival, then back in the queue after the release
    assert (bridged.advisor_id, bridged.data["call_id"]) == (second, call_id)


def test_given_a_callback_overflow_when_the_waiting_caller_presses_1_then_the_router_books_a_callback_on_their_number(
    router, tmp_path
):
    """Nobody staffed, the queue overflows to a callback after 1 s: the caller hears the offer, presses 1 (INFO),
    hears the confirmation and is hung up on; the router keeps the contact as a callback promise."""
    programme = Queue.objects.get(programme__slug=PROGRAMME, code="appels")
    Queue.objects.filter(pk=programme.pk).update(overflow_kind="callback", overflow_after_s=1, overflow_destination="")
    runtime.stop_embedded()  # the router reads its configuration at start
    service = runtime.build_service(SqliteJournal(tmp_path / "journal-callback.sqlite3"), status_every_s=0.2)
    runtime.start_embedded(service)
    waiting = {"start": "q", "nodes": {"q": {"type": "queue", "queue": "appels", "announce_every_s": 60}}}
    store = prompts()
    offer, ok = (b"".join(store.frames(name, "PCMA")) for name in ("callback_offer", "callback_ok"))

    def heard(call: RawCall) -> bytes:
        return b"".join(p[12:] for p in call.media.received)

    async def scenario():
        async with plant(router, tmp_path, waiting) as p:
            call = await raw_call(p.gateway.port, "callback-1")
            await p.wait(
                lambda: offer in heard(call), limit=8
            )  # overflow after 1 s (the router's tick), then the offer
            call.press("1")
            scheduled = await p.wait(lambda: p.message("CallbackScheduled", contact_id="callback-1"))
            await p.wait(lambda: call.requests("BYE"), limit=8)  # after the confirmation
            ended = await p.wait(lambda: [e for e in p.events if isinstance(e, ev.CallEnded)])
            status = await p.wait(lambda: (p.bus.latest_status() or {}).get("positions", {}).get("callback-1"))
            return scheduled, heard(call), ended[0], status, p.message("ContactLeft", contact_id="callback-1")

    scheduled, audio, ended, status, left = run(scenario())
    assert scheduled.data["number"] == "0611223344"
    assert scheduled.data["window_start"] <= time.time() <= scheduled.data["window_end"]
    assert audio.index(offer) < audio.index(ok)
    assert (ended.record.cause, ended.record.ended_by) == ("callback", "gateway")
    assert status["position"] == 1 and left is None  # the promise waits in the queue; the call was not abandoned
