"""The follow-up sweep: send the links that are due, expire the links nobody answered.

State lives only in the database (``FollowUp.status``, ``due_at``), so the sweep is idempotent and
restart-safe: each due row is locked, re-checked and sent in its own transaction, and marked sent in that
same transaction; a second sweep (or another worker, rows claimed with ``SKIP LOCKED`` on PostgreSQL) finds
nothing left to send. A relay that refuses a message rolls nothing forward: the row is retried later with
backoff, then given up (address erased). At most ``PLATEAU_FOLLOWUP_MAX_PER_SWEEP`` messages go per tick
(default 200, one tick a minute), and an address that got a link less than a week ago still open waits.

Called by the scheduler tick (:func:`plateau.services.scheduler.sweep_once`, ``plateau run`` and
``plateau manage leads_worker``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from plateau.contacts.models import DetailsGiven
from plateau.domain.followup import schedule
from plateau.events import publish_on_commit
from plateau.tenants.services import record_audit

from .channels import get_channel
from .events import FollowUpSent
from .models import FollowUp, Status
from .services import new_token, policy_for

log = logging.getLogger(__name__)
DEFAULT_MAX_PER_SWEEP = 200


@dataclass
class FollowUpSweep:
    sent: int = 0
    postponed: int = 0
    failed: int = 0  # sends refused this tick (retried later, or given up)
    expired: int = 0


def survey_url(token: str) -> str:
    base = getattr(settings, "PLATEAU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("followup:survey", args=[token])


def _message(followup: FollowUp, token: str, providers: list[str]) -> tuple[str, str]:
    local = timezone.localtime
    subject = _("Votre mise en relation avec un prestataire : votre avis")
    body = _(
        "Bonjour,\n\n"
        "Le %(given)s, %(programme)s vous a donné les coordonnées de : %(providers)s.\n"
        "Un prestataire est-il venu ? Répondez en une minute : %(url)s\n\n"
        "Ce lien est personnel et valable jusqu'au %(until)s. Votre adresse sert uniquement à cet envoi : "
        "elle est effacée dès votre réponse ou à l'expiration du lien.\n"
    ) % {
        "given": formats.date_format(local(followup.details_given_at), "j F Y"),
        "programme": followup.programme.name,
        "providers": ", ".join(providers),
        "url": survey_url(token),
        "until": formats.date_format(local(followup.expires_at), "j F Y") if followup.expires_at else "",
    }
    return subject, body


def _expire(now: dt.datetime) -> int:
    expired = FollowUp.objects.filter(status=Status.SENT, expires_at__lte=now)
    ids = list(expired.values_list("id", flat=True))
    if ids:
        # The token's hash stays (it is no personal data): an old link then says « expiré », not « invalide ».
        FollowUp.objects.filter(id__in=ids, status=Status.SENT).update(status=Status.EXPIRED, address="")
        record_audit(action="followup.expired", actor=None, programme=None, followups=ids)
    return len(ids)


def _send_one(followup_id: int, now: dt.datetime, report: FollowUpSweep, policies: dict[int, schedule.Policy]) -> None:
    with transaction.atomic():
        qs = FollowUp.objects.filter(pk=followup_id, status=Status.SCHEDULED, due_at__lte=now)
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        else:
            qs = qs.select_for_update()
        followup = qs.select_related("programme").first()
        if followup is None:  # sent by another worker, withdrawn, or not due any more
            return
        # One open link per address per week: a caller who got details twice in a few days is asked once.
        last = (
            FollowUp.objects.for_programme(followup.programme)
            .filter(channel=followup.channel, address=followup.address, status=Status.SENT)
            .exclude(pk=followup.pk)
            .aggregate(at=Max("sent_at"))["at"]
        )
        wait = schedule.postponed_until(last, now)
        if wait is not None:
            followup.due_at = wait
            followup.save(update_fields=["due_at"])
            report.postponed += 1
            return
        given = list(
            DetailsGiven.objects.filter(contact_id=followup.contact_id).select_related("provider").order_by("rank")
        )
        token, digest = new_token()
        if followup.programme_id not in policies:  # read once per programme and sweep
            policies[followup.programme_id] = policy_for(followup.programme)
        policy = policies[followup.programme_id]
        followup.expires_at = schedule.expires_at(now, policy)
        followup.attempts += 1
        subject, body = _message(followup, token, [str(d.provider) for d in given])
        try:
            get_channel(followup.channel).send(followup.address, subject, body)
        except Exception as exc:  # the relay refused: nothing was sent, retry later or give up
            retry = schedule.after_failure(followup.attempts, now)
            report.failed += 1
            log.warning("follow-up %s not sent (attempt %s): %s", followup.pk, followup.attempts, exc)
            if retry.give_up:
                followup.status, followup.address, followup.expires_at = Status.FAILED, "", None
                record_audit(action="followup.failed", actor=None, programme=followup.programme, obj=followup)
            else:
                followup.due_at, followup.expires_at = retry.next_at, None
            followup.save(update_fields=["status", "address", "due_at", "attempts", "expires_at"])
            return
        followup.status, followup.sent_at, followup.token_hash = Status.SENT, now, digest
        followup.save(update_fields=["status", "sent_at", "token_hash", "expires_at", "attempts"])
        followup.providers.set([d.provider_id for d in given])
        record_audit(
            action="followup.sent", actor=None, programme=followup.programme, obj=followup, channel=followup.channel
        )
        publish_on_commit(
            FollowUpSent(programme_id=followup.programme_id, followup_id=followup.pk, channel=followup.channel)
        )
        report.sent += 1


def sweep_followups(now: dt.datetime | None = None, *, limit: int | None = None) -> FollowUpSweep:
    """Expire the links past their date, then send the follow-ups due at ``now`` (at most ``limit``)."""
    now = now or timezone.now()
    limit = limit or int(getattr(settings, "PLATEAU_FOLLOWUP_MAX_PER_SWEEP", DEFAULT_MAX_PER_SWEEP))
    report = FollowUpSweep(expired=_expire(now))
    due = FollowUp.objects.filter(status=Status.SCHEDULED, due_at__lte=now).order_by("due_at", "id")
    policies: dict[int, schedule.Policy] = {}
    for followup_id in list(due.values_list("id", flat=True)[:limit]):
        try:
            _send_one(followup_id, now, report, policies)
        except Exception:  # a row that fails is left as it was for the next tick; the others go on
            log.exception("follow-up %s failed; left for the next sweep", followup_id)
    return report
