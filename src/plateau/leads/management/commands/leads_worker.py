"""``plateau manage leads_worker [--once] [--interval 30]``: sweep lead deadlines, deliver due webhooks and
apply the 3-year retention, in a loop (a worker process) or once (from cron / the integrator's scheduler)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from plateau.leads.privacy import apply_retention
from plateau.leads.sla import sweep_deadlines
from plateau.leads.webhooks import deliver_due


class Command(BaseCommand):
    help = "Échéances des demandes transmises, webhooks et durée de conservation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=30.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        last_retention = 0.0
        while True:
            report = sweep_deadlines()
            delivered, failed = deliver_due()
            anonymised = 0
            if time.monotonic() - last_retention > 3600 or opts["once"]:
                anonymised, last_retention = apply_retention(), time.monotonic()
            self.stdout.write(
                f"échéances {report.handled} (relances {report.reminders}, dépassements {report.breaches}, "
                f"enquêtes {report.feedback}) · webhooks {delivered} envoyés / {failed} en échec · "
                f"anonymisées {anonymised}"
            )
            if opts["once"]:
                return
            time.sleep(opts["interval"])
