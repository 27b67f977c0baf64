"""RFC 3261 timers seen from a plain UDP peer that misbehaves (never answers, never ACKs)."""

from __future__ import annotations

import asyncio
import time

from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip import sdp
from plateau.services.sip.message import SipMessage
from plateau.services.sip.transport import Timers
from tests.sip._isolated import run_isolated

from .harness import NUMBER, gateway

FAST = Timers(t1=0.02, t2=0.08, t4=0.1)
SLOW = Timers(t1=0.05, t2=0.2, t4=0.2)


class Peer(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: list[tuple[float, SipMessage]] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        msg = sipmsg.parse(data)
        if isinstance(msg, SipMessage):
            self.received.append((time.perf_counter(), msg))

    @property
    def port(self) -> int:
        assert self.transport is not None
        return self.transport.get_extra_info("sockname")[1]


async def peer() -> Peer:
    p = Peer()
    await asyncio.get_running_loop().create_datagram_endpoint(lambda: p, local_addr=("127.0.0.1", 0))
    return p


def test_given_a_silent_peer_then_a_non_invite_request_is_retransmitted_with_timer_e_and_gives_up_at_timer_f():
    async def scenario():
        async with gateway(timers=SLOW) as gw:
            silent = await peer()
            endpoint = gw.gateway.endpoint
            assert endpoint is not None
            branch = sipmsg.new_branch()
            data = sipmsg.request("OPTIONS", f"sip:x@127.0.0.1:{silent.port}", via_host="127.0.0.1",
                                  via_port=gw.gateway.port, branch=branch, from_="<sip:gw@127.0.0.1>;tag=1",
                                  to=f"<sip:x@127.0.0.1:{silent.port}>", call_id="opt-1", cseq=1)  # fmt: skip
            started = time.perf_counter()
            result = await endpoint.request("OPTIONS", branch, data, ("127.0.0.1", silent.port)).final()
            elapsed = time.perf_counter() - started
            assert result is None  # timer F: treated as 408 by callers
            assert 64 * SLOW.t1 - 0.05 <= elapsed <= 64 * SLOW.t1 + 1.0
            gaps = [b - a for (a, _), (b, _) in zip(silent.received, silent.received[1:], strict=False)]
            late = sorted(gaps[len(gaps) // 2 :])
            assert gaps[0] < SLOW.t2 * 0.75  # starts at T1 and doubles…
            assert 0.75 * SLOW.t2 < late[len(late) // 2] < 1.5 * SLOW.t2  # …then steady at T2 (margins: shared CI)
            assert len(silent.received) >= 10

    run_isolated(asyncio.wait_for(scenario(), 20))


def test_given_a_caller_that_never_acks_then_the_200_is_retransmitted_until_timer_h_and_the_call_is_ended_by_bye():
    async def scenario():
        async with gateway(timers=FAST) as gw:
            caller = await peer()
            assert caller.transport is not None
            uri = f"sip:{NUMBER}@127.0.0.1:{gw.gateway.port}"
            invite = sipmsg.request("INVITE", uri, via_host="127.0.0.1", via_port=caller.port, branch="z9hG4bKnoack",
                                    from_=f"<sip:c@127.0.0.1:{caller.port}>;tag=c1", to=f"<{uri}>", call_id="noack-1",
                                    cseq=1, contact=f"<sip:c@127.0.0.1:{caller.port}>",
                                    body=sdp.offer("127.0.0.1", 9, sdp.Session(1), codec="PCMA"))  # fmt: skip
            caller.transport.sendto(invite, ("127.0.0.1", gw.gateway.port))
            (ended,) = await gw.wait_for(ev.CallEnded, limit=5)
            assert (ended.record.cause, ended.record.ended_by) == ("no_ack", "gateway")
            await asyncio.sleep(0.1)
            codes = [m.code for _, m in caller.received if not m.is_request]
            assert codes[:3] == [100, 180, 200]
            assert codes.count(200) >= 5  # retransmitted while no ACK came
            assert any(m.is_request and m.method == "BYE" for _, m in caller.received)
            assert gw.gateway.calls == {}

    run_isolated(asyncio.wait_for(scenario(), 20))
