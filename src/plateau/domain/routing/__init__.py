"""The routing engine (ACD): pure, clock-injected, deterministic. See docs/routing.md.

Typical use::

    engine = RoutingEngine()
    engine.apply(ConfigurationApplied("cfg-1", now, validate_config(config)))
    for decision in engine.apply(ContactArrived("evt-42", now, "call-42", "q-bienvenue", ("fr",))):
        ...  # OfferMade, ContactQueued, Rejected...
"""

from __future__ import annotations

from plateau.domain.routing.config import (
    AdvisorProfile,
    Overflow,
    OverflowKind,
    QueueConfig,
    RoutingConfig,
    SkillRequirement,
    Strategy,
    Target,
    parse_skill_expression,
    validate_config,
)
from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.journal import EventJournal, checkpoint, recover, replay
from plateau.domain.routing.snapshot import restore_snapshot, take_snapshot

__all__ = [
    "AdvisorProfile",
    "EventJournal",
    "Overflow",
    "OverflowKind",
    "QueueConfig",
    "RoutingConfig",
    "RoutingEngine",
    "SkillRequirement",
    "Strategy",
    "Target",
    "checkpoint",
    "parse_skill_expression",
    "recover",
    "replay",
    "restore_snapshot",
    "take_snapshot",
    "validate_config",
]
