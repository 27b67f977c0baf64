"""The deadline sweep: durable deadlines (rows of :class:`LeadDeadline`) acted upon once due.

``sweep_deadlines(now)`` is idempotent and restart-safe: each due row is handled in its own transaction
that locks the lead, re-checks that the deadline still applies to the lead's *current* state (a lead called
back in the meantime ignores its breach) and marks the row done; a crash between two rows leaves the rest
for the next sweep, a second sweep at the same instant finds nothing to do. On PostgreSQL rows are claimed
with ``SKIP LOCKED`` so several workers can sweep together.

Integrators run ``plateau manage leads_worker`` (a loop; ``--once`` for cron) or call ``sweep_deadlines()``
from their own scheduler (embedded mode).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.domain.leads.lifecycle import DeadlineKind, State, deadline_still_applies
from plateau.tenants.services import record_audit

from . import notify
from .models import Lead, LeadDeadline

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    reminders: int = 0
    breaches: int = 0
    feedback: int = 0
    skipped: int = 0  # due but no longer applicable (already called back…)
    lead_ids: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.reminders + self.breaches + self.feedback + self.skipped


def _claim(now: dt.datetime, batch: int) -> list[int]:
    qs = LeadDeadline.objects.filter(done_at__isnull=True, due_at__lte=now).order_by("due_at", "id")
    if connection.vendor == "postgresql":
        qs = qs.select_for_update(skip_locked=True)
    return list(qs.values_list("id", flat=True)[:batch])


def _handle(deadline_id: int, now: dt.datetime, report: SweepReport) -> None:
    with transaction.atomic():  # a savepoint inside the batch's transaction
        deadline = LeadDeadline.objects.select_for_update().filter(pk=deadline_id, done_at__isnull=True).first()
        if deadline is None:  # another worker did it
            return
        lead = (
            Lead.objects.select_for_update(of=("self",))
            .select_related("programme", "activity", "commune", "provider")
            .get(pk=deadline.lead_id)
        )
        kind = DeadlineKind(deadline.kind)
        applies = deadline_still_applies(kind, State(lead.state)) and (
            kind is DeadlineKind.FEEDBACK or deadline.attempt == lead.attempt
        )
        deadline.done_at = now
        if not applies:
            deadline.outcome = "skipped"
            report.skipped += 1
        elif kind is DeadlineKind.REMINDER:
            deadline.outcome = "reminded"
            report.reminders += 1
            record_audit(action="lead.reminder", actor=None, programme=lead.programme, obj=lead, attempt=lead.attempt)
            notify.queue_webhooks(lead, "lead.reminder", now)
            if lead.provider is not None:
                notify.email_on_commit(
                    _("Rappel : demande %(id)s à rappeler") % {"id": lead.pk},
                    _("Le client de la demande %(id)s attend votre appel ; le délai expire bientôt.") % {"id": lead.pk},
                    notify.provider_recipients(lead.provider),
                )
        elif kind is DeadlineKind.BREACH:
            from .services import expire_and_redispatch

            deadline.outcome = "expired"
            report.breaches += 1
            expire_and_redispatch(lead, now=now)
        else:
            from .feedback import send_survey

            deadline.outcome = "survey_sent"
            report.feedback += 1
            send_survey(lead, now=now)
        deadline.save(update_fields=["done_at", "outcome"])
        report.lead_ids.append(lead.pk)


def sweep_deadlines(now: dt.datetime | None = None, *, batch: int = 100, limit: int | None = None) -> SweepReport:
    """Act on every deadline due at ``now`` (default: the current time); returns what was done."""
    now = now or timezone.now()
    report = SweepReport()
    while limit is None or report.handled < limit:
        # One transaction (one commit, the expensive part on PostgreSQL) per batch, one savepoint per
        # deadline: a deadline that fails is rolled back alone, logged, and retried by the next sweep.
        with transaction.atomic():
            ids = _claim(now, batch)
            if not ids:
                break
            failed = 0
            for deadline_id in ids:
                try:
                    _handle(deadline_id, now, report)
                except Exception:
                    failed += 1
                    log.exception("lead deadline %s failed; left for the next sweep", deadline_id)
        if failed == len(ids):  # nothing moved: stop rather than spin on the same rows
            break
    return report
