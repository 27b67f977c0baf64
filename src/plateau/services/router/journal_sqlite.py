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

    def close(self) -> None:
        self._db.close()
