"""The routing journal in PostgreSQL (psycopg 3): one row per input event (jsonb), plus snapshots.

``append`` commits before it returns. Several journals (one per router partition) can share a database
through ``stream``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg

from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import event_from_dict, event_to_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS routing_events (
    stream TEXT NOT NULL,
    seq BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (stream, seq)
);
CREATE TABLE IF NOT EXISTS routing_snapshots (
    stream TEXT NOT NULL,
    seq BIGINT NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (stream, seq)
);
"""


class PostgresJournal:
    """:class:`plateau.domain.routing.journal.EventJournal` on PostgreSQL."""

    def __init__(self, conninfo: str, *, stream: str = "default") -> None:
        self._conn = psycopg.connect(conninfo, autocommit=False)
        self.stream = stream
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(SCHEMA)
        self._last = self.last_seq()

    def last_seq(self) -> int:
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute("SELECT COALESCE(MAX(seq), 0) FROM routing_events WHERE stream = %s", (self.stream,))
            row = cur.fetchone()
        return int(row[0]) if row else 0

    def append(self, events: Sequence[ev.RoutingEvent]) -> int:
        # One writer per stream (the router partition); the primary key refuses a second one.
        first = self._last + 1
        rows = [
            (self.stream, first + i, e.event_id, e.at, json.dumps(event_to_dict(e), separators=(",", ":")))
            for i, e in enumerate(events)
        ]
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO routing_events (stream, seq, event_id, at, body) VALUES (%s, %s, %s, %s, %s)", rows
            )
        self._last = first + len(rows) - 1
        return self._last

    def read(self, after: int = 0) -> Iterator[tuple[int, ev.RoutingEvent]]:
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(
                "SELECT seq, body FROM routing_events WHERE stream = %s AND seq > %s ORDER BY seq",
                (self.stream, after),
            )
            rows = cur.fetchall()
        for seq, body in rows:
            yield int(seq), event_from_dict(body)

    def save_snapshot(self, seq: int, snapshot: dict[str, Any]) -> None:
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(
                "INSERT INTO routing_snapshots (stream, seq, body) VALUES (%s, %s, %s) "
                "ON CONFLICT (stream, seq) DO UPDATE SET body = EXCLUDED.body",
                (self.stream, seq, json.dumps(snapshot)),
            )

    def latest_snapshot(self) -> tuple[int, dict[str, Any]] | None:
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(
                "SELECT seq, body FROM routing_snapshots WHERE stream = %s ORDER BY seq DESC LIMIT 1", (self.stream,)
            )
            row = cur.fetchone()
        if row is None:
            return None
        return int(row[0]), dict(row[1])

    def drop_stream(self) -> None:
        """Delete this stream's events and snapshots (tests and benchmarks)."""
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute("DELETE FROM routing_events WHERE stream = %s", (self.stream,))
            cur.execute("DELETE FROM routing_snapshots WHERE stream = %s", (self.stream,))
        self._last = 0

    def close(self) -> None:
        self._conn.close()
