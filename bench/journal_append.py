"""Journal append throughput: SQLite (WAL, synchronous FULL and NORMAL) and PostgreSQL, one event per commit
(what the router does: append before effect) and in batches of 100.

    .venv/bin/python bench/journal_append.py [--events 5000] [--pg postgresql://postgres@127.0.0.1:5432/plateau_routing]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from plateau.domain.routing import events as ev
from plateau.services.router.journal_postgres import PostgresJournal
from plateau.services.router.journal_sqlite import SqliteJournal


def _events(n: int) -> list[ev.RoutingEvent]:
    return [ev.ContactArrived(f"e{i}", float(i), f"c{i}", "q001", ("s01",), 0.0, "+33612345678") for i in range(n)]


def _measure(name: str, journal: SqliteJournal | PostgresJournal, events: list[ev.RoutingEvent], batch: int) -> None:
    t0 = time.perf_counter()
    for i in range(0, len(events), batch):
        journal.append(events[i : i + batch])
    dt = time.perf_counter() - t0
    print(f"{name:<28} batch={batch:<4} {len(events) / dt:>10,.0f} events/s  ({dt / len(events) * 1e6:.0f} us/event)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/plateau_routing")
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for sync in ("FULL", "NORMAL"):
            for batch in (1, 100):
                events = _events(ns.events)
                journal = SqliteJournal(Path(tmp) / f"{sync}-{batch}.sqlite3", synchronous=sync)
                _measure(f"SQLite WAL synchronous={sync}", journal, events, batch)
                journal.close()
    for batch in (1, 100):
        pg = PostgresJournal(ns.pg, stream=f"bench-{uuid.uuid4()}")
        try:
            _measure("PostgreSQL (local)", pg, _events(ns.events), batch)
        finally:
            pg.drop_stream()
            pg.close()


if __name__ == "__main__":
    main()
