"""Reactive traffic for router tests: arrivals, logins, accepts of the offers actually made, completions..."""

from __future__ import annotations

import random

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import AdvisorProfile, RoutingConfig
from tests.domain.routing.builders import SKILLS, needs, queue

CONFIG = RoutingConfig(
    SKILLS,
    (
        queue("q1", "p1", targets=(needs(timeout_s=5, needs_min_level=3), needs()), wrap_up_s=2),
        queue("q2", "p2", offer_timeout_s=4),
    ),
    tuple(
        AdvisorProfile(f"a{i}", (("fr", 1 + i % 5), ("en", 2)), ("p1", "p2") if i % 2 else ("p1",)) for i in range(6)
    ),
)


class Traffic:
    """Deterministic (seeded) stream of events that reacts to the decisions it is shown."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.now = 0.0
        self.n = 0
        self.offers: dict[str, ev.OfferMade] = {}
        self.assigned: dict[str, str] = {}  # contact -> advisor
        self.waiting: set[str] = set()

    def first(self) -> list[ev.RoutingEvent]:
        return [ev.ConfigurationApplied("cfg", 0.0, CONFIG)] + [
            ev.AdvisorLoggedIn(f"login-{a.advisor_id}", 0.0, a.advisor_id) for a in CONFIG.advisors
        ]

    def observe(self, decisions: list[ev.Decision]) -> None:
        for d in decisions:
            if isinstance(d, ev.OfferMade):
                self.offers[d.offer_id] = d
            elif isinstance(d, ev.OfferWithdrawn):
                self.offers.pop(d.offer_id, None)
            elif isinstance(d, ev.ContactAnswered):
                self.assigned[d.contact_id] = d.advisor_id
                self.waiting.discard(d.contact_id)
            elif isinstance(d, ev.ContactLeft):
                self.assigned.pop(d.contact_id, None)
                self.waiting.discard(d.contact_id)

    def next(self) -> ev.RoutingEvent:
        self.n += 1
        self.now += self.rng.choice((0.1, 0.5, 1.0, 2.0))
        eid, now, roll = f"t{self.n}", self.now, self.rng.random()
        if roll < 0.35:
            cid = f"c{self.n}"
            self.waiting.add(cid)
            return ev.ContactArrived(eid, now, cid, self.rng.choice(("q1", "q2")), self.rng.choice(((), ("fr",))))
        if roll < 0.6 and self.offers:
            o = self.offers.pop(self.rng.choice(sorted(self.offers)))
            if self.rng.random() < 0.85:
                return ev.OfferAccepted(eid, now, o.offer_id, o.advisor_id)
            return ev.OfferDeclined(eid, now, o.offer_id, o.advisor_id)
        if roll < 0.85 and self.assigned:
            cid = self.rng.choice(sorted(self.assigned))
            return ev.ContactCompleted(eid, now, cid, self.assigned.pop(cid))
        if roll < 0.9 and self.waiting:
            cid = self.rng.choice(sorted(self.waiting))
            return ev.CallbackRequested(eid, now, cid, "+33600000000", now + 5, now + 60)
        if roll < 0.93 and self.waiting:
            cid = self.rng.choice(sorted(self.waiting))
            self.waiting.discard(cid)
            return ev.ContactAbandoned(eid, now, cid)
        if roll < 0.96:
            return ev.AdvisorPaused(eid, now, self.rng.choice([a.advisor_id for a in CONFIG.advisors]), "pause")
        if roll < 0.99:
            return ev.AdvisorResumed(eid, now, self.rng.choice([a.advisor_id for a in CONFIG.advisors]))
        return ev.Tick(eid, now)
