"""Personal data in telephony records: the caller's number (and the keys they pressed) in call detail records,
and the recordings made on demand (a WAV file under ``var/recordings/<programme>/`` and its row).

A person is identified by their E.164 number within one programme; the CDR keeps the number as the From URI
gave it ("0612345678", "+33612345678"…), so candidates are found by their last nine digits and confirmed by
normalising them (:func:`same_number`). Every read and write is scoped to the programme.

Erasure and retention blank the CDR's ``caller`` and ``digits`` (the timings, queue and advisor stay for the
statistics) and delete the call's recordings, file first. Audit entries are written by the caller of these
functions (:mod:`plateau.leads.privacy`); recordings also keep their own shorter retention
(:func:`plateau.calls.services.purge_recordings`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max, Q

from plateau.domain.errors import DomainError
from plateau.domain.ids.phone import parse_phone
from plateau.services.sip.recording import call_tag
from plateau.tenants.models import Programme

from .models import CallDetailRecord, CallRecording

RETENTION = dt.timedelta(days=3 * 365)


def same_number(raw: str, e164: str) -> bool:
    """Whether ``raw`` (as a phone or a SIP URI user part gave it) is the number ``e164``."""
    try:
        return parse_phone(raw).e164 == e164
    except DomainError:
        return False


def person_call_records(programme: Programme, e164: str, contact_ids: Iterable[int] = ()) -> list[CallDetailRecord]:
    """The programme's CDRs of calls from ``e164``, or linked to one of the person's desk contacts."""
    ids = set(contact_ids)
    qs = CallDetailRecord.objects.for_programme(programme).filter(Q(caller__contains=e164[-9:]) | Q(contact_id__in=ids))
    return [c for c in qs.order_by("started_at", "pk") if same_number(c.caller, e164) or c.contact_id in ids]


def voicemail_folder(programme: Programme) -> Path:
    """Where the SIP gateway (``--var``, default ``PLATEAU_VAR_DIR``) leaves the programme's voicemails."""
    return Path(settings.VAR_DIR) / "voicemail" / programme.slug


def voicemails(programme: Programme, call_ids: Iterable[str]) -> list[Path]:
    """The voicemail files of these calls (named ``<time>-<call tag>``, :func:`call_tag`)."""
    folder = voicemail_folder(programme)
    tags = {call_tag(c) for c in call_ids}
    if not tags or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.stem.partition("-")[2] in tags)


def _recordings(programme: Programme, call_ids: list[str]) -> list[CallRecording]:
    return list(CallRecording.objects.for_programme(programme).filter(call_id__in=call_ids).order_by("started_at"))


def export_calls(programme: Programme, e164: str, contact_ids: Iterable[int] = ()) -> dict[str, Any]:
    """The person's calls (CDRs) and their recordings (metadata; the files stay on the server), JSON-able."""
    records = person_call_records(programme, e164, contact_ids)
    return {
        "calls": [
            {
                "id": c.pk,
                "call_id": c.call_id,
                "contact": c.contact_id,
                "caller": c.caller,
                "number": c.number,
                "queue": c.queue,
                "advisor": c.advisor,
                "started_at": c.started_at.isoformat() if c.started_at else None,
                "ended_at": c.ended_at.isoformat() if c.ended_at else None,
                "wait_seconds": c.wait_seconds,
                "talk_seconds": c.talk_seconds,
                "path": c.path,
                "digits": c.digits,
            }
            for c in records
        ],
        "recordings": [
            {
                "id": r.pk,
                "call_id": r.call_id,
                "started_at": r.started_at.isoformat(),
                "seconds": r.seconds,
                "file": Path(r.path).name,
            }
            for r in _recordings(programme, [c.call_id for c in records])
        ],
        "voicemails": [
            {"file": p.name, "bytes": p.stat().st_size} for p in voicemails(programme, [c.call_id for c in records])
        ],
    }


def _delete_recordings(recordings: Iterable[CallRecording]) -> int:
    count = 0
    for rec in recordings:
        Path(rec.path).unlink(missing_ok=True)  # the file first: a row without a file is harmless, not the reverse
        rec.delete()
        count += 1
    return count


def erase_calls(programme: Programme, e164: str, contact_ids: Iterable[int] = ()) -> tuple[list[str], int]:
    """Blank the person's number and keys in their CDRs and delete their recordings (files and rows) and
    voicemails. Returns the call ids (the routing ids of the calls, for the routing journal) and the recordings
    and voicemails deleted. Call inside a transaction."""
    records = person_call_records(programme, e164, contact_ids)
    call_ids = [c.call_id for c in records]
    deleted = _delete_recordings(_recordings(programme, call_ids))
    for path in voicemails(programme, call_ids):
        path.unlink(missing_ok=True)
        deleted += 1
    CallDetailRecord.objects.filter(pk__in=[c.pk for c in records]).update(caller="", digits="")
    return call_ids, deleted


def apply_retention(now: dt.datetime) -> tuple[int, int]:
    """Blank the number and keys of CDRs whose caller's last call to the programme is more than 3 years old,
    and delete any recording of those calls left over. Returns (CDRs, recordings). Idempotent."""
    cutoff = now - RETENTION
    stale = (
        CallDetailRecord.objects.exclude(caller="", digits="")
        .values("programme_id", "caller")
        .annotate(last=Max("started_at"))
        .filter(last__lt=cutoff)
        .order_by()
    )
    cdrs = recordings = 0
    for row in stale:
        old = CallDetailRecord.objects.filter(programme_id=row["programme_id"], caller=row["caller"])
        call_ids = list(old.values_list("call_id", flat=True))
        recordings += _delete_recordings(
            CallRecording.objects.filter(programme_id=row["programme_id"], call_id__in=call_ids)
        )
        cdrs += old.exclude(caller="", digits="").update(caller="", digits="")
    return cdrs, recordings
