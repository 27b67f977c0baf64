from __future__ import annotations

import datetime as dt

import pytest

from plateau.domain.errors import DomainError
from plateau.domain.leads.lifecycle import (
    TRANSITIONS,
    Action,
    DeadlineKind,
    IllegalTransition,
    SlaPolicy,
    State,
    allowed_actions,
    deadline_still_applies,
    deadlines_after_send,
    feedback_due,
    next_state,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (State.CREATED, Action.SEND, State.SENT),
        (State.SENT, Action.ACKNOWLEDGE, State.ACKNOWLEDGED),
        (State.SENT, Action.CALL_BACK, State.CALLED_BACK),
        (State.ACKNOWLEDGED, Action.CALL_BACK, State.CALLED_BACK),
        (State.CALLED_BACK, Action.AGREE, State.SERVICE_AGREED),
        (State.CALLED_BACK, Action.REFUSE, State.REFUSED),
        (State.CALLED_BACK, Action.NO_CAPACITY, State.NO_CAPACITY),
        (State.SENT, Action.NO_CAPACITY, State.NO_CAPACITY),
        (State.SENT, Action.EXPIRE, State.EXPIRED),
        (State.ACKNOWLEDGED, Action.EXPIRE, State.EXPIRED),
        (State.EXPIRED, Action.REDISPATCH, State.SENT),
        (State.NO_CAPACITY, Action.REDISPATCH, State.SENT),
        (State.EXPIRED, Action.GIVE_UP, State.CLOSED),
        (State.SERVICE_AGREED, Action.CLOSE, State.CLOSED),
        (State.REFUSED, Action.CLOSE, State.CLOSED),
    ],
)
def test_given_a_state_when_an_allowed_action_then_the_next_state(
    state: State, action: Action, expected: State
) -> None:
    assert next_state(state, action) is expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.CREATED, Action.ACKNOWLEDGE),
        (State.CALLED_BACK, Action.EXPIRE),
        (State.SERVICE_AGREED, Action.EXPIRE),
        (State.CLOSED, Action.SEND),
        (State.ACKNOWLEDGED, Action.AGREE),
        (State.SENT, Action.REDISPATCH),
    ],
)
def test_given_a_state_when_a_forbidden_action_then_illegal_transition_in_french(state: State, action: Action) -> None:
    with pytest.raises(IllegalTransition) as err:
        next_state(state, action)
    assert "impossible" in err.value.message
    assert err.value.error_id == "lead_illegal_transition"


def test_given_the_table_then_closed_is_terminal_and_every_state_but_closed_has_an_exit() -> None:
    assert allowed_actions(State.CLOSED) == []
    assert all(allowed_actions(s) for s in State if s is not State.CLOSED)
    assert {s for (s, _) in TRANSITIONS} | set(TRANSITIONS.values()) == set(State)


def test_given_a_lead_sent_at_noon_then_reminders_at_24h_and_4h_before_the_48h_breach() -> None:
    sent = dt.datetime(2026, 6, 1, 12, tzinfo=UTC)
    deadlines = deadlines_after_send(sent, SlaPolicy())
    assert [(d.kind, d.due_at) for d in deadlines] == [
        (DeadlineKind.REMINDER, dt.datetime(2026, 6, 2, 12, tzinfo=UTC)),
        (DeadlineKind.REMINDER, dt.datetime(2026, 6, 3, 8, tzinfo=UTC)),
        (DeadlineKind.BREACH, dt.datetime(2026, 6, 3, 12, tzinfo=UTC)),
    ]


@pytest.mark.parametrize("bad", [{"call_back_hours": 0}, {"reminder_hours_before": (48.0,)}])
def test_given_an_inconsistent_sla_policy_then_refused(bad: dict[str, object]) -> None:
    with pytest.raises(DomainError):
        SlaPolicy(**bad)  # type: ignore[arg-type]


def test_given_a_service_date_then_feedback_is_due_n_days_later_at_ten() -> None:
    due = feedback_due(dt.date(2026, 6, 10), SlaPolicy(feedback_days_after_service=3), UTC)
    assert due.due_at == dt.datetime(2026, 6, 13, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "state", "applies"),
    [
        (DeadlineKind.BREACH, State.SENT, True),
        (DeadlineKind.BREACH, State.ACKNOWLEDGED, True),
        (DeadlineKind.BREACH, State.CALLED_BACK, False),
        (DeadlineKind.REMINDER, State.EXPIRED, False),
        (DeadlineKind.FEEDBACK, State.SERVICE_AGREED, True),
        (DeadlineKind.FEEDBACK, State.REFUSED, False),
    ],
)
def test_given_a_due_deadline_then_it_acts_only_while_the_state_needs_it(
    kind: DeadlineKind, state: State, applies: bool
) -> None:
    assert deadline_still_applies(kind, state) is applies
