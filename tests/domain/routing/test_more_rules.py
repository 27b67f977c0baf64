"""Pauses and logouts with pending offers, configuration changes at run time, the journal codec."""

from __future__ import annotations

import pytest

from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import UnreadableEvent, event_from_dict, event_to_dict

from .builders import Scenario, advisor, config, queue


def test_given_a_pending_offer_when_the_advisor_pauses_then_the_contact_goes_to_the_next_advisor():
    s = Scenario(config(advisors=(advisor("alice"), advisor("bruno"))))
    s.login(0, "alice")
    s.login(1, "bruno")
    assert s.offers(s.arrive(2, "c1"))[0].advisor_id == "alice"
    out = s.feed(ev.AdvisorPaused(s.eid(), 3, "alice", "déjeuner"))
    assert [(type(d).__name__, getattr(d, "advisor_id", "")) for d in out] == [
        ("AdvisorStateChanged", "alice"),
        ("OfferWithdrawn", "alice"),
        ("OfferMade", "bruno"),
    ]
    assert out[0].state == "paused"


def test_given_an_advisor_holding_a_contact_when_logging_out_then_refused_until_completed():
    s = Scenario(config(advisors=(advisor("alice"),)))
    s.login(0, "alice")
    s.accept(1, s.offers(s.arrive(0, "c1"))[0])
    out = s.feed(ev.AdvisorLoggedOut(s.eid(), 2, "alice"))
    assert out[0].error_id == "routing_invalid_transition"
    s.complete(3, "c1", "alice")
    s.feed(ev.AdvisorLoggedOut(s.eid(), 4, "alice"))
    assert s.engine.advisor_state("alice").value == "logged_out"


def test_given_ring_all_when_nobody_answers_then_everyone_rings_again_without_auto_pause():
    s = Scenario(
        config(queue(strategy="ring_all", offer_timeout_s=10, max_no_answer=1), advisors=(advisor("a"), advisor("b")))
    )
    s.login(0, "a", "b")
    s.arrive(1, "c1")
    again = s.offers(s.tick(11))
    assert sorted(o.advisor_id for o in again) == ["a", "b"]
    assert s.engine.advisor_state("a").value == "reserved"


def test_given_waiting_contacts_when_a_new_configuration_adds_an_advisor_then_they_are_served_at_once():
    s = Scenario(config(advisors=(advisor("alice"),)))
    s.arrive(0, "c1")
    bigger = config(advisors=(advisor("alice"), advisor("bruno")))
    s.feed(ev.ConfigurationApplied(s.eid(), 5, bigger))
    out = s.login(6, "bruno")
    assert [o.contact_id for o in s.offers(out)] == ["c1"]
    assert s.engine.contacts["c1"].enqueued_at == 0


def test_given_contacts_in_a_queue_when_a_configuration_removes_it_then_refused_with_the_reason():
    s = Scenario(config(queue("q1"), queue("q2"), advisors=(advisor("alice"),)))
    s.arrive(0, "c1", "q2")
    out = s.feed(ev.ConfigurationApplied(s.eid(), 1, config(queue("q1"), advisors=(advisor("alice"),))))
    assert out[0].error_id == "routing_invalid_configuration"
    assert "q2" in out[0].message
    assert s.engine.waiting_count("q2") == 1


def test_given_completed_contacts_when_estimating_then_the_measured_handling_time_replaces_the_default():
    s = Scenario(config(queue(default_handle_s=300, wrap_up_s=20), advisors=(advisor("a"),)))
    s.login(0, "a")
    s.accept(0, s.offers(s.arrive(0, "c1"))[0])
    s.complete(100, "c1", "a")
    assert s.engine.estimated_wait("q1") == pytest.approx(1 * (100 + 20) / 1)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        pytest.param({"v": 99}, "Version", id="unknown_version"),
        pytest.param({"type": "OfferMade"}, "Type", id="output_type_is_not_an_input"),
        pytest.param({"type": "Nope"}, "Type", id="unknown_type"),
    ],
)
def test_given_a_foreign_journal_row_when_decoded_then_refused_with_the_reason(mutate, reason):
    row = event_to_dict(ev.Tick("t1", 1.0)) | mutate
    with pytest.raises(UnreadableEvent) as raised:
        event_from_dict(row)
    assert reason in raised.value.message


def test_given_a_completion_with_hold_time_when_journaled_then_it_round_trips_and_older_lines_read_as_no_hold():
    held = ev.ContactCompleted("e1", 10.0, "c1", "alice", 42.5)
    assert event_from_dict(event_to_dict(held)) == held
    plain = ev.ContactCompleted("e2", 10.0, "c1", "alice")
    line = event_to_dict(plain)
    assert "hold_s" not in line  # journals and decision logs keep the form they had before hold time existed
    assert event_from_dict(line) == plain and event_from_dict(line).hold_s == 0.0
