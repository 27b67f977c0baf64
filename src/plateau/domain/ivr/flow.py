"""A programme's voice menu as validated data.

A flow is a set of named nodes and a ``start`` node. It is written as plain data (JSON/TOML-able dicts) and
``parse_flow`` turns it into typed, immutable nodes, collecting every problem with a reason so an editor can
show them all at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plateau.domain.errors import DomainError

DIGITS = set("0123456789*#")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CALENDARS = ("france", "alsace-moselle", "none")
_NAME = re.compile(r"[a-z0-9_\-]{1,64}")
# The shape of an IANA zone name ("Europe/Paris", "Etc/GMT+1"): no dots, so never a path out of the database.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]{1,32}(?:/[A-Za-z0-9_+\-]{1,32}){0,2}")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_timezone(name: object) -> bool:
    """Whether ``name`` is a zone of the time-zone database. The name is looked up in the database's list of
    names, never opened as a path, so ``"../../etc/passwd"`` is refused without touching a file."""
    return isinstance(name, str) and _ZONE_NAME.fullmatch(name) is not None and name in _zones()


class FlowInvalid(DomainError):
    error_id = "ivr_flow_invalid"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("Le parcours vocal est invalide : " + " ; ".join(reasons), reasons=reasons)
        self.reasons = reasons


@dataclass(frozen=True)
class Play:
    prompt: str
    next: str


@dataclass(frozen=True)
class Menu:
    prompt: str
    options: Mapping[str, str]
    timeout_s: float = 5.0
    retries: int = 2
    invalid_prompt: str | None = None
    no_input_prompt: str | None = None
    fallback: str | None = None  # after the last retry; None hangs up


@dataclass(frozen=True)
class Hours:
    """Open when the local time falls in one of the day's ranges and the day is not a public holiday."""

    weekly: Mapping[str, tuple[tuple[dt.time, dt.time], ...]]
    open: str
    closed: str
    calendar: str = "france"
    timezone: str = "Europe/Paris"
    closed_dates: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class SetAttributes:
    values: Mapping[str, str]
    next: str


@dataclass(frozen=True)
class Queue:
    queue: str
    music: str = "music"
    announce_position: bool = True
    announce_every_s: float = 30.0


@dataclass(frozen=True)
class Transfer:
    target: str  # a SIP URI or an E.164 number
    prompt: str | None = None
    method: str = "refer"  # "refer" (caller's phone redials) or "bridge" (new outbound leg)


@dataclass(frozen=True)
class CallbackOffer:
    prompt: str
    accept_digit: str
    next: str  # when declined or no answer
    confirm_prompt: str | None = None
    timeout_s: float = 5.0


@dataclass(frozen=True)
class Voicemail:
    prompt: str
    max_seconds: int = 120


@dataclass(frozen=True)
class Hangup:
    prompt: str | None = None


Node = Play | Menu | Hours | SetAttributes | Queue | Transfer | CallbackOffer | Voicemail | Hangup


@dataclass(frozen=True)
class Flow:
    programme: str
    start: str
    nodes: Mapping[str, Node] = field(default_factory=dict)

    def prompts(self) -> set[str]:
        """Every prompt name the flow can play (to check recordings exist before going live)."""
        names: set[str] = set()
        for node in self.nodes.values():
            for attr in ("prompt", "invalid_prompt", "no_input_prompt", "confirm_prompt", "music"):
                value = getattr(node, attr, None)
                if isinstance(value, str):
                    names.add(value)
        return names


def _targets(node: Node) -> list[str]:
    match node:
        case Play(next=n) | SetAttributes(next=n):
            return [n]
        case Menu(options=opts, fallback=fb):
            return [*opts.values(), *([fb] if fb else [])]
        case Hours(open=o, closed=c):
            return [o, c]
        case CallbackOffer(next=n):
            return [n]
    return []


class _Reader:
    def __init__(self, name: str, data: Mapping[str, Any], reasons: list[str]) -> None:
        self.name, self.data, self.reasons = name, data, reasons

    def fail(self, why: str) -> None:
        self.reasons.append(f"{self.name}: {why}")

    def text(self, key: str, default: str | None = None, required: bool = True) -> str:
        value = self.data.get(key, default)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value:
            self.fail(f"« {key} » doit être un texte non vide")
            return ""
        return value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            self.fail(f"« {key} » doit être un nombre entre {low:g} et {high:g}")
            return default
        return float(value)


def _time(text: object) -> dt.time:
    if not isinstance(text, str) or not re.fullmatch(r"\d\d:\d\d", text):
        raise ValueError(text)
    return dt.time.fromisoformat(text)


