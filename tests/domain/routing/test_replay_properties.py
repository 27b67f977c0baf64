"""Properties: the state is a pure function of the journal.

Random but meaningful event sequences are drawn while a live engine runs (accepting offers that exist,
completing contacts that are assigned...). Then: replaying the JSON-serialised journal gives the same state;
a crash at any point (the journal cut there) recovers the state the live engine had at that point; a
snapshot plus the tail equals the full replay, decisions included.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import event_from_dict, event_to_dict
from plateau.domain.routing.config import AdvisorProfile, Overflow, OverflowKind, RoutingConfig, Strategy
from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.journal import replay
from plateau.domain.routing.snapshot import restore_snapshot, take_snapshot

from .builders import SKILLS, needs, queue

CONFIG = RoutingConfig(
    SKILLS,
    (
        queue("q1", "p1", targets=(needs(timeout_s=20, needs_min_level=3), needs()), wrap_up_s=5, offer_timeout_s=8),
        queue(
            "q2", "p2", strategy=Strategy.ROUND_ROBIN, overflow=Overflow(OverflowKind.QUEUE, "q1"), overflow_after_s=40
        ),
        queue("q3", "p1", channel="letter", strategy=Strategy.RING_ALL, priority_aging=0.5),
        queue(
            "q4", "p2", strategy=Strategy.SKILLS_WEIGHTED, overflow=Overflow(OverflowKind.CALLBACK), overflow_after_s=15
        ),
    ),
    (
        AdvisorProfile("a1", (("fr", 4), ("en", 2)), ("p1", "p2"), (("call", 1), ("letter", 2))),
        AdvisorProfile("a2", (("fr", 2),), ("p1",), (("call", 1), ("letter", 3))),
        AdvisorProfile("a3", (("fr", 5), ("aide", 3)), ("p2",)),
        AdvisorProfile("a4", (("en", 5), ("fr", 1)), ("p1", "p2"), (("call", 1),)),
    ),
)
ADVISORS = ("a1", "a2", "a3", "a4")
QUEUES = ("q1", "q2", "q3", "q4")
ACTIONS = (
    "arrive",
    "arrive",
    "arrive",
    "accept",
    "accept",
    "decline",
    "complete",
    "complete",
    "abandon",
    "login",
    "logout",
    "pause",
    "resume",
    "callback",
    "tick",
    "wrap_end",
    "duplicate",
    "stale_accept",
)


def _draw_events(data: st.DataObject, steps: int, live: RoutingEngine | None = None) -> list[ev.RoutingEvent]:
    """Draw events reacting to ``live`` (a fresh engine unless given), applying them to it as they come."""
    live = live if live is not None else RoutingEngine()
    events: list[ev.RoutingEvent] = [ev.ConfigurationApplied("cfg", 0.0, CONFIG)]
    live.apply(events[0])
    now = 0.0
    for n in range(steps):
        now += data.draw(st.sampled_from((0.0, 0.5, 1.0, 3.0, 7.0, 20.0)))
        action = data.draw(st.sampled_from(ACTIONS))
        eid = f"e{n}"
        event: ev.RoutingEvent
        if action == "arrive":
            skills = data.draw(st.sampled_from(((), ("fr",), ("en",), ("fr", "aide"))))
            prio = data.draw(st.sampled_from((0.0, 0.0, 30.0)))
            event = ev.ContactArrived(eid, now, f"c{n}", data.draw(st.sampled_from(QUEUES)), skills, prio)
        elif action in ("accept", "decline") and live.offers:
            o = live.offers[data.draw(st.sampled_from(sorted(live.offers)))]
            cls = ev.OfferAccepted if action == "accept" else ev.OfferDeclined
            event = cls(eid, now, o.offer_id, o.advisor_id)
        elif action == "complete" and any(c.advisor_id for c in live.contacts.values()):
            c = live.contacts[data.draw(st.sampled_from(sorted(k for k, c in live.contacts.items() if c.advisor_id)))]
            event = ev.ContactCompleted(eid, now, c.contact_id, str(c.advisor_id))
        elif action in ("abandon", "callback") and live.contacts:
            cid = data.draw(st.sampled_from(sorted(live.contacts)))
            if action == "abandon":
                event = ev.ContactAbandoned(eid, now, cid)
            else:
                start = now + data.draw(st.sampled_from((0.0, 10.0, 60.0)))
                event = ev.CallbackRequested(eid, now, cid, "+33600000000", start, start + 30)
        elif action in ("login", "logout", "pause", "resume", "wrap_end"):
            aid = data.draw(st.sampled_from(ADVISORS))
            event = {
                "login": ev.AdvisorLoggedIn,
                "logout": ev.AdvisorLoggedOut,
                "resume": ev.AdvisorResumed,
                "wrap_end": ev.WrapUpEnded,
            }.get(action, ev.AdvisorLoggedIn)(eid, now, aid)
            if action == "pause":
                event = ev.AdvisorPaused(eid, now, aid, "pause café")
        elif action == "duplicate" and len(events) > 1:
            event = events[data.draw(st.integers(1, len(events) - 1))]
        elif action == "stale_accept":
            event = ev.OfferAccepted(eid, now, f"o{data.draw(st.integers(1, 5))}", data.draw(st.sampled_from(ADVISORS)))
        else:
            event = ev.Tick(eid, now)
        live.apply(event)
        live.next_deadline()  # as drivers do: asking must not change what the engine decides
        events.append(event)
    return events


def _through_json(events: list[ev.RoutingEvent]) -> list[ev.RoutingEvent]:
    return [event_from_dict(json.loads(json.dumps(event_to_dict(e)))) for e in events]


SETTINGS = settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_given_random_traffic_when_the_json_journal_is_replayed_then_the_state_is_identical(data):
    driven = RoutingEngine()
    events = _draw_events(data, 60, driven)
    live, live_out = replay(events)
    again, again_out = replay(_through_json(events))
    assert take_snapshot(live) == take_snapshot(driven)
    assert take_snapshot(again) == take_snapshot(live)
    assert again_out == live_out


@SETTINGS
@given(st.data())
def test_given_a_crash_at_any_point_when_recovering_from_the_cut_journal_then_nothing_is_lost(data):
    events = _draw_events(data, 50)
    cut = data.draw(st.integers(0, len(events)))
    live = RoutingEngine()
    for e in events[:cut]:
        live.apply(e)
    before_crash = take_snapshot(live)
    recovered, _ = replay(_through_json(events[:cut]))
    assert take_snapshot(recovered) == before_crash


@SETTINGS
@given(st.data())
def test_given_a_snapshot_when_the_tail_is_replayed_then_it_equals_the_full_replay(data):
    events = _draw_events(data, 60)
    at = data.draw(st.integers(1, len(events)))
    head, _ = replay(events[:at])
    snap = json.loads(json.dumps(take_snapshot(head)))
    restored = restore_snapshot(snap)
    assert take_snapshot(restored) == take_snapshot(head)
    tail_from_snapshot = [d for e in events[at:] for d in restored.apply(e)]
    tail_live = [d for e in events[at:] for d in head.apply(e)]
    full, _ = replay(events)
    assert tail_from_snapshot == tail_live
    assert take_snapshot(restored) == take_snapshot(full)
