"""Small builders for routing scenarios: a config, an engine fed with events, readable event helpers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import (
    AdvisorProfile,
    QueueConfig,
    RoutingConfig,
    SkillRequirement,
    Target,
    validate_config,
)
from plateau.domain.routing.engine import RoutingEngine

SKILLS = ("fr", "en", "aide", "handicap", "retraite")


def advisor(advisor_id: str, programmes: tuple[str, ...] = ("p1",), **skills: int) -> AdvisorProfile:
    return AdvisorProfile(advisor_id, tuple(skills.items()) or (("fr", 3),), programmes)


def queue(queue_id: str = "q1", programme: str = "p1", **kwargs: object) -> QueueConfig:
    return QueueConfig(queue_id, programme, **kwargs)  # type: ignore[arg-type]


def needs(*reqs: tuple[str, int], timeout_s: float | None = None, needs_min_level: int = 1) -> Target:
    return Target(tuple(SkillRequirement(s, lvl) for s, lvl in reqs), needs_min_level, timeout_s)


@dataclass
class Scenario:
    """An engine plus helpers that stamp unique event ids; ``out`` keeps every decision."""

    config: RoutingConfig
    engine: RoutingEngine = field(default_factory=RoutingEngine)
    out: list[ev.Decision] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.feed(ev.ConfigurationApplied(self.eid(), 0.0, validate_config(self.config)))

    def eid(self) -> str:
        return f"e{next(self._ids)}"

    def feed(self, event: ev.RoutingEvent) -> list[ev.Decision]:
        out = self.engine.apply(event)
        self.out.extend(out)
        return out

    def login(self, at: float, *advisor_ids: str) -> list[ev.Decision]:
        return [d for a in advisor_ids for d in self.feed(ev.AdvisorLoggedIn(self.eid(), at, a))]

    def arrive(self, at: float, contact_id: str, queue_id: str = "q1", *skills: str, priority: float = 0.0):
        return self.feed(ev.ContactArrived(self.eid(), at, contact_id, queue_id, skills, priority))

    def accept(self, at: float, offer: ev.OfferMade) -> list[ev.Decision]:
        return self.feed(ev.OfferAccepted(self.eid(), at, offer.offer_id, offer.advisor_id))

    def complete(self, at: float, contact_id: str, advisor_id: str) -> list[ev.Decision]:
        return self.feed(ev.ContactCompleted(self.eid(), at, contact_id, advisor_id))

    def tick(self, at: float) -> list[ev.Decision]:
        return self.feed(ev.Tick(self.eid(), at))

    def offers(self, decisions: list[ev.Decision] | None = None) -> list[ev.OfferMade]:
        return [d for d in (self.out if decisions is None else decisions) if isinstance(d, ev.OfferMade)]

    def last_offer(self) -> ev.OfferMade:
        return self.offers()[-1]


def config(*queues: QueueConfig, advisors: tuple[AdvisorProfile, ...] = ()) -> RoutingConfig:
    return RoutingConfig(SKILLS, queues or (queue(),), advisors)
