"""State of the calls the gateway handles, and its configuration."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from plateau.domain.ivr import Interpreter
from plateau.services.sip import events as ev
from plateau.services.sip.dialog import Addr, Dialog
from plateau.services.sip.media import RtpLeg
from plateau.services.sip.transport import ServerTransaction, Timers

ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REFER, NOTIFY, REGISTER"


@dataclass
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 0  # 0: an ephemeral port (tests); 5060 in production
    max_calls: int = 500
    ring_timeout: float = 15.0
    transfer_timeout: float = 30.0
    timers: Timers = field(default_factory=Timers)
    var_dir: Path = Path("var")
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)


@dataclass
class OutboundLeg:
    """A leg we place (advisor phone or external number)."""

    target: str  # advisor name or URI
    call_id: str
    invite: bytes
    branch: str
    addr: Addr
    uri: str
    from_party: str
    rtp: RtpLeg
    dialog: Dialog | None = None
    ack: bytes | None = None
    cancelled: bool = False


@dataclass
class Call:
    id: str
    programme: str
    number: str
    caller: str
    dialog: Dialog
    leg: RtpLeg
    invite: ServerTransaction
    interp: Interpreter
    state: str = "answering"  # ivr, queued, ringing, bridged, transferring, ended
    queue: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    outbound: OutboundLeg | None = None
    timers: list[asyncio.TimerHandle] = field(default_factory=list)
    refer_result: asyncio.Future[int] | None = None
    record: ev.CallRecord | None = None
    digits: str = ""
    music: str = "music"
    estimated_wait_s: float | None = None  # the router's EWT, told to the caller with the position
    estimate_at: float = 0.0
    callback_offer: Callable[[bool], None] | None = None  # the router offered a callback: waiting for the key
    router_position: int | None = None  # the router's place for this call (priorities, callbacks), if told
    recording_started_at: float | None = None  # recording on demand (announced first)
    recording_by: str = ""

    @property
    def ended(self) -> bool:
        return self.state == "ended"
