"""The lifecycle of a lead (a caller's request forwarded to one provider), as a pure state machine.

::

    created ─send→ sent ─acknowledge→ acknowledged ─call_back→ called_back ─agree→ service_agreed ─close→ closed
                    │                     │                          ├─refuse→ refused ─close→ closed
                    │                     │                          └─no_capacity→ no_capacity
                    ├─call_back→ called_back (a provider may call back before acknowledging in the portal)
                    ├─decline / no_capacity (provider has no room) → no_capacity ─redispatch→ sent (next provider)
                    └─expire (48 h without call-back) → expired ─redispatch→ sent (next provider)
                                                                 └─give_up (nobody left) → closed

Deadlines (:func:`deadlines_after`) are data: the application stores them as rows and a scheduler sweeps the
due ones, so they survive restarts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from plateau.domain.errors import DomainError


class State(StrEnum):
    CREATED = "created"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    CALLED_BACK = "called_back"
    SERVICE_AGREED = "service_agreed"
    REFUSED = "refused"
    NO_CAPACITY = "no_capacity"
    EXPIRED = "expired"
    CLOSED = "closed"


class Action(StrEnum):
    SEND = "send"
    ACKNOWLEDGE = "acknowledge"
    CALL_BACK = "call_back"
    AGREE = "agree"
    REFUSE = "refuse"
    NO_CAPACITY = "no_capacity"
    EXPIRE = "expire"
    REDISPATCH = "redispatch"
    GIVE_UP = "give_up"
    CLOSE = "close"


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.CREATED, Action.SEND): State.SENT,
    (State.SENT, Action.ACKNOWLEDGE): State.ACKNOWLEDGED,
    (State.SENT, Action.CALL_BACK): State.CALLED_BACK,
    (State.SENT, Action.NO_CAPACITY): State.NO_CAPACITY,
    (State.SENT, Action.EXPIRE): State.EXPIRED,
    (State.ACKNOWLEDGED, Action.CALL_BACK): State.CALLED_BACK,
    (State.ACKNOWLEDGED, Action.NO_CAPACITY): State.NO_CAPACITY,
    (State.ACKNOWLEDGED, Action.EXPIRE): State.EXPIRED,
    (State.CALLED_BACK, Action.AGREE): State.SERVICE_AGREED,
    (State.CALLED_BACK, Action.REFUSE): State.REFUSED,
    (State.CALLED_BACK, Action.NO_CAPACITY): State.NO_CAPACITY,
    (State.SERVICE_AGREED, Action.CLOSE): State.CLOSED,
    (State.REFUSED, Action.CLOSE): State.CLOSED,
    (State.NO_CAPACITY, Action.REDISPATCH): State.SENT,
    (State.NO_CAPACITY, Action.GIVE_UP): State.CLOSED,
    (State.EXPIRED, Action.REDISPATCH): State.SENT,
    (State.EXPIRED, Action.GIVE_UP): State.CLOSED,
}

# States where the provider still owes the call-back: the 48 h deadline runs.
AWAITING_CALL_BACK = frozenset({State.SENT, State.ACKNOWLEDGED})
# States from which the provider may act (acknowledge, record an outcome).
PROVIDER_ACTIONS = frozenset({Action.ACKNOWLEDGE, Action.CALL_BACK, Action.AGREE, Action.REFUSE, Action.NO_CAPACITY})


class IllegalTransition(DomainError):
    error_id = "lead_illegal_transition"


def next_state(state: State, action: Action) -> State:
    """The state after ``action``; raises :class:`IllegalTransition` (French message) when not allowed."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(
            f"Action « {action.value} » impossible : la demande est à l'état « {state.value} ».",
            state=state.value,
            action=action.value,
        ) from None


def allowed_actions(state: State) -> list[Action]:
    """The actions allowed from ``state`` (for screens: which buttons to show)."""
    return [a for (s, a) in TRANSITIONS if s is state]


class DeadlineKind(StrEnum):
    REMINDER = "reminder"  # tell the provider the call-back is due soon
    BREACH = "breach"  # the call-back promise is broken: expire, escalate, re-dispatch
    FEEDBACK = "feedback"  # ask the client about the service, N days after the agreed date


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """How long a provider has to call back, and when to remind it (hours before the breach)."""

    call_back_hours: float = 48.0
    reminder_hours_before: tuple[float, ...] = (24.0, 4.0)
    feedback_days_after_service: int = 7

    def __post_init__(self) -> None:
        if self.call_back_hours <= 0:
            raise DomainError("Le délai de rappel doit être positif.", field="call_back_hours")
        if any(not 0 < h < self.call_back_hours for h in self.reminder_hours_before):
            raise DomainError("Un rappel doit tomber avant l'échéance.", field="reminder_hours_before")


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    due_at: dt.datetime


def deadlines_after_send(sent_at: dt.datetime, policy: SlaPolicy) -> list[Deadline]:
    """Deadlines that start when a lead is sent to a provider: reminders (earliest first), then the breach."""
    breach = sent_at + dt.timedelta(hours=policy.call_back_hours)
    reminders = sorted(breach - dt.timedelta(hours=h) for h in policy.reminder_hours_before)
    return [Deadline(DeadlineKind.REMINDER, r) for r in reminders] + [Deadline(DeadlineKind.BREACH, breach)]


def feedback_due(service_date: dt.date, policy: SlaPolicy, tz: dt.tzinfo) -> Deadline:
    """When to ask the client for feedback: ``feedback_days_after_service`` days after the service, at 10:00."""
    day = service_date + dt.timedelta(days=policy.feedback_days_after_service)
    return Deadline(DeadlineKind.FEEDBACK, dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz))


def deadline_still_applies(kind: DeadlineKind, state: State) -> bool:
    """Whether a due deadline of ``kind`` must act on a lead now in ``state`` (otherwise it is just marked done).

    This is what makes the sweep idempotent and safe after a restart: a reminder or breach of a lead already
    called back does nothing.
    """
    if kind in (DeadlineKind.REMINDER, DeadlineKind.BREACH):
        return state in AWAITING_CALL_BACK
    return state in (State.SERVICE_AGREED, State.CLOSED)
