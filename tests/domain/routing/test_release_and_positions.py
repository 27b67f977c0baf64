"""A contact given back by the advisor who took it (``ContactReleased``), and each waiting contact's place."""

from __future__ import annotations

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import Overflow, OverflowKind

from .builders import Scenario, advisor, config, needs, queue


def test_given_an_accepted_contact_when_the_advisor_releases_it_then_it_keeps_its_place_and_goes_to_someone_else():
    s = Scenario(config(queue(), advisors=(advisor("alice"), advisor("bob"))))
    s.login(0, "alice")
    s.accept(2, s.offers(s.arrive(1, "c1"))[0])
    s.arrive(3, "c2")
    s.arrive(4, "c3")
    out = s.feed(ev.ContactReleased(s.eid(), 5, "c1", "alice"))
    assert [(o.contact_id, o.advisor_id) for o in s.offers(out)] == [("c2", "alice")]  # never c1 again
    assert type(out[0]).__name__ == "ContactQueued"  # queued again first, like an arrival
    places = [(cid, pos) for cid, pos, _ in s.engine.queue_positions("q1")]
    assert places == [("c1", 2), ("c3", 3)]  # c2 is being offered: it counts ahead
    later = s.login(6, "bob")
    assert [o.contact_id for o in s.offers(later)] == ["c1"]  # before c3, which arrived after it
    assert s.engine.queues["q1"].answered == 0  # c1's answer was undone; c2 is only offered


def test_given_a_contact_not_held_by_that_advisor_when_released_then_it_is_rejected_and_nothing_changes():
    s = Scenario(config(queue(), advisors=(advisor("alice"), advisor("bob"))))
    s.login(0, "alice")
    s.accept(2, s.offers(s.arrive(1, "c1"))[0])
    out = s.feed(ev.ContactReleased(s.eid(), 3, "c1", "bob"))
    assert [type(d).__name__ for d in out] == ["Rejected"]
    assert s.engine.advisor_state("alice").value == "busy"


def test_given_priorities_when_positions_are_asked_then_they_follow_the_routers_order_with_an_estimate_each():
    s = Scenario(config(queue(default_handle_s=60), advisors=(advisor("alice"),)))
    s.login(0, "alice")
    s.accept(1, s.offers(s.arrive(1, "busy"))[0])
    s.arrive(2, "early")
    s.arrive(3, "urgent", priority=50)
    positions = s.engine.queue_positions("q1")
    assert [(cid, pos) for cid, pos, _ in positions] == [("urgent", 1), ("early", 2)]
    first, second = (ewt for _, _, ewt in positions)
    assert first is not None and second == 2 * first


def test_given_a_released_contact_when_its_overflow_time_comes_then_it_overflows_counted_from_its_entry():
    q = queue(overflow=Overflow(OverflowKind.VOICEMAIL), overflow_after_s=60)
    s = Scenario(config(q, advisors=(advisor("alice"),)))
    s.login(0, "alice")
    s.accept(2, s.offers(s.arrive(1, "c1"))[0])
    s.feed(ev.ContactReleased(s.eid(), 30, "c1", "alice"))  # alice never gets it again: it waits
    assert s.engine.next_deadline() == 61  # entered at 1, overflow after 60 s: no extra time for the release
    out = s.tick(61)
    assert [type(d).__name__ for d in out if d.contact_id == "c1"][:1] == ["ContactOverflowed"]


def test_given_a_released_contact_at_a_narrow_target_when_its_timeout_passes_then_the_pool_widens():
    q = queue(targets=(needs(("en", 3), timeout_s=20), needs(("en", 1))))
    s = Scenario(config(q, advisors=(advisor("alice", en=3), advisor("bob", en=1))))
    s.login(0, "alice")
    s.login(0, "bob")
    s.accept(2, s.offers(s.arrive(1, "c1"))[0])
    assert s.engine.contacts["c1"].advisor_id == "alice"
    s.feed(ev.ContactReleased(s.eid(), 5, "c1", "alice"))
    assert s.engine.next_deadline() == 25  # the first target's 20 s restart at the release
    assert s.engine.contacts["c1"].status.name == "WAITING"  # bob is not qualified yet, alice released it
    out = s.tick(25)
    assert s.engine.contacts["c1"].target_index == 1
    assert [o.contact_id for o in s.offers(out)] == ["c1"]  # offered again at the wider target
