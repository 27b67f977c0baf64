"""Personal data in the routing journal (docs/leads.md § Privacy): the retention job's first run over a journal
of ``--events`` call arrivals one minute apart (half older than the cutoff), its idle re-run (what every hourly
tick costs once caught up), and one person's erasure. SQLite (WAL) and PostgreSQL; CPU and wall time.
The PostgreSQL database must be one of its own: the retention redacts every stream of the table.

    .venv/bin/python bench/journal_redaction.py [--events 200000] [--pg postgresql://postgres@127.0.0.1:5432/plateau_redaction_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plateau.domain.routing import events as ev
from plateau.services.router import redaction
from plateau.services.router.journal_postgres import PostgresJournal
from plateau.services.router.journal_sqlite import SqliteJournal

T0 = 1.6e9


def _fill(journal: Any, n: int) -> None:
    for start in range(0, n, 10_000):
        journal.append(
            [
                ev.ContactArrived(f"e{i}", T0 + i * 60, f"c{i}", "p.accueil", (), 0.0, f"06{i:08d}")
                for i in range(start, min(n, start + 10_000))
            ]
        )


def _timed(label: str, action: Callable[[], object]) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    result = action()
    print(
        f"  {label:<34} {result!s:<12} CPU {time.process_time() - cpu:6.2f} s  wall {time.perf_counter() - wall:6.2f} s"
    )


def _run(name: str, journal: Any, n: int) -> None:
    print(f"{name} ({n:,} events)")
    _fill(journal, n)
    cutoff = dt.datetime.fromtimestamp(T0 + n * 30, dt.UTC)
    _timed("retention, first run", lambda: redaction.apply_retention(journal, cutoff))
    _timed("retention, idle re-run", lambda: redaction.apply_retention(journal, cutoff))
    number = f"+336{3 * n // 4:08d}"[:12]
    _timed("erasure of one number", lambda: redaction.erase_person(journal, "p", number, []))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/plateau_redaction_bench")
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = SqliteJournal(Path(tmp) / "j.sqlite3", synchronous="NORMAL")
        _run("SQLite WAL", sqlite, ns.events)
        sqlite.close()
    pg = PostgresJournal(ns.pg, stream=f"bench-{uuid.uuid4().hex[:8]}")
    try:
        _run("PostgreSQL", pg, ns.events)
    finally:
        pg.drop_stream()
        pg.close()


if __name__ == "__main__":
    main()
