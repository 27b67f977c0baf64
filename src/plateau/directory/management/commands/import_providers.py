"""``manage.py import_providers PROGRAMME_SLUG file.csv``: import providers, print the per-row report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plateau.directory.services import import_providers
from plateau.errors import PlateauError
from plateau.tenants.models import Programme


class Command(BaseCommand):
    help = "Importe des prestataires depuis un CSV (colonnes : docs/directory.md) ; signale chaque ligne rejetée."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", help="slug du programme")
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            raise CommandError(f"Programme inconnu : {options['programme']}")
        path: Path = options["csv_file"]
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            report = import_providers(programme=programme, actor=None, data=path.read_bytes())
        except PlateauError as e:
            raise CommandError(str(e.message)) from e
        for row in report.rejected:
            self.stderr.write(f"ligne {row.line} (SIRET {row.siret or '?'}) rejetée : {' ; '.join(row.reasons)}")
        self.stdout.write(
            f"{report.created} créé(s), {report.updated} mis à jour, {len(report.rejected)} ligne(s) rejetée(s)."
        )
