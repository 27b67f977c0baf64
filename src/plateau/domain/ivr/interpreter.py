"""A voice-menu interpreter: a state machine fed with events, answering with actions for the media layer.

Pure and clock-injected: the gateway calls ``start``, ``prompt_done``, ``digit`` and ``timeout`` and carries
out the returned actions (play, start a timer, queue, transfer…). Timers carry an id so a stale expiry
(a digit arrived first) is ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from plateau.domain.ivr.flow import (
    WEEKDAYS,
    CallbackOffer,
    Flow,
    Hangup,
    Hours,
    Menu,
    Play,
    Queue,
    SetAttributes,
    Transfer,
    Voicemail,
)
from plateau.domain.ivr.holidays import is_holiday

MAX_SILENT_STEPS = 64  # hours/set steps in a row without any prompt: a loop in the data
# Where a caller goes when the flow itself fails (a bug, or data the validation of its day did not refuse):
# the programme's main call queue, where the gateway plays its "queued" prompt. Never a dropped call.
FALLBACK_QUEUE = "appels"


@dataclass(frozen=True)
class PlayPrompt:
    prompt: str
    barge_in: bool = False


@dataclass(frozen=True)
class StopPrompt:
    pass


@dataclass(frozen=True)
class StartTimer:
    timer: int
    seconds: float


@dataclass(frozen=True)
class QueueCall:
    queue: str
    attributes: dict[str, str]
    music: str
    announce_position: bool
    announce_every_s: float


@dataclass(frozen=True)
class TransferCall:
    target: str
    method: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class RequestCallback:
    attributes: dict[str, str]


@dataclass(frozen=True)
class RecordVoicemail:
    max_seconds: int
    attributes: dict[str, str]


@dataclass(frozen=True)
class HangUp:
    reason: str = "flow"


Action = PlayPrompt | StopPrompt | StartTimer | QueueCall | TransferCall | RequestCallback | RecordVoicemail | HangUp


def is_open(node: Hours, now: dt.datetime) -> bool:
    """Whether ``now`` (an aware datetime) falls in the opening hours of ``node``."""
    local = now.astimezone(ZoneInfo(node.timezone))
    day = local.date()
    if day in node.closed_dates or is_holiday(day, node.calendar):
        return False
    t = local.time().replace(tzinfo=None)
    return any(a <= t < b for a, b in node.weekly.get(WEEKDAYS[local.weekday()], ()))


class Interpreter:
    """Runs one call through a flow. ``path`` lists the nodes visited (for the call record)."""

    def __init__(
        self,
        flow: Flow,
        clock: Callable[[], dt.datetime],
        *,
        fallback_queue: str = FALLBACK_QUEUE,
        on_failure: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        self.flow = flow
        self.clock = clock
        self.fallback_queue = fallback_queue
        self.on_failure = on_failure  # told the step and the error (the gateway logs an alert)
        self.failure: str | None = None
        self.node = flow.start
        self.phase = "idle"
        self.attempts = 0
        self.attributes: dict[str, str] = {}
        self.path: list[str] = []
        self.digits: list[str] = []
        self.finished = False
        self._timer = 0

    # events: each one runs through _safely, so no flow can make the interpreter raise --------------------------
    def start(self) -> list[Action]:
        return self._safely(lambda: self._enter(self.flow.start))

    def prompt_done(self) -> list[Action]:
        return self._safely(self._prompt_done)

    def digit(self, digit: str) -> list[Action]:
        return self._safely(lambda: self._digit(digit))

    def timeout(self, timer: int) -> list[Action]:
        return self._safely(lambda: self._timeout(timer))

    def _safely(self, step: Callable[[], list[Action]]) -> list[Action]:
        if self.failure is not None:
            return []
        try:
            return step()
        except Exception as exc:  # a broken flow must never break the line: the caller goes to the fallback queue
            self.failure = f"{type(exc).__name__}: {exc}"
            if self.on_failure is not None:
                self.on_failure(self.node, exc)
            return self._finish(QueueCall(self.fallback_queue, dict(self.attributes), "music", True, 30.0))

    def _prompt_done(self) -> list[Action]:
        node = self.flow.nodes[self.node]
        match (self.phase, node):
            case ("play", Play(next=n)):
                return self._enter(n)
            case ("menu" | "offer", Menu(timeout_s=s) | CallbackOffer(timeout_s=s)):
                self.phase = "wait" if self.phase == "menu" else "offer_wait"
                return [self._arm(s)]
            case ("reprompt", Menu(prompt=p)):
                self.phase = "menu"
                return [PlayPrompt(p, barge_in=True)]
            case ("pre_transfer", Transfer(target=t, method=m)):
                return self._finish(TransferCall(t, m, dict(self.attributes)))
            case ("pre_voicemail", Voicemail(max_seconds=s)):
                return self._finish(RecordVoicemail(s, dict(self.attributes)))
            case ("closing", _):
                return self._finish(HangUp())
        return []

    def _digit(self, digit: str) -> list[Action]:
        if self.finished:
            return []
        self.digits.append(digit)
        node = self.flow.nodes[self.node]
        stop: list[Action] = [StopPrompt()] if self.phase in ("menu", "offer", "reprompt") else []
        self._timer += 1  # cancels any pending timer
        if isinstance(node, Menu) and self.phase in ("menu", "wait", "reprompt"):
            if digit in node.options:
                return stop + self._enter(node.options[digit])
            return stop + self._retry(node, node.invalid_prompt)
        if isinstance(node, CallbackOffer) and self.phase in ("offer", "offer_wait"):
            if digit != node.accept_digit:
                return stop + self._enter(node.next)
            actions: list[Action] = [*stop, RequestCallback(dict(self.attributes))]
            if node.confirm_prompt:
                self.phase = "closing"
                return [*actions, PlayPrompt(node.confirm_prompt)]
            return actions + self._finish(HangUp("callback"))
        return []

    def _timeout(self, timer: int) -> list[Action]:
        if timer != self._timer or self.finished:
            return []
        node = self.flow.nodes[self.node]
        if isinstance(node, Menu) and self.phase == "wait":
            return self._retry(node, node.no_input_prompt)
        if isinstance(node, CallbackOffer) and self.phase == "offer_wait":
            return self._enter(node.next)
        return []

    # internals ------------------------------------------------------------------------------------------------
    def _arm(self, seconds: float) -> StartTimer:
        self._timer += 1
        return StartTimer(self._timer, seconds)

    def _finish(self, action: Action) -> list[Action]:
        self.finished = True
        self.phase = "done"
        return [action]

    def _retry(self, node: Menu, prompt: str | None) -> list[Action]:
        self.attempts += 1
        if self.attempts > node.retries:
            return self._enter(node.fallback) if node.fallback else self._finish(HangUp("no_choice"))
        if prompt:
            self.phase = "reprompt"
            return [PlayPrompt(prompt, barge_in=True)]
        self.phase = "menu"
        return [PlayPrompt(node.prompt, barge_in=True)]

    def _enter(self, name: str) -> list[Action]:
        for _ in range(MAX_SILENT_STEPS):
            self.node, self.attempts = name, 0
            self.path.append(name)
            node = self.flow.nodes[name]
            match node:
                case Hours():
                    name = node.open if is_open(node, self.clock()) else node.closed
                case SetAttributes(values=v, next=n):
                    self.attributes.update(v)
                    name = n
                case Play(prompt=p):
                    self.phase = "play"
                    return [PlayPrompt(p)]
                case Menu(prompt=p):
                    self.phase = "menu"
                    return [PlayPrompt(p, barge_in=True)]
                case CallbackOffer(prompt=p):
                    self.phase = "offer"
                    return [PlayPrompt(p, barge_in=True)]
                case Queue(queue=q, music=m, announce_position=a, announce_every_s=e):
                    return self._finish(QueueCall(q, dict(self.attributes), m, a, e))
                case Transfer(target=t, prompt=p, method=m):
                    if p:
                        self.phase = "pre_transfer"
                        return [PlayPrompt(p)]
                    return self._finish(TransferCall(t, m, dict(self.attributes)))
                case Voicemail(prompt=p):
                    self.phase = "pre_voicemail"
                    return [PlayPrompt(p)]
                case Hangup(prompt=p):
                    if p:
                        self.phase = "closing"
                        return [PlayPrompt(p)]
                    return self._finish(HangUp())
        return self._finish(HangUp("loop"))
