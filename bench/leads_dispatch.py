"""Benchmark: lead dispatch decision latency with 50,000 providers.

    .venv/bin/python bench/leads_dispatch.py [--providers 50000] [--leads 500] [--radius 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plateau_bench_leads .venv/bin/python bench/leads_dispatch.py

Throw-away database (as bench/directory_search.py), full commune file, providers generated for a
``lead_dispatch`` programme (six competing networks), then times ``plateau.leads.dispatching.choose_provider``
for leads drawn by population and demand mix: the directory's search (eligibility, rotation, recorded
search and proposals), the removal of providers already tried or at weekly capacity, the past-share and
quality reads, the weighted choice and the audit rows of every candidate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from directory_search import _drop, _percentile, _prepare_database


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=50_000)
    parser.add_argument("--leads", type=int, default=500)
    parser.add_argument("--radius", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--geodata")
    parser.add_argument(
        "--show-sql", action="store_true", help="print the statements of the last decision with a provider"
    )
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pg_name = _prepare_database(tmp)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction
        from django.utils import timezone

        from plateau.directory.demo import ACTIVITY_WEIGHTS, generate_providers
        from plateau.directory.models import Activity
        from plateau.geo.models import Commune, CommuneType
        from plateau.geo.services import communes_within, import_communes
        from plateau.leads.dispatching import choose_provider
        from plateau.leads.models import DispatchSettings, Lead, LeadProposal
        from plateau.tenants.models import Organisation, Programme, ProgrammeKind, User

        try:
            call_command("migrate", verbosity=0)
            import_communes(ns.geodata)
            org = Organisation.objects.create(name="Bench", slug="bench")
            prog = Programme.objects.create(
                organisation=org, slug="bench", name="Bench", kind=ProgrammeKind.LEAD_DISPATCH
            )
            DispatchSettings.objects.create(programme=prog, radius_km=ns.radius)
            advisor = User.objects.create_user(username="bench")
            communes = list(Commune.objects.exclude(commune_type=CommuneType.COMD).filter(latitude__isnull=False))
            t0 = time.perf_counter()
            generate_providers(prog, communes, ns.providers, seed=ns.seed)
            t_gen = time.perf_counter() - t0
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            rng = random.Random(ns.seed)
            weights = [max(c.population or 0, 1) for c in communes]
            activities = {a.code: a for a in Activity.objects.all()}
            codes, code_weights = list(ACTIVITY_WEIGHTS), list(ACTIVITY_WEIGHTS.values())
            now = timezone.now()
            leads = [
                Lead(
                    programme=prog,
                    activity=activities[rng.choices(codes, code_weights)[0]],
                    commune=rng.choices(communes, weights)[0],
                    need_date=dt.date(2026, 1, 12),
                    client_name="Bench",
                    client_phone="+33612345678",
                    consent_text="bench",
                    consent_at=now,
                    consent_by=advisor,
                    created_at=now,
                    last_contact_at=now,
                )
                for _ in range(ns.leads)
            ]
            Lead.objects.bulk_create(leads)
            communes_within(leads[0].commune, ns.radius)  # geo index built outside the timings
            timings, cpu, round_trips, candidates, chosen = [], [], [], [], 0
            queries = [0]
            statements: list[str] = []
            shown_sql: list[str] = []

            def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
                queries[0] += 1
                statements.append(sql[:110])
                return execute(sql, params, many, context)

            for lead in leads:
                queries[0] = 0
                statements.clear()
                t0, c0 = time.perf_counter(), time.process_time()
                with connection.execute_wrapper(count), transaction.atomic():
                    outcome = choose_provider(lead, actor=None, now=now)
                    if outcome.provider is not None:  # what sending records, so past shares grow
                        Lead.objects.filter(pk=lead.pk).update(provider=outcome.provider, sent_at=now, attempt=1)
                timings.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                round_trips.append(queries[0] + 2)  # + BEGIN and COMMIT, not seen by the wrapper
                candidates.append(len(outcome.decision.scored))
                chosen += outcome.provider is not None
                if outcome.provider is not None:
                    shown_sql[:] = statements
            ms = sorted(timings)
            cpu_ms = sorted(cpu)
            if ns.show_sql:
                print("\n".join(shown_sql))
            print(f"database            : {connection.vendor}")
            print(f"providers           : {ns.providers} (generated in {t_gen:.0f} s)")
            print(f"leads dispatched    : {ns.leads} (radius {ns.radius:g} km), with a provider: {chosen}")
            print(f"candidates / lead   : mean {statistics.mean(candidates):.1f}, max {max(candidates)}")
            print(f"proposal audit rows : {LeadProposal.objects.count()}")
            print(
                f"decision latency ms : p50 {_percentile(ms, 50):.1f}  p95 {_percentile(ms, 95):.1f}  "
                f"p99 {_percentile(ms, 99):.1f}  max {ms[-1]:.1f}"
            )
            print(
                f"CPU of this process ms: p50 {_percentile(cpu_ms, 50):.1f}  p95 {_percentile(cpu_ms, 95):.1f}  "
                f"p99 {_percentile(cpu_ms, 99):.1f}  mean {statistics.mean(cpu_ms):.1f}"
            )
            print(
                f"round trips / lead  : mean {statistics.mean(round_trips):.1f}, min {min(round_trips)}, "
                f"max {max(round_trips)}"
            )
        finally:
            if pg_name:
                _drop(pg_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
