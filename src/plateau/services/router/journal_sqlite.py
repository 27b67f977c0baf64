"""The routing journal in SQLite (WAL): one row per input event, JSON body, plus snapshots.

``append`` commits before it returns (``synchronous=FULL`` by default), so a driver that appends before
applying never shows an effect the journal could lose.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import event_from_dict, event_to_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS routing_events (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    at REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS routing_snapshots (
    seq INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
"""


class SqliteJournal:
    """:class:`plateau.domain.routing.journal.EventJournal` on a SQLite file."""

    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(synchronous)
        # One thread at a time, but not always the one that opened it (the service journals in a worker thread).
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous}")
        self._db.execute("PRAGMA busy_timeout=5000")  # the web process redacts while the router appends
        self._db.executescript(SCHEMA)

    def append(self, events: Sequence[ev.RoutingEvent]) -> int:
        rows = [(e.event_id, e.at, json.dumps(event_to_dict(e), separators=(",", ":"))) for e in events]
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT INTO routing_events (event_id, at, body) VALUES (?, ?, ?)", rows)
            (last,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM routing_events").fetchone()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return int(last)

    def read(self, after: int = 0) -> Iterator[tuple[int, ev.RoutingEvent]]:
        cursor = self._db.execute("SELECT seq, body FROM routing_events WHERE seq > ? ORDER BY seq", (after,))
        for seq, body in cursor:
            yield int(seq), event_from_dict(json.loads(body))

    def last_seq(self) -> int:
        (last,) = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM routing_events").fetchone()
        return int(last)

    def save_snapshot(self, seq: int, snapshot: dict[str, Any]) -> None:
        body = json.dumps(snapshot, separators=(",", ":"))
        self._db.execute("INSERT OR REPLACE INTO routing_snapshots (seq, body) VALUES (?, ?)", (seq, body))

    def latest_snapshot(self) -> tuple[int, dict[str, Any]] | None:
        row = self._db.execute("SELECT seq, body FROM routing_snapshots ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return int(row[0]), json.loads(row[1])

    def personal_events(
        self, *, before: float | None = None, containing: Sequence[str] = ()
    ) -> list[tuple[int, dict[str, Any]]]:
        """Raw bodies of the events that may hold personal data (:mod:`plateau.services.router.redaction`):
        older than ``before``, or whose text contains one of ``containing``."""
        where = ["json_extract(body, '$.type') IN ('ContactArrived', 'CallbackRequested')"]
        args: list[Any] = []
        if before is not None:
            where.append("at < ?")
            args.append(before)
            where.append(
                "(json_extract(body, '$.caller') <> '' OR json_extract(body, '$.number') <> ''"
                " OR instr(body, '\"correspondent\"') > 0)"
            )
        if containing:
            where.append("(" + " OR ".join("instr(body, ?) > 0" for _ in containing) + ")")
            args.extend(containing)
        # Only fixed clauses and placeholders are joined: the values travel as parameters.
        sql = "SELECT seq, body FROM routing_events WHERE " + " AND ".join(where) + " ORDER BY seq"  # noqa: S608
        return [(int(seq), json.loads(body)) for seq, body in self._db.execute(sql, args)]

    def rewrite(self, bodies: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Replace the bodies of these events (redaction only: same event, personal fields blanked)."""
        rows = [(json.dumps(body, separators=(",", ":")), seq) for seq, body in bodies]
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("UPDATE routing_events SET body = ? WHERE seq = ?", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def snapshots(self) -> list[tuple[int, dict[str, Any]]]:
        return [
            (int(seq), json.loads(body)) for seq, body in self._db.execute("SELECT seq, body FROM routing_snapshots")
        ]

    def rewrite_snapshots(self, bodies: Sequence[tuple[int, dict[str, Any]]]) -> None:
        rows = [(json.dumps(body, separators=(",", ":")), seq) for seq, body in bodies]
        self._db.executemany("UPDATE routing_snapshots SET body = ? WHERE seq = ?", rows)

    def prune_snapshots(self) -> int:
        """Delete every snapshot but the latest (recovery only reads the latest)."""
        cur = self._db.execute("DELETE FROM routing_snapshots WHERE seq < (SELECT MAX(seq) FROM routing_snapshots)")
        return int(cur.rowcount)

    def drop_stream(self) -> None:
        """Delete every event and snapshot (tests and benchmarks), as :meth:`PostgresJournal.drop_stream`."""
        self._db.execute("DELETE FROM routing_events")
        self._db.execute("DELETE FROM routing_snapshots")

    def close(self) -> None:
        self._db.close()
