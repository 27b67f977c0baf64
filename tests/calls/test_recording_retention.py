"""Recordings on demand are kept for their programme's retention, then the scheduler's hourly retention job
(``sweep_once``, also run by ``plateau manage leads_worker``) deletes them."""

from __future__ import annotations

import io
import time
import wave
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from plateau.calls import services
from plateau.calls.models import CallRecording, RecordingPolicy
from plateau.services import scheduler
from plateau.services.sip.recording import write_stereo_wav
from plateau.tenants.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db
DAY = 86400.0


def recording(programme_slug: str, folder: Path, age_days: float) -> CallRecording:
    path = folder / programme_slug / f"{age_days}.wav"
    seconds = write_stereo_wav(path, b"\xd5" * 800, b"\x55" * 400, "PCMA")
    rec = services.store_recording(programme_slug=programme_slug, call_id=f"call-{age_days}", advisor="anne",
                                   path=path, started_at=time.time() - age_days * DAY, seconds=seconds)  # fmt: skip
    assert rec is not None
    return rec


def test_given_a_7_day_retention_when_the_scheduler_sweeps_then_older_recordings_go_with_their_files(tmp_path):
    short, default = factories.programme(), factories.programme()
    RecordingPolicy.objects.create(programme=short, retention_days=7)
    old, recent = recording(short.slug, tmp_path, 8), recording(short.slug, tmp_path, 6)
    kept_by_default = recording(default.slug, tmp_path, 8)  # no policy: the default retention applies

    swept = scheduler.sweep_once(timezone.now() + scheduler.RETENTION_EVERY)  # the hourly retention is due

    assert swept.recordings_purged == 1
    remaining = set(CallRecording.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, kept_by_default.pk}
    assert not Path(old.path).exists()
    assert Path(recent.path).exists() and Path(kept_by_default.path).exists()
    purge = AuditEntry.objects.get(action="call.recordings_purged")
    assert (purge.programme, purge.data["count"]) == (short, 1)
    assert services.retention_days(default) == services.DEFAULT_RETENTION_DAYS > 8


def test_given_an_expired_recording_when_the_purge_command_runs_then_it_reports_and_deletes_it(tmp_path):
    programme = factories.programme()
    RecordingPolicy.objects.create(programme=programme, retention_days=1)
    old = recording(programme.slug, tmp_path, 2)
    out = io.StringIO()
    call_command("purge_recordings", stdout=out)
    assert out.getvalue().strip() == "enregistrements supprimés : 1"
    assert not CallRecording.objects.filter(pk=old.pk).exists() and not Path(old.path).exists()


def test_given_two_streams_of_different_lengths_then_the_wav_is_stereo_padded_with_silence(tmp_path):
    path = tmp_path / "r.wav"
    seconds = write_stereo_wav(path, b"\xd5" * 1600, b"\x2a" * 800, "PCMA")
    with wave.open(str(path)) as w:
        frames = memoryview(w.readframes(w.getnframes())).cast("h")
    assert seconds == 0.2 and len(frames) == 2 * 1600
    assert set(frames[1::2][800:]) == {0}  # advisor channel padded
    assert len(set(frames[0::2])) == 1 and frames[0] != 0 and frames[1] != 0
