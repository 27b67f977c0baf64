"""``plateau manage leads_worker [--once] [--interval 30]``: one scheduler tick (lead deadlines, webhooks,
work items of escalated leads, hourly retention of personal data) in a loop (a worker process) or once (cron).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from plateau.services.scheduler import sweep_once


class Command(BaseCommand):
    help = "Échéances des demandes transmises, webhooks, demandes escaladées et durée de conservation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=30.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        while True:
            swept = sweep_once()
            report, (delivered, failed) = swept.deadlines, swept.webhooks
            anonymised = swept.retention.total if swept.retention is not None else 0
            self.stdout.write(
                f"échéances {report.handled} (relances {report.reminders}, dépassements {report.breaches}, "
                f"enquêtes {report.feedback}) · webhooks {delivered} envoyés / {failed} en échec · "
                f"escaladées distribuées {swept.escalations_routed} · anonymisées {anonymised} · "
                f"suivis envoyés {swept.followups.sent}"
            )
            if opts["once"]:
                return
            time.sleep(opts["interval"])
