"""Benchmark: import of the official sheets and French search quality and latency over the full file.

    .venv/bin/python bench/knowledge_search.py [--sheets PATH] [--questions bench/knowledge_questions.tsv]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plateau_bench_knowledge .venv/bin/python bench/knowledge_search.py

Builds a throw-away database (a temp SQLite file, or the PostgreSQL database named in DATABASE_URL, created and
dropped here), migrates, times ``plateau knowledge import`` of ``fiches-particuliers.jsonl`` (3,213 sheets) and
an idempotent re-import, then asks every question of the relevance set (as callers say them) the way the desk
does (platform synonyms, prefix on the last word) and prints success@1, success@3, MRR (over the top 10) and
the latency percentiles of ``knowledge.search.search`` (5 rounds of the sets, the first one discarded), wall
clock and thread CPU time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from directory_search import _drop, _percentile, _prepare_database  # noqa: E402


def load_questions(path: Path) -> list[tuple[str, set[str]]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        question, expected = line.split("\t")
        rows.append((question, {e.strip() for e in expected.split(",") if e.strip()}))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", help="fiches-particuliers.jsonl (default: shared data)")
    parser.add_argument(
        "--questions",
        nargs="+",
        default=[str(ROOT / "bench" / f"knowledge_questions{suffix}.tsv") for suffix in ("", "_heldout")],
        help="relevance sets (the tuning set, then the held-out set)",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="print every question that misses the top 3")
    ns = parser.parse_args()
    sets = {Path(path).name: load_questions(Path(path)) for path in ns.questions}

    with tempfile.TemporaryDirectory() as tmp:
        pg_name = _prepare_database(tmp)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from plateau.knowledge.access import synonym_rules
        from plateau.knowledge.importing import import_sheets
        from plateau.knowledge.search import search

        sheets = Path(ns.sheets or Path(settings.SHARED_DATA_DIR) / "service-public-vdd" / "fiches-particuliers.jsonl")
        try:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            run = import_sheets(sheets)
            first = time.perf_counter() - started
            started = time.perf_counter()
            again = import_sheets(sheets)
            second = time.perf_counter() - started
            print(f"database: {connection.vendor}")
            print(f"import: {run.total} sheets in {first:.1f} s ({run.new} new, {len(run.rejected)} rejected)")
            print(f"re-import: {second:.1f} s ({again.new} new, {again.changed} changed, {again.unchanged} unchanged)")

            rules = synonym_rules(None)
            for name, questions in sets.items():
                ranks: list[int | None] = []
                for question, expected in questions:
                    result = search(question, rules=rules, limit=10)
                    ids = [h.sheet.sheet_id for h in result.hits]
                    rank = next((i for i, sid in enumerate(ids, start=1) if sid in expected), None)
                    ranks.append(rank)
                    if ns.verbose and (rank is None or rank > 3):
                        print(f"  miss ({rank}): {question!r} expected {sorted(expected)} got {ids[:3]}")
                n = len(questions)
                at1 = sum(1 for r in ranks if r == 1) / n
                at3 = sum(1 for r in ranks if r is not None and r <= 3) / n
                mrr = sum(1 / r for r in ranks if r is not None) / n
                print(f"{name}: {n} questions  success@1 {at1:.3f}  success@3 {at3:.3f}  MRR@10 {mrr:.3f}")
            every = [q for questions in sets.values() for q, _ in questions]
            timings: list[float] = []
            cpu: list[float] = []  # thread CPU time: leaves out preemption on a shared machine
            for round_no in range(ns.rounds):
                for question in every:
                    started, started_cpu = time.perf_counter(), time.thread_time()
                    search(question, rules=rules, limit=10)
                    if round_no:
                        timings.append((time.perf_counter() - started) * 1000)
                        cpu.append((time.thread_time() - started_cpu) * 1000)
            print(
                f"latency ms over {len(timings)} searches: p50 {statistics.median(timings):.1f}  "
                f"p95 {_percentile(timings, 95):.1f}  max {max(timings):.1f}  "
                f"(CPU p50 {statistics.median(cpu):.1f}  p95 {_percentile(cpu, 95):.1f})"
            )
        finally:
            if pg_name:
                _drop(pg_name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
