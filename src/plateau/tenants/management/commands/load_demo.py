from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from plateau.demo.loader import load_all


class Command(BaseCommand):
    help = "Load the demo programmes, staff, providers and past contacts (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="shrink provider and contact volumes")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_all(scale=options["scale"])
        for key, value in summary.items():
            self.stdout.write(f"{key}: {value}")
