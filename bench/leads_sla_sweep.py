"""Benchmark: the SLA sweep with 1,000,000 open leads.

    .venv/bin/python bench/leads_sla_sweep.py [--open 1000000] [--due-reminders 2000] [--due-breaches 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plateau_bench_sla .venv/bin/python bench/leads_sla_sweep.py

Inserts ``--open`` leads in state ``sent`` with their breach deadline in the future (bulk, outside the
timings), plus some deadlines already due: reminders (audit + webhook + e-mail queued) and breaches (expire,
escalate, re-dispatch; with no provider in the programme each ends as an unmet lead). Times: a sweep with
nothing due (what the scheduler pays every interval), the sweep of the due reminders, of the due breaches,
and a second sweep at the same instant (idempotence: nothing to do).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from directory_search import _drop, _prepare_database


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--due-reminders", type=int, default=2000)
    parser.add_argument("--due-breaches", type=int, default=200)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pg_name = _prepare_database(tmp)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from plateau.directory.models import Activity
        from plateau.geo.models import Commune
        from plateau.leads.models import Lead, LeadDeadline
        from plateau.leads.sla import sweep_deadlines
        from plateau.tenants.models import Organisation, Programme, ProgrammeKind, User

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        try:
            call_command("migrate", verbosity=0)
            org = Organisation.objects.create(name="Bench", slug="bench")
            prog = Programme.objects.create(organisation=org, slug="b", name="B", kind=ProgrammeKind.LEAD_DISPATCH)
            user = User.objects.create_user(username="bench")
            commune = Commune.objects.create(
                insee_code="23096", name="Guéret", department_code="23", latitude=46.17, longitude=1.87
            )
            activity = Activity.objects.get(code="SAP06")
            now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
            t0 = time.perf_counter()

            def make(n: int, kind: str, due: dt.datetime) -> None:
                leads = Lead.objects.bulk_create(
                    Lead(
                        programme=prog,
                        state="sent",
                        activity=activity,
                        commune=commune,
                        need_date=now.date(),
                        client_name="x",
                        client_phone="+33612345678",
                        consent_text="x",
                        consent_at=now,
                        consent_by=user,
                        attempt=1,
                        created_at=now,
                        sent_at=now,
                        last_contact_at=now,
                    )
                    for _ in range(n)
                )
                LeadDeadline.objects.bulk_create(
                    LeadDeadline(programme=prog, lead=lead, kind=kind, attempt=1, due_at=due) for lead in leads
                )

            # The open leads: one seed row doubled in SQL (Python objects would take minutes for a million).
            make(1, "breach", now + dt.timedelta(hours=24))
            cols = [f.column for f in Lead._meta.concrete_fields if f.column != "id"]
            col_list = ", ".join(cols)
            with connection.cursor() as cursor:
                while Lead.objects.count() < ns.open:
                    missing = ns.open - Lead.objects.count()
                    cursor.execute(
                        f"INSERT INTO leads_lead ({col_list}) SELECT {col_list} FROM leads_lead LIMIT %s",  # noqa: S608 (our column names)
                        [missing],
                    )
                cursor.execute(
                    "INSERT INTO leads_leaddeadline (programme_id, lead_id, kind, attempt, due_at, done_at, outcome) "
                    "SELECT programme_id, id, 'breach', 1, %s, NULL, '' FROM leads_lead "
                    "WHERE id NOT IN (SELECT lead_id FROM leads_leaddeadline)",
                    [now + dt.timedelta(hours=24)],
                )
            make(ns.due_reminders, "reminder", now - dt.timedelta(minutes=5))
            make(ns.due_breaches, "breach", now - dt.timedelta(minutes=1))
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            t_load = time.perf_counter() - t0

            # Nothing due an hour before: what every scheduler tick costs.
            idle = []
            for _ in range(20):
                t0 = time.perf_counter()
                assert sweep_deadlines(now - dt.timedelta(hours=1)).handled == 0
                idle.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            report = sweep_deadlines(now)
            t_due = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = sweep_deadlines(now)
            t_again = (time.perf_counter() - t0) * 1000
            print(f"database               : {connection.vendor}")
            due = ns.due_reminders + ns.due_breaches
            print(f"open leads             : {ns.open} (+ {due} due), loaded in {t_load:.0f} s")
            print(f"idle sweep (none due)  : median {sorted(idle)[10]:.2f} ms, max {max(idle):.2f} ms")
            print(
                f"due sweep              : {report.reminders} reminders + {report.breaches} breaches in {t_due:.2f} s "
                f"({t_due / max(report.handled, 1) * 1000:.2f} ms per deadline)"
            )
            print(f"second sweep same time : {again.handled} handled in {t_again:.1f} ms")
        finally:
            if pg_name:
                _drop(pg_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
