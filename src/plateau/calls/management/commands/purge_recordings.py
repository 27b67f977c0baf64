"""``plateau manage purge_recordings``: delete call recordings past their programme's retention (cron in
production; the embedded process runs it with the scheduler's sweep)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from plateau.calls.services import purge_recordings


class Command(BaseCommand):
    help = "Supprime les enregistrements d'appels dont la durée de conservation est dépassée."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"enregistrements supprimés : {purge_recordings()}")
