"""Advisor states, capacity, wrap-up, reservation timeout, auto-pause, expired offers, duplicates."""

from __future__ import annotations

import pytest

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import AdvisorProfile

from .builders import Scenario, advisor, config, queue


def _states(s: Scenario) -> list[str]:
    return [s.engine.advisor_state("alice").value]


def test_given_an_advisor_when_a_contact_goes_through_then_states_follow_the_lifecycle():
    s = Scenario(config(queue(wrap_up_s=30), advisors=(advisor("alice"),)))
    seen = [s.engine.advisor_state("alice").value]
    s.login(0, "alice")
    seen.append(s.engine.advisor_state("alice").value)
    offer = s.offers(s.arrive(5, "c1", "q1"))[0]
    seen.append(s.engine.advisor_state("alice").value)
    s.accept(8, offer)
    seen.append(s.engine.advisor_state("alice").value)
    s.complete(100, "c1", "alice")
    seen.append(s.engine.advisor_state("alice").value)
    s.tick(129)
    seen.append(s.engine.advisor_state("alice").value)
    s.tick(130)
    seen.append(s.engine.advisor_state("alice").value)
    s.feed(ev.AdvisorPaused(s.eid(), 140, "alice", "formation"))
    seen.append(s.engine.advisor_state("alice").value)
    assert s.engine.advisors["alice"].pause_reason == "formation"
    s.feed(ev.AdvisorLoggedOut(s.eid(), 150, "alice"))
    seen.append(s.engine.advisor_state("alice").value)
    assert seen == [
        "logged_out",
        "available",
        "reserved",
        "busy",
        "wrap_up",
        "wrap_up",
        "available",
        "paused",
        "logged_out",
    ]


def test_given_wrap_up_when_the_advisor_ends_it_early_then_the_next_contact_is_offered():
    s = Scenario(config(queue(wrap_up_s=60), advisors=(advisor("alice"),)))
    s.login(0, "alice")
    s.accept(1, s.offers(s.arrive(0, "c1"))[0])
    s.complete(10, "c1", "alice")
    s.arrive(11, "c2")
    out = s.feed(ev.WrapUpEnded(s.eid(), 20, "alice"))
    assert [o.contact_id for o in s.offers(out)] == ["c2"]


def test_given_capacity_of_three_letters_when_four_arrive_then_three_are_held_and_one_waits():
    profile = AdvisorProfile("alice", (("fr", 3),), ("p1",), (("letter", 3), ("call", 1)))
    s = Scenario(config(queue(channel="letter"), advisors=(profile,)))
    s.login(0, "alice")
    for i in range(4):
        s.arrive(1 + i, f"l{i}")
    for t in range(2, 8):
        pending = [o for o in s.offers() if o.offer_id in s.engine.offers]
        if pending:
            s.accept(t, pending[0])
    assert s.engine.advisors["alice"].load["letter"] == 3
    assert s.engine.contact_status("l3").value == "waiting"
    s.complete(20, "l0", "alice")
    assert s.engine.contact_status("l3").value == "offered"


def test_given_an_offer_not_answered_when_it_expires_then_the_next_advisor_gets_the_contact():
    s = Scenario(config(queue(offer_timeout_s=15), advisors=(advisor("alice"), advisor("bruno"))))
    s.login(0, "alice")
    s.login(1, "bruno")
    first = s.offers(s.arrive(2, "c1"))[0]
    assert first.advisor_id == "alice"
    out = s.tick(17)
    assert [(type(d).__name__, d.advisor_id) for d in out if hasattr(d, "advisor_id")][:2] == [
        ("OfferWithdrawn", "alice"),
        ("OfferMade", "bruno"),
    ]


