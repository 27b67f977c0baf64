"""JSON-ready dicts for events and configuration, with a format version.

``event_to_dict`` / ``event_from_dict`` are what journals store (one JSON object per event). Pure: the
adapters do the ``json.dumps``. Version 1: ``{"v": 1, "type": "<EventClass>", ...fields}``; tuples become
lists and come back as tuples.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import (
    AdvisorProfile,
    Overflow,
    OverflowKind,
    QueueConfig,
    RoutingConfig,
    SkillRequirement,
    Strategy,
    Target,
)
from plateau.domain.routing.errors import RoutingError

FORMAT_VERSION = 1
# Optional fields added to version 1 later: written only when they differ from their default, so journals and
# decision logs without them keep their exact form; read back as their default when absent.
ADDED_LATER = frozenset({"hold_s"})
_TYPES: dict[str, type] = {t.__name__: t for t in (*ev.INPUT_TYPES, *ev.OUTPUT_TYPES)}


class UnreadableEvent(RoutingError):
    error_id = "routing_unreadable_event"


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _lists(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_lists(v) for v in value]
    return value


def config_to_dict(config: RoutingConfig) -> dict[str, Any]:
    def target(t: Target) -> dict[str, Any]:
        return {
            "requires": [[r.skill, r.min_level] for r in t.requires],
            "needs_min_level": t.needs_min_level,
            "timeout_s": t.timeout_s,
        }

    def queue(q: QueueConfig) -> dict[str, Any]:
        d = {f.name: getattr(q, f.name) for f in dataclasses.fields(q)}
        d["targets"] = [target(t) for t in q.targets]
        d["strategy"] = q.strategy.value
        d["overflow"] = None if q.overflow is None else {"kind": q.overflow.kind.value, "dest": q.overflow.destination}
        return d

    return {
        "skills": list(config.skills),
        "queues": [queue(q) for q in config.queues],
        "advisors": [
            {
                "advisor_id": a.advisor_id,
                "skills": _lists(a.skills),
                "programmes": list(a.programmes),
                "capacity": _lists(a.capacity),
            }
            for a in config.advisors
        ],
    }


def config_from_dict(data: dict[str, Any]) -> RoutingConfig:
    def queue(d: dict[str, Any]) -> QueueConfig:
        d = dict(d)
        d["targets"] = tuple(
            Target(
                tuple(SkillRequirement(s, int(lvl)) for s, lvl in t["requires"]),
                int(t["needs_min_level"]),
                t["timeout_s"],
            )
            for t in d["targets"]
        )
        d["strategy"] = Strategy(d["strategy"])
        o = d["overflow"]
        d["overflow"] = None if o is None else Overflow(OverflowKind(o["kind"]), o["dest"])
        return QueueConfig(**d)

    return RoutingConfig(
        skills=tuple(data["skills"]),
        queues=tuple(queue(q) for q in data["queues"]),
        advisors=tuple(
            AdvisorProfile(a["advisor_id"], _tuples(a["skills"]), tuple(a["programmes"]), _tuples(a["capacity"]))
            for a in data["advisors"]
        ),
    )


def event_to_dict(event: ev.RoutingEvent | ev.Decision) -> dict[str, Any]:
    d: dict[str, Any] = {"v": FORMAT_VERSION, "type": type(event).__name__}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if f.name in ADDED_LATER and value == f.default:
            continue
        d[f.name] = config_to_dict(value) if isinstance(value, RoutingConfig) else _lists(value)
    return d


def event_from_dict(data: dict[str, Any]) -> ev.RoutingEvent:
    """Rebuild an input event; refuses unknown versions and types with the reason."""
    if data.get("v") != FORMAT_VERSION:
        raise UnreadableEvent(f"Version de format inconnue : {data.get('v')!r}.")
    cls = _TYPES.get(str(data.get("type")))
    if cls is None or cls not in ev.INPUT_TYPES:
        raise UnreadableEvent(f"Type d'événement inconnu : {data.get('type')!r}.")
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in ADDED_LATER and f.name not in data:
            continue  # left at its default
        value = data[f.name]
        kwargs[f.name] = config_from_dict(value) if f.name == "config" else _tuples(value)
    return cast(ev.RoutingEvent, cls(**kwargs))
