"""Renewal reminders and expiry, swept by the platform's scheduler (``plateau.services.scheduler``).

The deadlines are columns of the applications (``reminder_due_on``, ``right_end``), so the sweep is idempotent
and survives restarts: a reminder is sent once (``reminder_sent_at``), a right expires once.

Reminder channels are pluggable: :func:`register_sender` adds one (an SMS gateway, a mail house); the sweep
tries ``ELIGIBILITY_REMINDER_CHANNELS`` in order and the first sender that accepts the applicant sends.
Built in: ``email`` (the applicant gave an address) and ``letter`` (always: the letter goes on the
supervisors' « courriers à imprimer » list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from plateau.tenants.services import record_audit

from .models import RIGHT_OPEN, Application, ApplicationEvent, Status

Sender = Callable[[Application], bool]
_SENDERS: dict[str, Sender] = {}


def register_sender(channel: str, sender: Sender) -> None:
    _SENDERS[channel] = sender


def _email(application: Application) -> bool:
    applicant = application.applicant
    if not applicant.email:
        return False
    send_mail(
        "Votre droit Solidarité Transport arrive à échéance",
        (
            f"Bonjour,\n\nVotre droit Solidarité Transport (demande n° {application.number}) prend fin le "
            f"{application.right_end:%d/%m/%Y}. Pour le renouveler, appelez la ligne Solidarité Transport en "
            "citant ce numéro : si votre situation n'a pas changé, aucun justificatif ne vous sera demandé.\n"
        ),
        None,
        [applicant.email],
    )
    return True


def _letter(application: Application) -> bool:
    return True  # listed for printing on the supervisors' page; a mail house plugs in with register_sender


register_sender("email", _email)
register_sender("letter", _letter)


@dataclass(frozen=True)
class Swept:
    reminders: int
    expired: int


def _channels() -> list[str]:
    return list(getattr(settings, "ELIGIBILITY_REMINDER_CHANNELS", ("email", "letter")))


def sweep(now: dt.datetime | None = None) -> Swept:
    """Send the renewal reminders due and expire the rights that ended (``now``: the tests' clock)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    reminders = expired = 0
    due = Application.objects.filter(
        status__in=RIGHT_OPEN, reminder_due_on__lte=today, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            application = (
                Application.objects.select_for_update().select_related("applicant", "programme").filter(pk=pk).first()
            )
            if application is None or application.reminder_sent_at is not None:
                continue  # another worker sent it
            channel = next((c for c in _channels() if c in _SENDERS and _SENDERS[c](application)), "")
            application.reminder_sent_at, application.reminder_channel = now, channel
            application.save(update_fields=["reminder_sent_at", "reminder_channel"])
            record_audit(
                action="eligibility.reminder_sent",
                actor=None,
                programme=application.programme,
                obj=application,
                number=application.number,
                channel=channel,
            )
            reminders += 1
    ended = Application.objects.filter(status__in=RIGHT_OPEN, right_end__lt=today).values_list("pk", flat=True)
    for pk in list(ended):
        with transaction.atomic():
            application = Application.objects.select_for_update().filter(pk=pk, status__in=RIGHT_OPEN).first()
            if application is None:
                continue
            ApplicationEvent.objects.create(
                programme_id=application.programme_id,
                application=application,
                actor=None,
                from_status=application.status,
                to_status=Status.EXPIRED,
                note=f"Fin du droit le {application.right_end:%d/%m/%Y}",
            )
            application.status = Status.EXPIRED
            application.save(update_fields=["status"])
            record_audit(
                action="eligibility.right_expired",
                actor=None,
                programme=application.programme,
                obj=application,
                number=application.number,
            )
            expired += 1
    return Swept(reminders, expired)
