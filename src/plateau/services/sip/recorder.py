"""Recording on demand (announced to both parties, both directions to a stereo WAV) and voicemail files."""

from __future__ import annotations

import secrets
import time

from plateau.services.sip import events as ev
from plateau.services.sip import recording
from plateau.services.sip.calls import Call
from plateau.services.sip.core import GatewayCore


class Recordings(GatewayCore):
    """The gateway's recordings and voicemail files."""

    def start_recording(self, call_id: str, advisor: str = "") -> bool:
        """Recording on demand (never systematic): both parties hear the announcement, then both directions are
        recorded until the call ends. False if the call is not bridged or already recorded."""
        call = self.calls.get(call_id)
        if call is None or call.state != "bridged" or call.outbound is None or call.recording_started_at is not None:
            return False
        other = call.outbound.rtp
        call.recording_started_at, call.recording_by = 0.0, advisor  # requested: the notice plays first
        call.leg.unbridge()
        call.leg.start_clock()
        other.start_clock()

        def begin() -> None:
            if call.state != "bridged" or call.outbound is None:
                return
            call.leg.recording, call.outbound.rtp.recording = bytearray(), bytearray()
            call.recording_started_at = time.time()
            call.leg.bridge(call.outbound.rtp)
            self._emit(ev.RecordingStarted(call.id, call.programme, time.time(), advisor))

        if "recording_notice" in self.prompts:
            other.play(self.prompts.frames("recording_notice", other.codec))
        self._play(call, "recording_notice", begin)
        return True

    def _save_recording(self, call: Call) -> None:
        caller = bytes(call.leg.recording or b"")
        advisor = bytes(call.outbound.rtp.recording or b"") if call.outbound else b""
        call.leg.recording = None
        if call.outbound is not None:
            call.outbound.rtp.recording = None
        assert call.recording_started_at is not None
        name = f"{int(call.recording_started_at)}-{secrets.token_hex(4)}.wav"
        path = self.config.var_dir / "recordings" / call.programme / name
        seconds = recording.write_stereo_wav(path, caller, advisor, call.leg.codec)
        saved = ev.RecordingSaved(call.id, call.programme, time.time(), str(path), call.recording_started_at, seconds,
                                  call.recording_by)  # fmt: skip
        self._emit(saved)

    def _save_voicemail(self, call: Call) -> None:
        assert call.leg.recording is not None
        folder = self.config.var_dir / "voicemail" / call.programme
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / recording.voicemail_name(call.id, time.time(), call.leg.codec)
        path.write_bytes(bytes(call.leg.recording))
        seconds = len(call.leg.recording) / 8000
        self._emit(ev.VoicemailRecorded(call.id, call.programme, time.time(), str(path), seconds))
