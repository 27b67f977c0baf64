from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from plateau.geo.errors import GeoImportError
from plateau.geo.services import default_geodata_dir, import_communes


class Command(BaseCommand):
    help = (
        "Importe les communes officielles (communes.csv, departements.csv, regions.csv) d'un dossier, "
        "ou un seul fichier au format communes.csv. Relancer l'import met à jour les lignes modifiées."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dir", dest="directory", type=Path, help=f"dossier (défaut : {default_geodata_dir()})")
        parser.add_argument("--file", dest="file", type=Path, help="un seul fichier au format communes.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["directory"] and options["file"]:
            raise CommandError("--dir et --file s'excluent.")
        try:
            report = import_communes(options["file"] or options["directory"])
        except GeoImportError as exc:
            raise CommandError(str(exc.message)) from exc
        for line in report.summary_lines():
            self.stdout.write(line)
