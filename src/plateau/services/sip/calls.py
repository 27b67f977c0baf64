"""State of the calls the gateway handles, and its configuration."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from plateau.domain.ivr import Interpreter
from plateau.services.sip import events as ev
from plateau.services.sip import sdp
from plateau.services.sip.dialog import Addr, Dialog
from plateau.services.sip.media import RtpLeg
from plateau.services.sip.session_timer import Agreed
from plateau.services.sip.transport import ServerTransaction, Timers

ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REFER, NOTIFY, REGISTER, UPDATE"


@dataclass
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 0  # 0: an ephemeral port (tests); 5060 in production
    max_calls: int = 500
    ring_timeout: float = 15.0
    transfer_timeout: float = 30.0
    timers: Timers = field(default_factory=Timers)
    min_se: int = 90  # RFC 4028 §5: shortest session interval we accept (lower in tests to prove refreshes fast)
    session_expires: int | None = 1800  # asked of the phones we call (RFC 4028's recommended value); None: not asked
    var_dir: Path = Path("var")
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)


@dataclass
class Side:
    """Offer/answer state of one of our dialogs (the caller's, or an outbound leg's)."""

    sdp: sdp.Session = field(default_factory=lambda: sdp.Session(secrets.randbits(31)))
    awaiting: dict[int, ServerTransaction] = field(default_factory=dict)  # 2xx sent, ACK due, by CSeq
    offer_in_200: bool = False  # their INVITE had no SDP: our 200 offered, the answer comes in the ACK
    reoffering: bool = False  # our own re-INVITE/UPDATE is in progress on this dialog (glare: 491)
    ack: bytes | None = None  # ACK of our last 2xx-answered re-INVITE, re-sent on a retransmitted 2xx
    holding: bool = False  # their last offer put the other party on hold (sendonly/inactive)
    session: Agreed | None = None  # RFC 4028 interval and refresher
    allow: str = ""  # the methods the party allows (its Allow header): a refresh by UPDATE only if it has it
    session_timer: asyncio.TimerHandle | None = None


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
    cancel_code: int | None = None  # the no-answer code when the router withdrew the offer (stop_ringing)
    side: Side = field(default_factory=Side)
    cseq: int = 0  # of our last INVITE (a 422 makes us ask again with the next one)


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
    side: Side = field(default_factory=Side)
    desk_hold: bool = False  # the advisor put the caller on hold from the desk (re-INVITE sendonly to the phone)
    hold_since: float | None = None
    hold_seconds: float = 0.0
    holds: int = 0
    announcement: str | None = None  # the price announcement to play before the menu (majoré tariff in force)
    blocked: bool = False  # the caller's number is marked for this programme: short message, then BYE
    pre_path: list[str] = field(default_factory=list)  # steps before the menu, first in the CDR's path

    @property
    def ended(self) -> bool:
        return self.state == "ended"
