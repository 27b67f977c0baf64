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
        return self.handle_many([event])

    def handle_many(self, events: list[ev.RoutingEvent]) -> list[ev.Decision]:
        """Group commit: one durable append for ``events``, then apply them in order.

        A synchronous commit costs milliseconds (fsync); the service hands over everything that arrived
        during one loop turn so that throughput is bounded by the batch, not by the disk.
        """
        seen: set[str] = set()
        fresh = []
        for e in events:
            if e.event_id not in self.engine.seen and e.event_id not in seen:  # retries: not journaled twice
                seen.add(e.event_id)
                fresh.append(e)
        if not fresh:
            return []
        self.seq = self.journal.append(fresh)
        decisions: list[ev.Decision] = []
        for e in fresh:
            decisions.extend(self.engine.apply(e))
        self._since_snapshot += len(fresh)
        if self._since_snapshot >= self.snapshot_every:
            checkpoint(self.journal, self.engine, self.seq)
            self._since_snapshot = 0
        return decisions
