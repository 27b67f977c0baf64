"""Writes of voice menus: lock the programme, check, change, audit, notify (after commit).

A programme has at most one draft and one published flow; publishing archives the previous published version,
so the history of what callers heard stays readable.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.events import publish_on_commit
from plateau.services.sip.prompts import encode_recording
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .access import draft_of, draft_token, published_of
from .errors import DraftChanged, NoDraft, PromptRefused
from .events import IvrFlowPublished, PromptRecorded
from .models import FlowStatus, IvrFlow, RecordedPrompt
from .validation import check_flow

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MIN_SECONDS, MAX_SECONDS, MAX_MUSIC_SECONDS = 0.3, 120.0, 600.0
_PROMPT_NAME = re.compile(r"[a-z0-9_\-]{1,64}")


def _lock(programme: Programme) -> Programme:
    # One writer per programme's menu at a time: versions are numbered and statuses swapped under this lock.
    return Programme.objects.select_for_update().get(pk=programme.pk)


@transaction.atomic
def save_flow_draft(*, actor: User | None, programme: Programme, data: Any, based_on: str | None = None) -> IvrFlow:
    """Store ``data`` as the programme's draft (created or replaced); ``FlowInvalid`` lists every reason.

    ``based_on`` (``access.draft_token`` of the draft the editor opened) refuses to overwrite a draft someone
    else saved in between (``DraftChanged``); ``None`` skips that check (demo loader, scripts).
    """
    programme = _lock(programme)
    draft = draft_of(programme)
    if based_on is not None and based_on != draft_token(draft):
        raise DraftChanged(by=str(draft.created_by) if draft and draft.created_by else "")
    check_flow(programme, data)
    if draft is None:
        last = IvrFlow.objects.for_programme(programme).aggregate(v=Max("version"))["v"] or 0
        draft = IvrFlow.objects.create(programme=programme, version=last + 1, data=data, created_by=actor)
    else:
        draft.data, draft.created_by = data, actor
        draft.save(update_fields=["data", "created_by", "updated_at"])
    record_audit(action="ivr.flow_saved", actor=actor, programme=programme, obj=draft, version=draft.version)
    return draft


@transaction.atomic
def publish_flow(*, actor: User | None, programme: Programme) -> IvrFlow:
    """Put the draft on the programme's lines; checked again (a queue may have gone since it was saved)."""
    programme = _lock(programme)
    draft = draft_of(programme)
    if draft is None:
        raise NoDraft()
    check_flow(programme, draft.data)
    previous = published_of(programme)
    if previous is not None:
        previous.status = FlowStatus.ARCHIVED
        previous.save(update_fields=["status", "updated_at"])
    draft.status, draft.published_by, draft.published_at = FlowStatus.PUBLISHED, actor, timezone.now()
    draft.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    record_audit(action="ivr.flow_published", actor=actor, programme=programme, obj=draft, version=draft.version,
                 replaced=previous.version if previous else None)  # fmt: skip
    publish_on_commit(IvrFlowPublished(programme.pk, draft.version))
    return draft


def _duration(path: Path) -> float:
    sox = shutil.which("sox") or "sox"
    try:
        out = subprocess.run([sox, "--i", "-D", str(path)], check=True, capture_output=True, timeout=30, text=True)  # noqa: S603
        return float(out.stdout.strip())
    except (subprocess.SubprocessError, ValueError):
        raise PromptRefused(_("Fichier WAV illisible.")) from None


def _convert(content: bytes, name: str) -> tuple[dict[str, bytes], float]:
    if len(content) > MAX_UPLOAD_BYTES:
        raise PromptRefused(_("Fichier trop volumineux (20 Mo au plus)."))
    if content[:4] != b"RIFF" or content[8:12] != b"WAVE":
        raise PromptRefused(_("Le fichier doit être au format WAV."))
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "upload.wav"
        wav.write_bytes(content)
        seconds = _duration(wav)
        longest = MAX_MUSIC_SECONDS if name == "music" else MAX_SECONDS
        if not MIN_SECONDS <= seconds <= longest:
            raise PromptRefused(
                _("Durée de %(s).1f s hors limites (de %(lo).1f à %(hi).0f s).")
                % {"s": seconds, "lo": MIN_SECONDS, "hi": longest}
            )
        try:
            return encode_recording(wav), seconds
        except subprocess.SubprocessError:
            raise PromptRefused(_("Fichier WAV illisible.")) from None


def record_prompt(
    *, actor: User, programme: Programme, name: str, content: bytes, filename: str = ""
) -> RecordedPrompt:
    """Convert a WAV (sox → raw 8 kHz A-law and µ-law) and store it as the programme's prompt ``name``."""
    if not _PROMPT_NAME.fullmatch(name):
        raise PromptRefused(_("Nom de message invalide (a-z, 0-9, _ et -)."), field="name")
    audio, seconds = _convert(content, name)  # sox runs outside the transaction
    with transaction.atomic():
        programme = _lock(programme)
        prompt, created = RecordedPrompt.objects.update_or_create(
            programme=programme,
            name=name,
            defaults={"alaw": audio["PCMA"], "ulaw": audio["PCMU"], "duration_ms": round(seconds * 1000),
                      "sha256": hashlib.sha256(content).hexdigest(), "original_name": filename[:200],
                      "uploaded_by": actor},
        )  # fmt: skip
        record_audit(action="ivr.prompt_recorded", actor=actor, programme=programme, obj=prompt, name=name,
                     replaced=not created, duration_ms=prompt.duration_ms)  # fmt: skip
        publish_on_commit(PromptRecorded(programme.pk, name))
    return prompt
