"""``plateau manage eligibility_cards --programme SLUG --actor USERNAME --out DIR``: the card issuer's daily file
(cron). Puts every granted right not yet sent into a batch and writes ``solidarite-transport-lot-<n>.csv`` in DIR;
prints nothing to write when there is no new right."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plateau.eligibility.cards import batch_csv, issue_batch
from plateau.tenants.access import has_role
from plateau.tenants.models import SUPERVISING_ROLES, Programme, User


class Command(BaseCommand):
    help = "Constitue le lot du jour pour l'émetteur de cartes et écrit son fichier CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, help="programme (slug), e.g. transport-solidarite")
        parser.add_argument("--actor", required=True, help="supervisor or manager the batch is recorded under")
        parser.add_argument("--out", required=True, help="directory the CSV file is written to")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            raise CommandError(f"Programme inconnu : {options['programme']}")
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None or not has_role(actor, programme, SUPERVISING_ROLES):
            raise CommandError("--actor doit être un superviseur ou un responsable actif de ce programme.")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        batch = issue_batch(programme, actor)
        if batch is None:
            self.stdout.write("Aucun nouveau droit à transmettre.")
            return
        path = out / f"solidarite-transport-lot-{batch.pk}.csv"
        path.write_text(batch_csv(batch), encoding="utf-8")
        self.stdout.write(f"Lot n° {batch.pk} : {batch.count} droit(s) → {path}")
