"""The durable journal port and recovery.

Drivers append every input event to the journal *before* applying it (appended-before-effect), so the
engine's state is always a function of what the journal holds: ``recover(journal)`` loads the latest
snapshot and replays the events after it. Adapters live outside the domain
(``plateau.services.router.journal_sqlite`` and ``journal_postgres``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from plateau.domain.routing import events as ev
from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.snapshot import restore_snapshot, take_snapshot


class EventJournal(Protocol):
    """An append-only sequence of input events (numbered from 1) plus snapshots taken at a sequence."""

    def append(self, events: Sequence[ev.RoutingEvent]) -> int:
        """Durably append ``events`` in order; return the sequence number of the last one."""
        ...

    def read(self, after: int = 0) -> Iterator[tuple[int, ev.RoutingEvent]]:
        """Events with a sequence number greater than ``after``, in order."""
        ...

    def save_snapshot(self, seq: int, snapshot: dict[str, Any]) -> None:
        """Store the state reached after applying event ``seq``."""
        ...

    def latest_snapshot(self) -> tuple[int, dict[str, Any]] | None: ...


def replay(
    events: Iterable[ev.RoutingEvent], engine: RoutingEngine | None = None
) -> tuple[RoutingEngine, list[ev.Decision]]:
    """Apply ``events`` to ``engine`` (or a new one); return it with every decision made."""
    engine = engine if engine is not None else RoutingEngine()
    decisions: list[ev.Decision] = []
    for event in events:
        decisions.extend(engine.apply(event))
    return engine, decisions


def recover(journal: EventJournal) -> tuple[RoutingEngine, int]:
    """Rebuild the engine from the latest snapshot and the journal's tail; return it and the last sequence."""
    latest = journal.latest_snapshot()
    start = 0
    engine = RoutingEngine()
    if latest is not None:
        start, data = latest
        engine = restore_snapshot(data)
    last = start
    for last, event in journal.read(after=start):  # noqa: B007 - the last sequence read is returned
        engine.apply(event)
    return engine, last


def checkpoint(journal: EventJournal, engine: RoutingEngine, seq: int) -> None:
    """Save a snapshot of ``engine`` as it stands after event ``seq``."""
    journal.save_snapshot(seq, take_snapshot(engine))
