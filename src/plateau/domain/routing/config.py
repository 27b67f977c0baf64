"""Routing configuration: skills, queues with ordered targets and overflow, advisor profiles.

The configuration is data (frozen dataclasses). :func:`validate_config` refuses it at save time with a French
reason (unknown queue or skill, bad proficiency...); the engine only ever runs a validated configuration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from plateau.domain.routing.errors import InvalidConfiguration, UnknownQueue, UnknownSkill

MAX_LEVEL = 5
CHANNELS = ("call", "letter", "email", "webform", "lead")  # lead: an escalated forwarded request


class Strategy(StrEnum):
    """How one advisor is chosen among the eligible available ones."""

    LONGEST_IDLE = "longest_idle"
    LEAST_OCCUPIED = "least_occupied"
    ROUND_ROBIN = "round_robin"
    SKILLS_WEIGHTED = "skills_weighted"
    RING_ALL = "ring_all"


class OverflowKind(StrEnum):
    QUEUE = "queue"
    EXTERNAL = "external"
    CALLBACK = "callback"
    VOICEMAIL = "voicemail"


@dataclass(frozen=True, slots=True)
class SkillRequirement:
    """``skill`` at proficiency ``min_level`` (0 to 5) or more."""

    skill: str
    min_level: int = 1


@dataclass(frozen=True, slots=True)
class Target:
    """One step of a queue's workflow.

    Eligible advisors hold every skill of ``requires`` and every skill the contact needs (its ``skills``
    attribute, e.g. need and language) at ``needs_min_level`` or more. After ``timeout_s`` seconds the contact
    moves to the next target, which usually asks less (the pool widens); the last target has no timeout.
    """

    requires: tuple[SkillRequirement, ...] = ()
    needs_min_level: int = 1
    timeout_s: float | None = None


@dataclass(frozen=True, slots=True)
class Overflow:
    """Where a contact goes when it waited ``QueueConfig.overflow_after_s`` in the queue."""

    kind: OverflowKind
    destination: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", OverflowKind(self.kind))
        except ValueError:
            raise InvalidConfiguration(f"Type de débordement inconnu « {self.kind} ».", kind=self.kind) from None


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """A queue of one programme and one channel.

    ``priority_aging`` is the priority gained per second of waiting: the effective priority of a contact is
    ``priority + priority_aging * waited_seconds`` (see docs/routing.md, cross-queue fairness).
    """

    queue_id: str
    programme: str
    channel: str = "call"
    targets: tuple[Target, ...] = (Target(),)
    strategy: Strategy = Strategy.LONGEST_IDLE
    priority_aging: float = 1.0
    overflow: Overflow | None = None
    overflow_after_s: float | None = None
    wrap_up_s: float = 0.0
    offer_timeout_s: float = 20.0
    max_no_answer: int = 3
    default_handle_s: float = 300.0
    service_level_s: float = 60.0

    def __post_init__(self) -> None:
        # Accept the plain strings forms and admin screens send; the engine compares enum members by identity.
        try:
            object.__setattr__(self, "strategy", Strategy(self.strategy))
        except ValueError:
            raise InvalidConfiguration(
                f"Stratégie inconnue « {self.strategy} » (file « {self.queue_id} »).", strategy=self.strategy
            ) from None


@dataclass(frozen=True, slots=True)
class AdvisorProfile:
    """Who an advisor is for routing: skills with proficiency, programmes served, capacity per channel."""

    advisor_id: str
    skills: tuple[tuple[str, int], ...] = ()
    programmes: tuple[str, ...] = ()
    capacity: tuple[tuple[str, int], ...] = (("call", 1),)

    def skill_levels(self) -> dict[str, int]:
        return dict(self.skills)

    def capacity_by_channel(self) -> dict[str, int]:
        return dict(self.capacity)


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    skills: tuple[str, ...] = ()
    queues: tuple[QueueConfig, ...] = ()
    advisors: tuple[AdvisorProfile, ...] = ()
    queue_by_id: Mapping[str, QueueConfig] = field(default_factory=dict, compare=False, repr=False)
    advisor_by_id: Mapping[str, AdvisorProfile] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "queue_by_id", {q.queue_id: q for q in self.queues})
        object.__setattr__(self, "advisor_by_id", {a.advisor_id: a for a in self.advisors})

    def queue(self, queue_id: str) -> QueueConfig:
        try:
            return self.queue_by_id[queue_id]
        except KeyError:
            raise UnknownQueue(f"File d'attente inconnue : « {queue_id} ».", queue_id=queue_id) from None


_REQ = re.compile(r"^\s*([A-Za-z0-9_.:-]+)\s*(?:>=\s*([0-5]))?\s*$")


def parse_skill_expression(expression: str) -> tuple[SkillRequirement, ...]:
    """Parse ``"langue_fr>=3 & aide_menagere"`` (a conjunction; a bare skill means level 1 or more)."""
    if not expression.strip():
        return ()
    reqs = []
    for part in expression.split("&"):
        m = _REQ.match(part)
        if m is None:
            raise InvalidConfiguration(f"Expression de compétences illisible : « {part.strip()} ».", part=part)
        reqs.append(SkillRequirement(m.group(1), int(m.group(2) or 1)))
    return tuple(reqs)


def _check_skill(known: set[str], skill: str, where: str) -> None:
    if skill not in known:
        raise UnknownSkill(f"Compétence inconnue « {skill} » ({where}).", skill=skill, where=where)


def _check_level(level: int, where: str) -> None:
    if not 0 <= level <= MAX_LEVEL:
        raise InvalidConfiguration(f"Niveau {level} hors de l'échelle 0 à 5 ({where}).", level=level, where=where)


def _unique(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InvalidConfiguration(f"{what} en double : « {i} ».", id=i)
        seen.add(i)


def _validate_queue(q: QueueConfig, known_skills: set[str], queue_ids: set[str]) -> None:
    where = f"file « {q.queue_id} »"
    if q.channel not in CHANNELS:
        raise InvalidConfiguration(f"Canal inconnu « {q.channel} » ({where}).", channel=q.channel)
    if not q.targets:
        raise InvalidConfiguration(f"La {where} n'a aucune cible.", queue_id=q.queue_id)
    for i, t in enumerate(q.targets):
        here = f"{where}, cible {i + 1}"
        for r in t.requires:
            _check_skill(known_skills, r.skill, here)
            _check_level(r.min_level, here)
        _check_level(t.needs_min_level, here)
        last = i == len(q.targets) - 1
        if not last and (t.timeout_s is None or t.timeout_s <= 0):
            raise InvalidConfiguration(f"Délai manquant ou nul avant d'élargir ({here}).", queue_id=q.queue_id)
    if q.overflow is not None:
        if q.overflow_after_s is None or q.overflow_after_s <= 0:
            raise InvalidConfiguration(f"Délai de débordement manquant ({where}).", queue_id=q.queue_id)
        if q.overflow.kind is OverflowKind.QUEUE:
            if q.overflow.destination not in queue_ids:
                raise UnknownQueue(
                    f"Débordement vers une file inconnue « {q.overflow.destination} » ({where}).",
                    queue_id=q.overflow.destination,
                )
            if q.overflow.destination == q.queue_id:
                raise InvalidConfiguration(f"La {where} déborde vers elle-même.", queue_id=q.queue_id)
        elif q.overflow.kind in (OverflowKind.EXTERNAL,) and not q.overflow.destination:
            raise InvalidConfiguration(f"Numéro de débordement manquant ({where}).", queue_id=q.queue_id)
    for name, value in (("offer_timeout_s", q.offer_timeout_s), ("default_handle_s", q.default_handle_s)):
        if value <= 0:
            raise InvalidConfiguration(f"{name} doit être positif ({where}).", queue_id=q.queue_id)
    if q.wrap_up_s < 0 or q.priority_aging < 0 or q.max_no_answer < 1:
        raise InvalidConfiguration(f"Paramètre négatif ou nul ({where}).", queue_id=q.queue_id)


def validate_config(config: RoutingConfig) -> RoutingConfig:
    """Return ``config`` if it is coherent, else raise a :class:`RoutingError` whose message says why."""
    _unique(config.skills, "Compétence")
    _unique((q.queue_id for q in config.queues), "File d'attente")
    _unique((a.advisor_id for a in config.advisors), "Conseiller")
    known = set(config.skills)
    queue_ids = {q.queue_id for q in config.queues}
    for q in config.queues:
        _validate_queue(q, known, queue_ids)
    for a in config.advisors:
        where = f"conseiller « {a.advisor_id} »"
        for skill, level in a.skills:
            _check_skill(known, skill, where)
            _check_level(level, where)
        for channel, cap in a.capacity:
            if channel not in CHANNELS or cap < 0:
                raise InvalidConfiguration(f"Capacité invalide {channel}={cap} ({where}).", advisor_id=a.advisor_id)
    return config
