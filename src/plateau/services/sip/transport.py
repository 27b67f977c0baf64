"""SIP over UDP on asyncio: one endpoint, RFC 3261 §17 transactions (timers A/B/E/F/G/H/J, retransmissions).

The endpoint parses every datagram with the pure ``message.parse``, answers garbage with 400 when it can,
absorbs retransmissions, and hands new requests to its transaction user (the gateway). Every timer is a
loop callback, not a task per transaction, so thousands of calls cost no coroutine each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from plateau.services.sip import message as sipmsg
from plateau.services.sip.message import SipMessage

log = logging.getLogger(__name__)
Addr = tuple[str, int]
TIMER_C = 180.0


@dataclass(frozen=True)
class Timers:
    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0

    @property
    def b(self) -> float:  # also F, H, J: 64*T1
        return 64 * self.t1


class TransactionUser(Protocol):
    def on_request(self, tx: ServerTransaction) -> None: ...
    def on_ack(self, msg: SipMessage, addr: Addr) -> None: ...
    def on_cancel(self, invite: ServerTransaction) -> None: ...
    def on_no_ack(self, invite: ServerTransaction) -> None: ...
    def on_stray_response(self, msg: SipMessage, addr: Addr) -> None: ...


@dataclass
class Counters:
    received: int = 0
    sent: int = 0
    retransmitted: int = 0
    malformed: int = 0
    answered_400: int = 0


class ServerTransaction:
    """One incoming request. The TU calls ``respond`` once or more (provisional, then final)."""

    def __init__(self, endpoint: SipEndpoint, msg: SipMessage, addr: Addr) -> None:
        self.endpoint, self.request, self.addr = endpoint, msg, addr
        self.last: bytes | None = None
        self.final_code = 0
        self.to_tag = sipmsg.new_tag()
        self._timer: asyncio.TimerHandle | None = None
        self._interval = endpoint.timers.t1
        self._deadline = 0.0

    @property
    def key(self) -> tuple[str, str]:
        return _server_key(self.request)

    def respond(self, code: int, **kwargs: object) -> None:
        if self.final_code:
            return  # a final response was already sent (e.g. CANCEL raced the 200)
        data = sipmsg.response(self.request, code, to_tag=self.to_tag, **kwargs)  # type: ignore[arg-type]
        self.last = data
        self.endpoint.send(data, self.addr)
        if code < 200:
            return
        self.final_code = code
        loop = self.endpoint.loop
        if self.request.method == "INVITE":
            # 2xx: the TU core retransmits until the ACK (§13.3.1.4); 3xx-6xx: timer G until the ACK (§17.2.1)
            self._deadline = loop.time() + self.endpoint.timers.b
            self._timer = loop.call_later(self._interval, self._retransmit)
        else:
            self._timer = loop.call_later(self.endpoint.timers.b, self.terminate)  # timer J

    def _retransmit(self) -> None:
        if self.endpoint.loop.time() >= self._deadline:  # timer H
            self.terminate()
            if 200 <= self.final_code < 300:
                self.endpoint.user.on_no_ack(self)
            return
        if self.last is not None:
            self.endpoint.send(self.last, self.addr)
            self.endpoint.counters.retransmitted += 1
        self._interval = min(2 * self._interval, self.endpoint.timers.t2)
        self._timer = self.endpoint.loop.call_later(self._interval, self._retransmit)

    def acked(self) -> None:
        if self._timer:
            self._timer.cancel()
        # keep absorbing retransmitted ACKs/INVITEs for T4 (timer I) then forget
        self._timer = self.endpoint.loop.call_later(self.endpoint.timers.t4, self.terminate)

    def retransmission(self) -> None:
        if self.last is not None:
            self.endpoint.send(self.last, self.addr)

    def terminate(self) -> None:
        if self._timer:
            self._timer.cancel()
        self.endpoint.server_tx.pop(self.key, None)


class ClientTransaction:
    """One outgoing request; ``await final()`` gives the final response or a synthesised 408."""

    def __init__(self, endpoint: SipEndpoint, method: str, branch: str, data: bytes, addr: Addr) -> None:
        self.endpoint, self.method, self.branch, self.data, self.addr = endpoint, method, branch, data, addr
        loop = endpoint.loop
        self.provisional: asyncio.Queue[SipMessage] = asyncio.Queue()
        self.result: asyncio.Future[SipMessage | None] = loop.create_future()
        self.on_provisional: Callable[[SipMessage], None] | None = None
        self._interval = endpoint.timers.t1
        self._deadline = loop.time() + endpoint.timers.b
        self._proceeding = False
        endpoint.send(data, addr)
        self._timer: asyncio.TimerHandle | None = loop.call_later(self._interval, self._retransmit)

    def _retransmit(self) -> None:
        if self.endpoint.loop.time() >= self._deadline:  # timer B / F
            self._complete(None)
            return
        if not (self.method == "INVITE" and self._proceeding):  # timer A stops on a provisional
            self.endpoint.send(self.data, self.addr)
            self.endpoint.counters.retransmitted += 1
        cap = self.endpoint.timers.t2 if self.method != "INVITE" or not self._proceeding else self._interval
        self._interval = min(2 * self._interval, cap) if self.method != "INVITE" else 2 * self._interval
        self._timer = self.endpoint.loop.call_later(min(self._interval, self._deadline_left()), self._retransmit)

    def _deadline_left(self) -> float:
        return max(0.0, self._deadline - self.endpoint.loop.time())

    def on_response(self, msg: SipMessage) -> None:
        if msg.code < 200:
            self._proceeding = True
            if self.method == "INVITE":  # timer C (§16.6, > 3 min): a ringing phone is the TU's business
                self._deadline = self.endpoint.loop.time() + TIMER_C
            else:
                self._interval = self.endpoint.timers.t2
            if self.on_provisional:
                self.on_provisional(msg)
            return
        if self.method == "INVITE" and msg.code >= 300:
            self.endpoint.send(_ack_for_failure(self.data, msg), self.addr)  # §17.1.1.3, same branch
        self._complete(msg)

    def _complete(self, msg: SipMessage | None) -> None:
        if self._timer:
            self._timer.cancel()
            self._timer = None
        if not self.result.done():
            self.result.set_result(msg)
        # stay registered for T4 to absorb retransmitted finals (their ACK is re-sent above)
        self.endpoint.loop.call_later(
            self.endpoint.timers.t4, self.endpoint.client_tx.pop, (self.branch, self.method), None
        )

    async def final(self) -> SipMessage | None:
        """The final response, or None on timer B/F/C (treated as 408 by callers)."""
        return await asyncio.wait_for(asyncio.shield(self.result), TIMER_C + self.endpoint.timers.b)


def _ack_for_failure(invite: bytes, resp: SipMessage) -> bytes:
    parsed = sipmsg.parse(invite)
    assert isinstance(parsed, SipMessage)
    req = parsed.raw
    out = sipmsg.Outgoing(f"ACK {parsed.uri} SIP/2.0")
    out.add("Via", req.headers["Via"]).add("Max-Forwards", "70").add("From", req.headers["From"])
    out.add("To", resp.header("To") or "").add("Call-ID", parsed.call_id).add("CSeq", f"{parsed.cseq} ACK")
    return bytes(out)


def _server_key(msg: SipMessage) -> tuple[str, str]:
    method = "INVITE" if msg.method == "ACK" else msg.method
    return msg.branch or f"{msg.call_id}:{msg.cseq}", method


@dataclass
class SipEndpoint(asyncio.DatagramProtocol):
    """The UDP socket and its transactions."""

    user: TransactionUser
    timers: Timers = field(default_factory=Timers)
    host: str = "127.0.0.1"
    port: int = 0
    counters: Counters = field(default_factory=Counters)

    def __post_init__(self) -> None:
        self.server_tx: dict[tuple[str, str], ServerTransaction] = {}
        self.client_tx: dict[tuple[str, str], ClientTransaction] = {}
        self.transport: asyncio.DatagramTransport | None = None
        self.loop = asyncio.get_running_loop()

    async def start(self) -> None:
        transport, _ = await asyncio.wait_for(
            self.loop.create_datagram_endpoint(lambda: self, local_addr=(self.host, self.port)), 5
        )
        self.transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    def close(self) -> None:
        for tx in list(self.server_tx.values()):
            tx.terminate()
        if self.transport:
            self.transport.close()

    def send(self, data: bytes, addr: Addr) -> None:
        if self.transport and not self.transport.is_closing():
            self.transport.sendto(data, addr)
            self.counters.sent += 1

    def request(self, method: str, branch: str, data: bytes, addr: Addr) -> ClientTransaction:
        tx = ClientTransaction(self, method, branch, data, addr)
        self.client_tx[(branch, method)] = tx
        return tx

    def datagram_received(self, data: bytes, addr: Addr) -> None:
        self.counters.received += 1
        msg = sipmsg.parse(data)
        if isinstance(msg, sipmsg.ParseError):
            self.counters.malformed += 1
            if msg.response is not None:
                self.counters.answered_400 += 1
                self.send(msg.response, addr)
            return
        try:
            if msg.is_request:
                self._on_request(msg, addr)
            else:
                self._on_response(msg, addr)
        except Exception:  # one bad call must never take the endpoint down
            log.exception("SIP handling failed for %s %s", msg.method, msg.call_id)

    def error_received(self, exc: Exception) -> None:
        log.debug("ICMP error on SIP socket: %s", exc)

    def _on_request(self, msg: SipMessage, addr: Addr) -> None:
        existing = self.server_tx.get(_server_key(msg))
        if msg.method == "ACK":
            if existing is not None and not 200 <= existing.final_code < 300:
                existing.acked()  # ACK of a failure response: same transaction
            else:
                self.user.on_ack(msg, addr)
            return
        if existing is not None:
            existing.retransmission()
            return
        tx = ServerTransaction(self, msg, addr)
        self.server_tx[tx.key] = tx
        if msg.method == "CANCEL":
            invite = self.server_tx.get((msg.branch, "INVITE"))
            if invite is None:
                tx.respond(481)
                return
            tx.respond(200)
            if not invite.final_code:
                self.user.on_cancel(invite)
            return
        self.user.on_request(tx)

    def _on_response(self, msg: SipMessage, addr: Addr) -> None:
        tx = self.client_tx.get((msg.branch, msg.cseq_method))
        if tx is None:
            self.user.on_stray_response(msg, addr)
            return
        if tx.result.done():
            if msg.method == "INVITE" and msg.code >= 300:
                self.send(_ack_for_failure(tx.data, msg), tx.addr)
            elif msg.method == "INVITE" and msg.code < 300:
                self.user.on_stray_response(msg, addr)  # 2xx retransmission: the dialog re-sends its ACK
            return
        tx.on_response(msg)
