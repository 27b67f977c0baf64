"""Typed call events the gateway emits (journal, desktop, wallboard and CDRs subscribe to them)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kind of the bus message by which the desk asks the gateway to record an advisor's call ({"contact_id": ...}).
RECORDING_REQUESTED = "RecordingRequested"
# Kind of the bus message by which the desk puts an advisor's call on hold or resumes it ({"contact_id", "hold"}).
HOLD_REQUESTED = "HoldRequested"


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    programme: str
    at: float  # wall-clock seconds (time.time())


@dataclass(frozen=True)
class CallStarted(CallEvent):
    number: str
    caller: str


@dataclass(frozen=True)
class DigitReceived(CallEvent):
    digit: str
    method: str  # "rfc4733" or "info"


@dataclass(frozen=True)
class CallQueued(CallEvent):
    """The seam towards the router: the call waits in ``queue`` with the IVR's attributes."""

    queue: str
    attributes: dict[str, str]
    position: int


@dataclass(frozen=True)
class AdvisorRinging(CallEvent):
    advisor: str


@dataclass(frozen=True)
class AdvisorNoAnswer(CallEvent):
    advisor: str
    code: int  # final SIP code, 408 for a ring timeout, 487 when we cancelled


@dataclass(frozen=True)
class CallBridged(CallEvent):
    advisor: str


@dataclass(frozen=True)
class AdvisorDigitReceived(CallEvent):
    """A key pressed on the bridged advisor's phone (RFC 4733 or INFO); never relayed to the caller."""

    advisor: str
    digit: str


@dataclass(frozen=True)
class CallTransferred(CallEvent):
    target: str
    method: str
    outcome: str  # "accepted", "failed"


@dataclass(frozen=True)
class CallbackRequested(CallEvent):
    attributes: dict[str, str]


@dataclass(frozen=True)
class VoicemailRecorded(CallEvent):
    path: str
    seconds: float


@dataclass(frozen=True)
class RecordingStarted(CallEvent):
    """The caller heard the announcement; both directions are recorded from now on."""

    advisor: str


@dataclass(frozen=True)
class RecordingSaved(CallEvent):
    path: str
    started_at: float
    seconds: float
    advisor: str


@dataclass(frozen=True)
class CallHeld(CallEvent):
    """A bridged call went on hold: ``by`` is "caller" (their phone) or "advisor" (desk or phone)."""

    by: str
    on_hold: int  # the programme's calls on hold at this gateway now (the wallboard shows it)


@dataclass(frozen=True)
class CallResumed(CallEvent):
    """The hold is over: resumed, or the call ended (or lost its advisor) while on hold."""

    seconds: float  # how long this hold lasted
    on_hold: int


@dataclass(frozen=True)
class CallRecord:
    """CDR: every timing of one call (wall-clock seconds; None when the step never happened)."""

    call_id: str
    programme: str
    caller: str
    started_at: float
    answered_at: float | None = None
    announced_at: float | None = None  # end of the price announcement (majoré number): the caller pays from then
    queued_at: float | None = None
    ringing_at: float | None = None
    bridged_at: float | None = None
    ended_at: float | None = None
    advisor: str | None = None
    transfer_target: str | None = None
    cause: str = ""
    ended_by: str = ""
    path: tuple[str, ...] = ()
    digits: str = ""
    advisors_tried: tuple[str, ...] = field(default=())
    hold_seconds: float = 0.0  # bridged time spent on hold (either side), counted out of talk time by KPIs
    holds: int = 0

    @property
    def wait_seconds(self) -> float | None:
        if self.queued_at is None:
            return None
        return (self.bridged_at or self.ended_at or self.queued_at) - self.queued_at

    @property
    def talk_seconds(self) -> float | None:
        if self.bridged_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.bridged_at


@dataclass(frozen=True)
class CallEnded(CallEvent):
    record: CallRecord
