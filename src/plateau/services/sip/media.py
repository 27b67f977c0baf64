"""RTP media on asyncio: one 20 ms clock drives every unbridged leg (prompt, music or silence), a relay
bridges two legs, and RFC 4733 events are turned into digits.

Each leg keeps its own SSRC, sequence number and timestamp for its whole life, so the caller hears one
continuous stream from the welcome prompt through hold music into the conversation (the relay re-stamps
the advisor's packets instead of forwarding their headers).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from plateau.services.sip import rtp
from plateau.services.sip.sdp import Negotiated

log = logging.getLogger(__name__)


@dataclass
class LegStats:
    received: int = 0
    sent: int = 0
    relayed: int = 0
    lost: int = 0  # sequence gaps seen on reception


class RtpLeg(asyncio.DatagramProtocol):
    """One local RTP port facing one remote party."""

    def __init__(self, engine: MediaEngine) -> None:
        self.engine = engine
        self.transport: asyncio.DatagramTransport | None = None
        self.port = 0
        self.remote: tuple[str, int] | None = None
        self.codec = "PCMA"
        self.payload_type = 8
        self.dtmf_payload_type: int | None = None
        self.ssrc = secrets.randbits(32)
        self.seq = secrets.randbits(16)
        self.ts = secrets.randbits(32)
        self.marker = True
        self.muted = False  # the party's offer said sendonly/inactive (they hold): we send nothing
        self.peer: RtpLeg | None = None
        self.on_digit: Callable[[str], None] | None = None
        self.recording: bytearray | None = None
        self.stats = LegStats()
        self._frames: list[bytes] = []
        self._index = 0
        self._loop_play = False
        self._on_done: Callable[[], None] | None = None
        self._last_event_ts: int | None = None
        self._last_rx_seq: int | None = None

    # asyncio protocol -----------------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)
        self.port = transport.get_extra_info("sockname")[1]

    def error_received(self, exc: Exception) -> None:
        log.debug("RTP ICMP error on %s: %s", self.port, exc)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) > 12 and data[0] == 0x80 and data[1] & 0x7F == self.payload_type:
            # hot path (plain audio, no CSRC/extension/padding): no object per packet
            self.stats.received += 1
            seq = (data[2] << 8) | data[3]
            if self._last_rx_seq is not None and 1 < (seq - self._last_rx_seq) & 0xFFFF < 1000:
                self.stats.lost += ((seq - self._last_rx_seq) & 0xFFFF) - 1
            self._last_rx_seq = seq
            if self.peer is not None:
                self.peer.relay(data[12:])
            if self.recording is not None:
                self.recording += data[12:]
            return
        pkt = rtp.unpack(data)
        if pkt is None:
            return
        self.stats.received += 1
        if self._last_rx_seq is not None:
            gap = (pkt.sequence - self._last_rx_seq) & 0xFFFF
            if 1 < gap < 1000:
                self.stats.lost += gap - 1
        self._last_rx_seq = pkt.sequence
        if pkt.payload_type == self.dtmf_payload_type:
            self._telephone_event(pkt)
            return
        if self.peer is not None:
            self.peer.relay(pkt.payload)
        if self.recording is not None:
            self.recording += pkt.payload

    def _telephone_event(self, pkt: rtp.RtpPacket) -> None:
        event = rtp.telephone_event(pkt.payload)
        if event is None or pkt.timestamp == self._last_event_ts:
            return  # one digit per event timestamp: its updates and 3 end packets are the same key press
        self._last_event_ts = pkt.timestamp
        if self.on_digit:
            self.on_digit(event.digit)

    # sending --------------------------------------------------------------------------------------------------
    def configure(self, neg: Negotiated) -> None:
        self.remote = (neg.remote_host, neg.remote_port)
        self.codec, self.payload_type, self.dtmf_payload_type = neg.codec, neg.payload_type, neg.dtmf_payload_type

    def _send(self, payload: bytes) -> None:
        if self.muted or self.transport is None or self.remote is None or self.remote[1] == 0:
            return
        self.seq = (self.seq + 1) & 0xFFFF
        self.transport.sendto(
            rtp.pack(self.payload_type, self.seq, self.ts, self.ssrc, payload, self.marker), self.remote
        )
        self.ts = (self.ts + len(payload)) & 0xFFFFFFFF
        self.marker = False
        self.stats.sent += 1

    def relay(self, payload: bytes) -> None:
        self._send(payload)
        self.stats.relayed += 1

    def play(self, frames: list[bytes], *, loop: bool = False, on_done: Callable[[], None] | None = None) -> None:
        """Play 20 ms frames from the next clock tick; ``on_done`` runs when they end (never if looping)."""
        self._frames, self._index, self._loop_play, self._on_done = frames, 0, loop, on_done

    def stop_play(self) -> None:
        self._frames, self._on_done = [], None

    @property
    def playing(self) -> bool:
        return bool(self._frames)

    def tick(self) -> None:
        if self.peer is not None:
            return  # bridged: the relay drives this leg
        if not self._frames:
            self._send(rtp.SILENCE[self.codec])
            return
        self._send(self._frames[self._index])
        self._index += 1
        if self._index >= len(self._frames):
            if self._loop_play:
                self._index = 0
            else:
                done, self._frames, self._on_done = self._on_done, [], None
                if done:
                    done()

    def bridge(self, other: RtpLeg) -> None:
        self.stop_play()
        other.stop_play()
        self.peer, other.peer = other, self
        self.engine.clocked.discard(self)
        self.engine.clocked.discard(other)

    def unbridge(self) -> None:
        if self.peer is not None:
            self.peer.peer = None
        self.peer = None

    def start_clock(self) -> None:
        self.engine.clocked.add(self)

    def close(self) -> None:
        self.unbridge()
        self.engine.clocked.discard(self)
        self.on_digit = None
        if self.transport is not None:
            self.transport.close()


class MediaEngine:
    """Opens RTP legs and runs the shared 20 ms clock (absolute schedule: no drift, lateness measured)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.clocked: set[RtpLeg] = set()
        self.lateness: list[float] = []  # seconds, one per tick, kept bounded for the benchmarks
        self._handle: asyncio.TimerHandle | None = None
        self._next = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None

    async def open_leg(self) -> RtpLeg:
        loop = asyncio.get_running_loop()
        leg = RtpLeg(self)
        await asyncio.wait_for(loop.create_datagram_endpoint(lambda: leg, local_addr=(self.host, 0)), 5)
        return leg

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._next = self._loop.time() + rtp.FRAME_SECONDS
        self._handle = self._loop.call_at(self._next, self._tick)

    def stop(self) -> None:
        if self._handle:
            self._handle.cancel()
        self.clocked.clear()

    def _tick(self) -> None:
        assert self._loop is not None
        now = self._loop.time()
        late = now - self._next
        if len(self.lateness) < 200_000:
            self.lateness.append(late)
        for leg in list(self.clocked):
            try:
                leg.tick()
            except Exception:  # one leg's failure must not stop everyone's audio
                log.exception("RTP tick failed on port %s", leg.port)
                self.clocked.discard(leg)
        self._next += rtp.FRAME_SECONDS
        if self._next < now - 0.2:  # the loop stalled for >200 ms: resynchronise rather than burst
            self._next = now + rtp.FRAME_SECONDS
        self._handle = self._loop.call_at(self._next, self._tick)
