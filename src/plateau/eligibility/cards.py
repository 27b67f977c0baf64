"""The card issuer's daily file: the rights granted since the last file, as CSV, and the mailing status.

Format (semicolon-separated, UTF-8 with BOM, one header line, one line per right): ``numero_dossier;
nom_naissance;nom_usage;prenoms;date_naissance;adresse;code_postal;commune;code_insee_commune;numero_navigo;
tarif;reduction_pct;debut_droit;fin_droit`` (dates ISO 8601). Cells go through :mod:`plateau.csvexport`.
"""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction

from plateau import csvexport
from plateau.tenants.errors import require_capability
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .capability import ELIGIBILITY
from .errors import WrongStatus
from .models import Application, ApplicationEvent, CardBatch, Status

COLUMNS = (
    "numero_dossier", "nom_naissance", "nom_usage", "prenoms", "date_naissance", "adresse", "code_postal",
    "commune", "code_insee_commune", "numero_navigo", "tarif", "reduction_pct", "debut_droit", "fin_droit",
)  # fmt: skip


def _move_all(applications: list[Application], to: str, actor: User, note: str) -> None:
    for application in applications:
        ApplicationEvent.objects.create(
            programme_id=application.programme_id, application=application, actor=actor,
            from_status=application.status, to_status=to, note=note,
        )  # fmt: skip
        application.status = to
        application.save(update_fields=["status", "card_batch"])


def issue_batch(programme: Programme, actor: User) -> CardBatch | None:
    """Put every granted right not yet sent into a new batch (status « transmis »); None when there is none."""
    require_capability(programme, ELIGIBILITY)
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one batch at a time
        pending = list(
            Application.objects.for_programme(programme).filter(status=Status.GRANTED, card_batch__isnull=True)
        )
        if not pending:
            return None
        batch = CardBatch.objects.create(programme=programme, created_by=actor, count=len(pending))
        for application in pending:
            application.card_batch = batch
        _move_all(pending, Status.ISSUED, actor, f"Lot n° {batch.pk} pour l'émetteur de cartes")
        record_audit(action="eligibility.card_batch", actor=actor, programme=programme, obj=batch, count=len(pending))
    return batch


def mark_mailed(batch: CardBatch, actor: User, day: dt.date) -> int:
    """The issuer confirmed it mailed the batch's cards: their applications become « carte envoyée »."""
    with transaction.atomic():
        locked = CardBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.mailed_on is not None:
            raise WrongStatus(status="mailed")
        locked.mailed_on = day
        locked.save(update_fields=["mailed_on"])
        issued = list(locked.applications.filter(status=Status.ISSUED))
        _move_all(issued, Status.MAILED, actor, f"Carte envoyée le {day:%d/%m/%Y}")
        record_audit(
            action="eligibility.cards_mailed", actor=actor, programme=locked.programme, obj=locked,
            day=day.isoformat(), count=len(issued),
        )  # fmt: skip
    batch.refresh_from_db()
    return len(issued)


def batch_csv(batch: CardBatch) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csvexport.Writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    for a in batch.applications.select_related("applicant", "applicant__commune").order_by("number"):
        p = a.applicant
        writer.writerow(
            [
                a.number, p.birth_name, p.usage_name, p.first_names, p.birth_date.isoformat(), p.address_line,
                p.postal_code, p.commune.name, p.commune_insee, p.navigo_number, a.tier, a.percent,
                a.right_start.isoformat() if a.right_start else "", a.right_end.isoformat() if a.right_end else "",
            ]
        )  # fmt: skip
    return out.getvalue()