def _hours(r: _Reader) -> Hours:
    weekly: dict[str, tuple[tuple[dt.time, dt.time], ...]] = {}
    raw = r.data.get("weekly", {})
    if not isinstance(raw, Mapping):
        r.fail("« weekly » doit associer des jours à des plages horaires")
        raw = {}
    for day, ranges in raw.items():
        if day not in WEEKDAYS:
            r.fail(f"jour inconnu « {day} » (attendu : {', '.join(WEEKDAYS)})")
            continue
        try:
            parsed = tuple((_time(a), _time(b)) for a, b in ranges)
        except (TypeError, ValueError):
            r.fail(f'plages de « {day} » illisibles (attendu [["08:30", "12:00"], …])')
            continue
        if any(a >= b for a, b in parsed):
            r.fail(f"une plage de « {day} » finit avant de commencer")
        weekly[day] = parsed
    calendar = r.text("calendar", "france")
    if calendar and calendar not in CALENDARS:
        r.fail(f"calendrier « {calendar} » inconnu (attendu : {', '.join(CALENDARS)})")
    closed: set[dt.date] = set()
    closed_dates = r.data.get("closed_dates", [])
    if not isinstance(closed_dates, list):
        r.fail("« closed_dates » doit être une liste de dates (AAAA-MM-JJ)")
        closed_dates = []
    for day in closed_dates:
        try:
            closed.add(dt.date.fromisoformat(day))
        except (TypeError, ValueError):
            r.fail(f"date de fermeture « {day} » illisible (AAAA-MM-JJ)")
    timezone = r.text("timezone", "Europe/Paris")
    if timezone and not is_known_timezone(timezone):
        r.fail(f"fuseau horaire « {timezone[:64]} » inconnu (par exemple Europe/Paris, America/Cayenne)")
        timezone = "Europe/Paris"
    return Hours(weekly, r.text("open"), r.text("closed"), calendar, timezone, frozenset(closed))


def _node(r: _Reader) -> Node | None:
    kind = r.data.get("type")
    if kind == "play":
        return Play(r.text("prompt"), r.text("next"))
    if kind == "menu":
        options = r.data.get("options", {})
        if not isinstance(options, Mapping) or not options:
            r.fail("un menu doit proposer au moins une touche")
            options = {}
        for digit, target in options.items():
            if digit not in DIGITS:
                r.fail(f"touche « {digit} » invalide (0-9, * ou #)")
            if not isinstance(target, str):
                r.fail(f"la touche « {digit} » doit mener à une étape")
        targets = {d: t for d, t in options.items() if isinstance(t, str)}
        return Menu(
            r.text("prompt"), targets, r.number("timeout_s", 5.0, 1, 60), int(r.number("retries", 2, 0, 9)),
            r.text("invalid_prompt", required=False) or None, r.text("no_input_prompt", required=False) or None,
            r.text("fallback", required=False) or None,
        )  # fmt: skip
    if kind == "hours":
        return _hours(r)
    if kind == "set":
        values = r.data.get("values", {})
        if not isinstance(values, Mapping) or not all(isinstance(v, str) for v in values.values()):
            r.fail("« values » doit associer des noms à des textes")
            values = {}
        return SetAttributes(dict(values), r.text("next"))
    if kind == "queue":
        return Queue(r.text("queue"), r.text("music", "music"), bool(r.data.get("announce_position", True)),
                     r.number("announce_every_s", 30.0, 5, 600))  # fmt: skip
    if kind == "transfer":
        method = r.text("method", "refer")
        if method not in ("refer", "bridge"):
            r.fail("« method » doit valoir « refer » ou « bridge »")
        return Transfer(r.text("target"), r.text("prompt", required=False) or None, method)
    if kind == "callback":
        digit = r.text("accept_digit", "1")
        if digit not in DIGITS:
            r.fail(f"touche « {digit} » invalide")
        confirm = r.text("confirm_prompt", required=False) or None
        return CallbackOffer(r.text("prompt"), digit, r.text("next"), confirm, r.number("timeout_s", 5.0, 1, 60))
    if kind == "voicemail":
        return Voicemail(r.text("prompt"), int(r.number("max_seconds", 120, 5, 600)))
    if kind == "hangup":
        return Hangup(r.text("prompt", required=False) or None)
    r.fail(f"type d'étape « {kind} » inconnu")
    return None


def parse_flow(programme: str, data: Mapping[str, Any]) -> Flow:
    """Validate a flow; raises ``FlowInvalid`` listing every reason (unknown targets, unreachable steps…)."""
    reasons: list[str] = []
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, Mapping) or not raw_nodes:
        raise FlowInvalid(["le parcours n'a aucune étape"])
    nodes: dict[str, Node] = {}
    for name, spec in raw_nodes.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            reasons.append(f"nom d'étape « {name} » invalide (a-z, 0-9, _ et -)")
            continue
        if not isinstance(spec, Mapping):
            reasons.append(f"{name}: l'étape doit être un objet")
            continue
        node = _node(_Reader(name, spec, reasons))
        if node is not None:
            nodes[name] = node
    start = data.get("start")
    if start not in nodes:
        reasons.append(f"l'étape de départ « {start} » n'existe pas")
    for name, node in nodes.items():
        for target in _targets(node):
            if target and target not in raw_nodes:
                reasons.append(f"{name}: mène à « {target} » qui n'existe pas")
    if not reasons:
        seen, todo = set(), [str(start)]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += _targets(nodes[current])
        for name in nodes.keys() - seen:
            reasons.append(f"{name}: étape jamais atteinte")
    if reasons:
        raise FlowInvalid(reasons)
    return Flow(programme, str(start), nodes)