def test_given_an_expired_offer_when_the_advisor_accepts_it_then_a_clear_error_and_the_contact_moves_on():
    s = Scenario(config(queue(offer_timeout_s=15), advisors=(advisor("alice"), advisor("bruno"))))
    s.login(0, "alice", "bruno")
    first = s.offers(s.arrive(2, "c1"))[0]
    out = s.accept(30, first)  # 13 s too late
    rejected = [d for d in out if isinstance(d, ev.Rejected)]
    assert len(rejected) == 1
    assert rejected[0].error_id == "routing_offer_expired"
    assert "expiré" in rejected[0].message
    assert s.last_offer().advisor_id != first.advisor_id
    assert s.engine.contact_status("c1").value == "offered"


@pytest.mark.parametrize(
    ("max_no_answer", "expected_state"),
    [
        pytest.param(1, "paused", id="one_miss_allowed_pauses_at_the_first"),
        pytest.param(2, "available", id="two_misses_allowed_keeps_the_advisor_available_after_one"),
    ],
)
def test_given_no_answer_limit_when_an_offer_expires_then_auto_pause(max_no_answer, expected_state):
    s = Scenario(config(queue(offer_timeout_s=10, max_no_answer=max_no_answer), advisors=(advisor("alice"),)))
    s.login(0, "alice")
    s.arrive(1, "c1")
    out = s.tick(11)
    assert s.engine.advisor_state("alice").value == expected_state
    if expected_state == "paused":
        assert s.engine.advisors["alice"].pause_reason == "no_answer"
        assert any(isinstance(d, ev.AdvisorStateChanged) and d.reason == "no_answer" for d in out)


def test_given_the_same_event_twice_when_applied_then_the_second_is_ignored():
    s = Scenario(config(advisors=(advisor("alice"),)))
    s.login(0, "alice")
    arrival = ev.ContactArrived("dup-1", 1, "c1", "q1")
    first = s.feed(arrival)
    assert s.feed(arrival) == []
    assert len(s.offers(first)) == 1
    accept = ev.OfferAccepted("dup-2", 2, first[-1].offer_id, "alice")
    assert any(isinstance(d, ev.ContactAnswered) for d in s.feed(accept))
    assert s.feed(accept) == []
    assert s.engine.queues["q1"].answered == 1


@pytest.mark.parametrize(
    ("event", "error_id"),
    [
        pytest.param(ev.ContactArrived("x1", 1, "c9", "nope"), "routing_unknown_queue", id="unknown_queue"),
        pytest.param(ev.ContactArrived("x2", 1, "c9", "q1", ("klingon",)), "routing_unknown_skill", id="unknown_skill"),
        pytest.param(ev.AdvisorLoggedIn("x3", 1, "zoe"), "routing_unknown_advisor", id="unknown_advisor"),
        pytest.param(ev.ContactCompleted("x4", 1, "c9", "alice"), "routing_unknown_contact", id="unknown_contact"),
        pytest.param(ev.AdvisorResumed("x5", 1, "alice"), "routing_invalid_transition", id="resume_without_pause"),
    ],
)
def test_given_bad_input_when_applied_then_rejected_with_reason_and_state_unchanged(event, error_id):
    s = Scenario(config(advisors=(advisor("alice"),)))
    s.login(0, "alice")
    out = s.feed(event)
    assert [(type(d).__name__, d.error_id) for d in out] == [("Rejected", error_id)]
    assert out[0].message
    assert s.engine.contacts == {}
    assert s.engine.advisor_state("alice").value == "available"


@pytest.mark.parametrize(("told", "counted"), [(30.0, 30.0), (0.0, 0.0), (-5.0, 0.0), (500.0, 92.0)])
def test_given_a_call_put_on_hold_when_it_completes_then_its_hold_time_leaves_with_it_within_its_handling(
    told: float, counted: float
):
    """The gateway tells the time on hold with the completion; the engine keeps it between 0 and the handling."""
    s = Scenario(config(queue(), advisors=(advisor("alice"),)))
    s.login(0, "alice")
    s.accept(8, s.offers(s.arrive(5, "c1", "q1"))[0])
    out = s.feed(ev.ContactCompleted(s.eid(), 100, "c1", "alice", told))
    (left,) = [d for d in out if isinstance(d, ev.ContactLeft)]
    assert (left.reason, left.hold_s) == ("completed", counted)
