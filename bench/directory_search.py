"""Benchmark: provider search + fair rotation latency with 50,000 providers.

    .venv/bin/python bench/directory_search.py [--providers 50000] [--searches 1000] [--radius 15] [--geodata DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plateau_bench_directory .venv/bin/python bench/directory_search.py

Builds a throw-away database (a temp SQLite file, or the PostgreSQL database named in DATABASE_URL, created and
dropped here), imports the full official commune file, generates the providers with
``plateau.directory.demo.generate_providers`` (density following population), then times
``search_providers`` — candidates within the radius, eligibility, ranking, rotation under the lock, the
search/proposal/audit rows written — for callers drawn by population, activities drawn by the demand mix.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _prepare_database(tmp: str) -> str | None:
    """Point Django at a fresh database; returns the PostgreSQL database to drop afterwards, if any."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plateau.settings")
    os.environ["PLATEAU_VAR_DIR"] = tmp
    url = os.environ.get("DATABASE_URL")
    if not url:
        os.environ["PLATEAU_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        return None
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=50_000)
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--radius", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", action="store_true", help="print where search time goes (cProfile)")
    parser.add_argument("--geodata", help="official fr-geo directory (default: settings.SHARED_DATA_DIR/fr-geo)")
    ns = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        pg_name = _prepare_database(tmp)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from plateau.directory.demo import ACTIVITY_WEIGHTS, generate_providers
        from plateau.directory.models import Activity, ProviderProposal
        from plateau.directory.services import search_providers
        from plateau.geo.models import Commune, CommuneType
        from plateau.geo.services import communes_within, import_communes
        from plateau.tenants.models import Organisation, Programme, ProgrammeKind

        try:
            call_command("migrate", verbosity=0)
            t0 = time.perf_counter()
            import_communes(ns.geodata)
            t_geo = time.perf_counter() - t0
            org = Organisation.objects.create(name="Bench", slug="bench")
            prog = Programme.objects.create(organisation=org, slug="bench", name="Bench", kind=ProgrammeKind.DIRECTORY)
            communes = list(Commune.objects.exclude(commune_type=CommuneType.COMD).filter(latitude__isnull=False))
            t0 = time.perf_counter()
            generate_providers(prog, communes, ns.providers, seed=ns.seed)
            t_gen = time.perf_counter() - t0
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics after the bulk load, as autovacuum would

            rng = random.Random(ns.seed)
            weights = [max(c.population or 0, 1) for c in communes]
            activities = {a.code: a for a in Activity.objects.all()}
            codes, code_weights = list(ACTIVITY_WEIGHTS), list(ACTIVITY_WEIGHTS.values())
            callers = [
                (rng.choices(communes, weights)[0], activities[rng.choices(codes, code_weights)[0]])
                for _ in range(ns.searches)
            ]
            communes_within(callers[0][0], ns.radius)  # build the geo index outside the timings
            on_date = __import__("datetime").date(2026, 1, 12)
            timings, cpu, found, unmet = [], [], [], 0
            profiler = cProfile.Profile() if ns.profile else None
            for commune, activity in callers:
                if profiler:
                    profiler.enable()
                t0, c0 = time.perf_counter(), time.thread_time()
                outcome = search_providers(
                    programme=prog,
                    actor=None,
                    activity=activity,
                    commune=commune,
                    radius_km=ns.radius,
                    on_date=on_date,
                )
                timings.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.thread_time() - c0) * 1000)
                if profiler:
                    profiler.disable()
                found.append(len(outcome.matches))
                unmet += outcome.unmet_need is not None
            assert ProviderProposal.objects.count() == sum(found)
            ms = sorted(timings)
            print(f"database          : {connection.vendor}")
            print(f"communes imported : {len(communes)} in {t_geo:.1f} s")
            print(f"providers         : {ns.providers} generated in {t_gen:.1f} s")
            print(f"searches          : {ns.searches} (radius {ns.radius:g} km, callers by population, demand mix)")
            print(f"matches / search  : mean {statistics.mean(found):.2f}, unmet needs {unmet}")
            print(
                f"latency ms        : p50 {_percentile(ms, 50):.1f}  p95 {_percentile(ms, 95):.1f}  "
                f"p99 {_percentile(ms, 99):.1f}  max {ms[-1]:.1f}"
            )
            # CPU time of this thread leaves out preemption on a shared machine (and PostgreSQL's own work).
            print(
                f"this process CPU  : p50 {_percentile(cpu, 50):.1f}  p95 {_percentile(cpu, 95):.1f}  "
                f"p99 {_percentile(cpu, 99):.1f} ms"
            )
            if profiler:
                stats = pstats.Stats(profiler).sort_stats("cumulative")
                stats.print_stats(25)
                stats.print_callees("search_providers|_candidates")
        finally:
            if pg_name:
                _drop(pg_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
