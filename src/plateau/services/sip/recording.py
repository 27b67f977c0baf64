"""Recordings on demand: the two directions of a bridged call (caller left, advisor right) as a 16-bit stereo
WAV. G.711 is decoded with the ITU tables (no ``audioop``, removed from Python 3.13)."""

from __future__ import annotations

import array
import hashlib
import sys
import wave
from pathlib import Path


def call_tag(call_id: str) -> str:
    """A short digest of a Call-ID, safe in a file name: finds a call's voicemail again (erasure)."""
    return hashlib.sha256(call_id.encode()).hexdigest()[:16]


def voicemail_name(call_id: str, at: float, codec: str) -> str:
    """``<unix time>-<call tag>.al|ul``: the time for the retention purge, the tag for erasure of a caller."""
    return f"{int(at)}-{call_tag(call_id)}.{'al' if codec == 'PCMA' else 'ul'}"


def _alaw(byte: int) -> int:
    a = byte ^ 0x55
    t = (a & 0x0F) << 4
    seg = (a & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if a & 0x80 else -t


def _ulaw(byte: int) -> int:
    u = ~byte & 0xFF
    t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
    return 0x84 - t if u & 0x80 else t - 0x84


DECODE = {"PCMA": [_alaw(b) for b in range(256)], "PCMU": [_ulaw(b) for b in range(256)]}


def write_stereo_wav(path: Path, caller: bytes, advisor: bytes, codec: str) -> float:
    """Write both G.711 streams side by side (the shorter padded with silence); returns the duration in s."""
    table = DECODE[codec]
    n = max(len(caller), len(advisor))
    samples = array.array("h", bytes(4 * n))
    for i, b in enumerate(caller):
        samples[2 * i] = table[b]
    for i, b in enumerate(advisor):
        samples[2 * i + 1] = table[b]
    if sys.byteorder == "big":
        samples.byteswap()
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(samples.tobytes())
    return n / 8000
