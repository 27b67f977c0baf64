"""Targets that widen, overflow, cross-queue fairness, callbacks that keep the caller's place, EWT."""

from __future__ import annotations

import pytest

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import Overflow, OverflowKind

from .builders import Scenario, advisor, config, needs, queue

TWO_STEP = (needs(timeout_s=30, needs_min_level=4), needs(needs_min_level=1))


def test_given_a_junior_advisor_when_the_first_target_times_out_then_the_pool_widens_to_them():
    s = Scenario(config(queue(targets=TWO_STEP), advisors=(advisor("junior", fr=2),)))
    s.login(0, "junior")
    assert s.offers(s.arrive(1, "c1", "q1", "fr")) == []
    assert s.offers(s.tick(30)) == []
    out = s.tick(31)
    assert [type(d).__name__ for d in out] == ["ContactRetargeted", "OfferMade"]


def test_given_an_expert_when_a_contact_needs_level_4_then_the_expert_is_offered_at_once():
    s = Scenario(config(queue(targets=TWO_STEP), advisors=(advisor("junior", fr=2), advisor("expert", fr=5))))
    s.login(0, "junior", "expert")
    assert [o.advisor_id for o in s.offers(s.arrive(1, "c1", "q1", "fr"))] == ["expert"]


@pytest.mark.parametrize(
    ("overflow", "expected"),
    [
        pytest.param(Overflow(OverflowKind.QUEUE, "q2"), ("ContactOverflowed", "OfferMade"), id="to_another_queue"),
        pytest.param(
            Overflow(OverflowKind.EXTERNAL, "+33140000000"), ("ContactOverflowed", "ContactLeft"), id="to_external"
        ),
        pytest.param(Overflow(OverflowKind.VOICEMAIL), ("ContactOverflowed", "ContactLeft"), id="to_voicemail"),
        pytest.param(Overflow(OverflowKind.CALLBACK), ("CallbackOffered",), id="to_a_callback_offer"),
    ],
)
def test_given_nobody_free_when_the_overflow_delay_passes_then_the_contact_overflows(overflow, expected):
    q1 = queue("q1", overflow=overflow, overflow_after_s=60)
    q2 = queue("q2", "p2")
    s = Scenario(config(q1, q2, advisors=(advisor("bob", ("p2",)),)))
    s.login(0, "bob")
    s.arrive(0, "c1")
    out = s.tick(60)
    assert tuple(type(d).__name__ for d in out) == expected
    if overflow.kind is OverflowKind.QUEUE:
        assert s.engine.contacts["c1"].enqueued_at == 0  # keeps its original place in the new queue


@pytest.mark.parametrize(
    ("arrivals", "expected_first"),
    [
        pytest.param([("q2", "old", 0, 0.0), ("q1", "new", 10, 0.0)], "old", id="oldest_across_queues_first"),
        pytest.param([("q1", "new", 10, 0.0), ("q2", "old", 0, 0.0)], "old", id="arrival_order_of_events_irrelevant"),
        pytest.param([("q2", "old", 0, 0.0), ("q1", "vip", 10, 60.0)], "vip", id="priority_counts_as_waited_seconds"),
        pytest.param([("q2", "b", 5, 0.0), ("q1", "a", 5, 0.0)], "a", id="exact_tie_broken_by_queue_id"),
    ],
)
def test_given_an_advisor_shared_by_two_programmes_when_freed_then_fairness_is_deterministic(arrivals, expected_first):
    q1, q2 = queue("q1", "p1"), queue("q2", "p2")
    s = Scenario(config(q1, q2, advisors=(advisor("alice", ("p1", "p2")),)))
    for qid, cid, at, prio in sorted(arrivals, key=lambda a: a[2]):
        s.arrive(at, cid, qid, priority=prio)
    out = s.login(20, "alice")
    assert [o.contact_id for o in s.offers(out)] == [expected_first]


def test_given_a_callback_promise_when_the_window_opens_then_the_caller_keeps_their_original_place():
    s = Scenario(config(advisors=(advisor("alice"),)))
    s.arrive(0, "early")
    s.feed(ev.CallbackRequested(s.eid(), 30, "early", "+33600000000", 100, 400))
    assert s.engine.contact_status("early").value == "scheduled"
    s.arrive(50, "later")
    s.login(60, "alice")
    assert s.last_offer().contact_id == "later"  # window not open yet: the promise does not jump the queue
    s.accept(61, s.last_offer())
    s.arrive(70, "latest")
    s.complete(150, "later", "alice")
    assert s.last_offer().contact_id == "early"  # open window: it is older than "latest"


def test_given_a_callback_promise_when_nobody_takes_it_in_its_window_then_a_miss_is_reported_and_kept():
    s = Scenario(config(advisors=(advisor("alice"),)))
    s.arrive(0, "c1")
    s.feed(ev.CallbackRequested(s.eid(), 10, "c1", "+33600000000", 10, 100))
    out = s.tick(100)
    assert [type(d).__name__ for d in out] == ["CallbackPromiseMissed"]
    assert s.engine.contact_status("c1").value == "waiting"


def test_given_two_staffed_advisors_when_three_wait_then_ewt_is_position_times_aht_over_staff():
    s = Scenario(config(queue(default_handle_s=300), advisors=(advisor("a"), advisor("b"))))
    s.login(0, "a", "b")
    for i in range(5):
        s.arrive(1, f"c{i}")
    assert s.engine.waiting_count("q1") == 5  # two offered, three waiting in line
    assert s.engine.estimated_wait("q1") == pytest.approx(6 * 300 / 2)


def test_given_an_advisor_shared_by_two_queues_when_estimating_then_they_count_for_half():
    q1, q2 = queue("q1", "p1"), queue("q2", "p2")
    s = Scenario(config(q1, q2, advisors=(advisor("a", ("p1", "p2")),)))
    s.login(0, "a")
    assert s.engine.estimated_wait("q1") == pytest.approx(1 * 300 / 0.5)


def test_given_nobody_staffed_when_a_contact_queues_then_no_estimate_is_given():
    s = Scenario(config(advisors=(advisor("a"),)))
    out = s.arrive(1, "c1")
    assert out[0] == ev.ContactQueued(out[0].cause, 1, "c1", "q1", None)


def test_given_an_offer_declined_before_the_overflow_delay_when_the_driver_polls_deadlines_then_overflow_still_fires():
    q = queue(overflow=Overflow(OverflowKind.VOICEMAIL), overflow_after_s=60, offer_timeout_s=30)
    s = Scenario(config(q, advisors=(advisor("alice"),)))
    s.arrive(0, "c1")
    offer = s.offers(s.login(40, "alice"))[0]
    assert s.engine.next_deadline() == 60  # asking must not consume the overflow deadline
    s.feed(ev.OfferDeclined(s.eid(), 50, offer.offer_id, "alice"))
    assert [type(d).__name__ for d in s.tick(60)] == ["ContactOverflowed", "ContactLeft"]
