from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from plateau.geo.services import load_demo_communes


class Command(BaseCommand):
    help = "Charge le petit jeu de communes réelles de démonstration livré avec Plateau (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo_communes()
        for line in report.summary_lines():
            self.stdout.write(line)
