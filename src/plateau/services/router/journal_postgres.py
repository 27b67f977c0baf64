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

    def personal_events(
        self, *, before: float | None = None, containing: Sequence[str] = ()
    ) -> list[tuple[tuple[str, int], dict[str, Any]]]:
        """Raw bodies of the events of every stream that may hold personal data
        (:mod:`plateau.services.router.redaction`): older than ``before``, or whose text contains one of
        ``containing``."""
        where = ["body->>'type' IN ('ContactArrived', 'CallbackRequested')"]
        args: list[Any] = []
        if before is not None:
            where.append("at < %s")
            args.append(before)
            where.append(
                "(body->>'caller' <> '' OR body->>'number' <> '' OR strpos(body::text, '\"correspondent\"') > 0)"
            )
        if containing:
            where.append("(" + " OR ".join("strpos(body::text, %s) > 0" for _ in containing) + ")")
            args.extend(containing)
        # Only fixed clauses and placeholders are joined: the values travel as parameters.
        sql = "SELECT stream, seq, body FROM routing_events WHERE " + " AND ".join(where) + " ORDER BY stream, seq"  # noqa: S608
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(sql, args)
            rows = cur.fetchall()
        return [((str(stream), int(seq)), dict(body)) for stream, seq, body in rows]

    def rewrite(self, bodies: Sequence[tuple[tuple[str, int], dict[str, Any]]]) -> None:
        """Replace the bodies of these events (redaction only: same event, personal fields blanked)."""
        rows = [(json.dumps(body, separators=(",", ":")), stream, seq) for (stream, seq), body in bodies]
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.executemany("UPDATE routing_events SET body = %s WHERE stream = %s AND seq = %s", rows)

    def snapshots(self) -> list[tuple[tuple[str, int], dict[str, Any]]]:
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute("SELECT stream, seq, body FROM routing_snapshots")
            rows = cur.fetchall()
        return [((str(stream), int(seq)), dict(body)) for stream, seq, body in rows]

    def rewrite_snapshots(self, bodies: Sequence[tuple[tuple[str, int], dict[str, Any]]]) -> None:
        rows = [(json.dumps(body), stream, seq) for (stream, seq), body in bodies]
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.executemany("UPDATE routing_snapshots SET body = %s WHERE stream = %s AND seq = %s", rows)

    def prune_snapshots(self) -> int:
        """Delete every snapshot but the latest of each stream (recovery only reads the latest)."""
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(
                "DELETE FROM routing_snapshots s WHERE seq < "
                "(SELECT MAX(seq) FROM routing_snapshots t WHERE t.stream = s.stream)"
            )
            return int(cur.rowcount)

    def drop_stream(self) -> None:
        """Delete this stream's events and snapshots (tests and benchmarks)."""
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute("DELETE FROM routing_events WHERE stream = %s", (self.stream,))
            cur.execute("DELETE FROM routing_snapshots WHERE stream = %s", (self.stream,))
        self._last = 0

    def close(self) -> None:
        self._conn.close()
