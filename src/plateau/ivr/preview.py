"""What the editor shows next to the JSON: the flow as a tree from its start, and the opening hours and
public holidays its ``hours`` steps apply. Works on invalid data too (best effort), so the preview follows
the typing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plateau.domain.ivr.holidays import public_holidays

DAYS = {"mon": "lundi", "tue": "mardi", "wed": "mercredi", "thu": "jeudi", "fri": "vendredi", "sat": "samedi",
        "sun": "dimanche"}  # fmt: skip
CALENDARS = {"france": "jours fériés nationaux", "alsace-moselle": "jours fériés d'Alsace-Moselle "
             "(avec Vendredi saint et Saint-Étienne)", "none": "aucun jour férié"}  # fmt: skip
TYPES = {"play": "Message", "menu": "Menu", "hours": "Horaires", "set": "Attributs", "queue": "File d'attente",
         "transfer": "Transfert", "callback": "Rappel", "voicemail": "Messagerie", "hangup": "Fin d'appel"}  # fmt: skip


@dataclass
class TreeNode:
    name: str
    edge: str
    kind: str = ""
    summary: str = ""
    state: str = "ok"  # ok, seen (shown above), missing
    children: list[TreeNode] = field(default_factory=list)


def _summary(spec: Mapping[str, Any]) -> str:
    kind = spec.get("type")
    match kind:
        case "play":
            return f"« {spec.get('prompt')} »"
        case "menu":
            return (
                f"« {spec.get('prompt')} », {spec.get('timeout_s', 5)} s, {spec.get('retries', 2)} nouvel(s) essai(s)"
            )
        case "hours":
            return CALENDARS.get(str(spec.get("calendar", "france")), str(spec.get("calendar")))
        case "set":
            values = spec.get("values") or {}
            return ", ".join(f"{k} = {v}" for k, v in values.items()) if isinstance(values, Mapping) else ""
        case "queue":
            return f"« {spec.get('queue')} », musique « {spec.get('music', 'music')} »"
        case "transfer":
            return f"vers {spec.get('target')} ({spec.get('method', 'refer')})"
        case "callback":
            return f"touche {spec.get('accept_digit', '1')} pour être rappelé"
        case "voicemail":
            return f"{spec.get('max_seconds', 120)} s au plus"
        case "hangup":
            return f"« {spec['prompt']} »" if spec.get("prompt") else ""
    return ""


def _edges(spec: Mapping[str, Any]) -> list[tuple[str, object]]:
    kind = spec.get("type")
    if kind in ("play", "set"):
        return [("puis", spec.get("next"))]
    if kind == "menu":
        options = spec.get("options")
        items = sorted(options.items()) if isinstance(options, Mapping) else []
        edges: list[tuple[str, object]] = [(f"touche {d}", t) for d, t in items]
        if spec.get("fallback"):
            edges.append(("sans choix valable", spec["fallback"]))
        return edges
    if kind == "hours":
        return [("ouvert", spec.get("open")), ("fermé", spec.get("closed"))]
    if kind == "callback":
        return [("refus ou silence", spec.get("next"))]
    return []


def flow_tree(data: object) -> TreeNode | None:
    """The flow from its start; a step reached twice is shown once, then as a reference."""
    if not isinstance(data, Mapping) or not isinstance(data.get("nodes"), Mapping):
        return None
    nodes: Mapping[str, Any] = data["nodes"]
    seen: set[str] = set()

    def build(name: object, edge: str, depth: int) -> TreeNode:
        key = str(name)
        spec = nodes.get(key)
        if not isinstance(spec, Mapping):
            return TreeNode(key, edge, state="missing")
        node = TreeNode(key, edge, TYPES.get(str(spec.get("type")), str(spec.get("type"))), _summary(spec))
        if key in seen or depth > 30:
            node.state = "seen"
            return node
        seen.add(key)
        node.children = [build(target, label, depth + 1) for label, target in _edges(spec)]
        return node

    return build(data.get("start"), "départ", 0)


def tree_names(tree: TreeNode | None) -> set[str]:
    if tree is None:
        return set()
    return {tree.name}.union(*(tree_names(child) for child in tree.children))


def unlinked(data: object, tree: TreeNode | None) -> list[str]:
    """Steps the tree does not reach (just added, or left over): listed under it so they are not lost."""
    if not isinstance(data, Mapping) or not isinstance(data.get("nodes"), Mapping):
        return []
    return sorted(str(name) for name in data["nodes"] if str(name) not in tree_names(tree))


@dataclass
class HoursView:
    name: str
    days: list[tuple[str, str]]
    calendar: str
    holidays: list[tuple[dt.date, str]]
    closed_dates: list[str]
    open_now: bool | None = None  # known once the flow is valid


def hours_views(data: object, today: dt.date, horizon_days: int = 365) -> list[HoursView]:
    """Each ``hours`` step: its week and the public holidays (and closing dates) of the coming year."""
    if not isinstance(data, Mapping) or not isinstance(data.get("nodes"), Mapping):
        return []
    views = []
    for name, spec in data["nodes"].items():
        if not isinstance(spec, Mapping) or spec.get("type") != "hours":
            continue
        raw = spec.get("weekly")
        weekly: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        days = [(label, week_ranges(weekly.get(day))) for day, label in DAYS.items()]
        calendar = str(spec.get("calendar", "france"))
        holidays: list[tuple[dt.date, str]] = []
        if calendar in ("france", "alsace-moselle"):
            for year in (today.year, today.year + 1):
                holidays += public_holidays(year, calendar == "alsace-moselle").items()
        end = today + dt.timedelta(days=horizon_days)
        holidays = sorted((d, n) for d, n in holidays if today <= d <= end)
        raw_closed = spec.get("closed_dates")
        closed = [str(d) for d in raw_closed] if isinstance(raw_closed, list) else []
        views.append(HoursView(str(name), days, CALENDARS.get(calendar, calendar), holidays, closed))
    return views


def week_ranges(ranges: object) -> str:
    if not ranges or not isinstance(ranges, list):
        return "fermé"
    try:
        return ", ".join(f"{a} à {b}" for a, b in ranges)
    except (TypeError, ValueError):
        return "illisible"
