"""A router that journals every input before applying it, snapshots now and then, and recovers on start.

This is the synchronous heart the asyncio service and the crash-test driver share.
"""

from __future__ import annotations

from plateau.domain.routing import events as ev
from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.journal import EventJournal, checkpoint, recover


class JournaledRouter:
    """Append-before-effect: :meth:`handle` returns decisions only once the event is durably journaled."""

    def __init__(self, journal: EventJournal, *, snapshot_every: int = 10_000) -> None:
        self.journal = journal
        self.snapshot_every = snapshot_every
        self.engine: RoutingEngine
        self.engine, self.seq = recover(journal)
        self._since_snapshot = 0

    def handle(self, event: ev.RoutingEvent) -> list[ev.Decision]:
        if event.event_id in self.engine.seen:
            return []  # a retry: neither journaled twice nor applied twice
        self.seq = self.journal.append([event])
        decisions = self.engine.apply(event)
        self._since_snapshot += 1
        if self._since_snapshot >= self.snapshot_every:
            checkpoint(self.journal, self.engine, self.seq)
            self._since_snapshot = 0
        return decisions
