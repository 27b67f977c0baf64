"""Writes of the telephony records: CDRs from the gateway, their link to the desk's contact, recordings and
their purge. Called from the gateway's worker thread (never from its event loop) and from web views."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from plateau.contacts.models import Contact
from plateau.services.sip.events import CallRecord
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .models import AdvisorPhone, CallDetailRecord, CallRecording, RecordingPolicy

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 30


def _when(seconds: float | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)


def close_connection() -> None:
    """The gateway's database thread is done (its connection would otherwise outlive it)."""
    connection.close()


def phone_of(username: str) -> str | None:
    """The SIP phone (registered name or ``sip:`` URI) that rings for ``username``, if any."""
    return AdvisorPhone.objects.filter(user__username=username).values_list("sip", flat=True).first()


@transaction.atomic
def store_call_record(record: CallRecord, *, number: str = "", queue: str = "", routing_contact_id: str = "") -> None:
    """Store (or complete) the CDR of a call that ended; programmes unknown to the database are skipped."""
    programme = Programme.objects.filter(slug=record.programme).first()
    if programme is None:
        log.warning("CDR of %s skipped: no programme %r", record.call_id, record.programme)
        return
    values = {
        "routing_contact_id": routing_contact_id,
        "caller": record.caller,
        "number": number,
        "queue": queue,
        "advisor": record.advisor or "",
        "advisors_tried": list(record.advisors_tried),
        "started_at": _when(record.started_at),
        "answered_at": _when(record.answered_at),
        "announced_at": _when(record.announced_at),
        "queued_at": _when(record.queued_at),
        "ringing_at": _when(record.ringing_at),
        "bridged_at": _when(record.bridged_at),
        "ended_at": _when(record.ended_at),
        "wait_seconds": record.wait_seconds,
        "talk_seconds": record.talk_seconds,
        "hold_seconds": record.hold_seconds,
        "holds": record.holds,
        "cause": record.cause,
        "ended_by": record.ended_by,
        "path": list(record.path),
        "digits": record.digits,
        "transfer_target": record.transfer_target or "",
    }
    cdr, _ = CallDetailRecord.objects.select_for_update().get_or_create(
        programme=programme, call_id=record.call_id, defaults=values
    )
    for key, value in values.items():
        if key != "routing_contact_id" or value:
            setattr(cdr, key, value)
    cdr.save()
    record_audit(action="call.recorded", actor=None, programme=programme, obj=cdr, cause=record.cause)


@transaction.atomic
def link_contact(contact: Contact, routing_contact_id: str) -> None:
    """The advisor opened the routed call as ``contact`` on the desk: its CDR (now or when the call ends) is
    linked to it. The routed contact id of a call is its SIP Call-ID."""
    if not routing_contact_id:
        return
    cdr, _ = CallDetailRecord.objects.select_for_update().get_or_create(
        programme=contact.programme,
        call_id=routing_contact_id,
        defaults={"routing_contact_id": routing_contact_id, "contact": contact},
    )
    if cdr.contact_id != contact.pk:
        cdr.contact = contact
        cdr.save(update_fields=["contact"])


def request_hold(programme: Programme, advisor: User, routing_contact_id: str, *, hold: bool) -> None:
    """Audit the advisor's hold or resume from the desk; the gateway re-INVITEs the advisor's phone."""
    record_audit(
        action="call.hold_requested" if hold else "call.resume_requested",
        actor=advisor,
        programme=programme,
        routing_contact_id=routing_contact_id,
    )


def request_recording(programme: Programme, advisor: User, routing_contact_id: str) -> None:
    """Audit the advisor's request (CNIL: a recording is occasional and traceable); the gateway does the rest."""
    record_audit(
        action="call.recording_requested", actor=advisor, programme=programme, routing_contact_id=routing_contact_id
    )


@transaction.atomic
def store_recording(
    *, programme_slug: str, call_id: str, advisor: str, path: Path, started_at: float, seconds: float
) -> CallRecording | None:
    programme = Programme.objects.filter(slug=programme_slug).first()
    if programme is None:
        return None
    rec = CallRecording.objects.create(
        programme=programme,
        call_id=call_id,
        routing_contact_id=call_id,
        advisor=advisor,
        path=str(path),
        started_at=_when(started_at) or timezone.now(),
        seconds=seconds,
    )
    record_audit(action="call.recording_stored", actor=None, programme=programme, obj=rec, advisor=advisor)
    return rec


def retention_days(programme: Programme) -> int:
    policy = RecordingPolicy.objects.for_programme(programme).first()
    return policy.retention_days if policy is not None else DEFAULT_RETENTION_DAYS


def purge_voicemails(now: dt.datetime | None = None) -> int:
    """Delete voicemail files (``var/voicemail/<programme>/<unix time>-…``) older than their programme's
    recording retention; returns how many went."""
    now = now or timezone.now()
    root = Path(settings.VAR_DIR) / "voicemail"
    if not root.is_dir():
        return 0
    purged = 0
    for programme in Programme.objects.filter(slug__in=[p.name for p in root.iterdir() if p.is_dir()]):
        cutoff = (now - dt.timedelta(days=retention_days(programme))).timestamp()
        old = [p for p in (root / programme.slug).iterdir() if p.stem.partition("-")[0].isdigit()]
        old = [p for p in old if int(p.stem.partition("-")[0]) < cutoff]
        for path in old:
            path.unlink(missing_ok=True)
        if old:
            record_audit(action="call.voicemails_purged", actor=None, programme=programme, count=len(old))
        purged += len(old)
    return purged


def purge_recordings(now: dt.datetime | None = None) -> int:
    """Delete recordings (file and row) and voicemails older than their programme's retention; returns how
    many went."""
    now = now or timezone.now()
    purged = purge_voicemails(now)
    for programme in Programme.objects.filter(pk__in=CallRecording.objects.values("programme")):
        cutoff = now - dt.timedelta(days=retention_days(programme))
        with transaction.atomic():
            old = list(CallRecording.objects.for_programme(programme).filter(started_at__lt=cutoff))
            for rec in old:
                Path(rec.path).unlink(missing_ok=True)
                rec.delete()
            if old:
                record_audit(action="call.recordings_purged", actor=None, programme=programme, count=len(old))
            purged += len(old)
    return purged
