"""Pure RTP (RFC 3550) packets, 20 ms G.711 framing and RFC 4733 / SIP INFO DTMF decoding."""

from __future__ import annotations

import struct
from dataclasses import dataclass

FRAME_SAMPLES = 160  # 20 ms at 8 kHz, one byte per G.711 sample
FRAME_SECONDS = 0.02
DTMF_EVENTS = "0123456789*#ABCD"
SILENCE = {"PCMA": b"\xd5" * FRAME_SAMPLES, "PCMU": b"\xff" * FRAME_SAMPLES}
_HEADER = struct.Struct("!BBHII")


@dataclass(frozen=True)
class RtpPacket:
    payload_type: int
    marker: bool
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes


def pack(payload_type: int, sequence: int, timestamp: int, ssrc: int, payload: bytes, marker: bool = False) -> bytes:
    return (
        _HEADER.pack(0x80, (0x80 if marker else 0) | payload_type, sequence & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc)
        + payload
    )


def unpack(data: bytes) -> RtpPacket | None:
    """None for anything that is not RTP version 2 (RTCP on the same port, garbage)."""
    if len(data) < 12 or data[0] >> 6 != 2:
        return None
    first, second, seq, ts, ssrc = _HEADER.unpack_from(data)
    offset = 12 + 4 * (first & 0x0F)
    if first & 0x10:  # header extension
        if len(data) < offset + 4:
            return None
        offset += 4 + 4 * struct.unpack_from("!H", data, offset + 2)[0]
    end = len(data)
    if first & 0x20 and end > offset:  # padding
        end -= data[-1]
    if offset > end:
        return None
    return RtpPacket(second & 0x7F, bool(second & 0x80), seq, ts, ssrc, data[offset:end])


def frames(audio: bytes, codec: str) -> list[bytes]:
    """Cut raw G.711 into 20 ms frames, padding the last one with silence."""
    out = [audio[i : i + FRAME_SAMPLES] for i in range(0, len(audio), FRAME_SAMPLES)]
    if out and len(out[-1]) < FRAME_SAMPLES:
        out[-1] += SILENCE[codec][: FRAME_SAMPLES - len(out[-1])]
    return out


@dataclass(frozen=True)
class DtmfEvent:
    digit: str
    end: bool
    duration: int


def telephone_event(payload: bytes) -> DtmfEvent | None:
    """Decode an RFC 4733 payload (event, E/R/volume, duration)."""
    if len(payload) < 4 or payload[0] >= len(DTMF_EVENTS):
        return None
    return DtmfEvent(DTMF_EVENTS[payload[0]], bool(payload[1] & 0x80), struct.unpack_from("!H", payload, 2)[0])


def info_digit(content_type: str, body: bytes) -> str | None:
    """The digit of a SIP INFO body: ``application/dtmf-relay`` (Signal=5) or ``application/dtmf`` (5)."""
    text = body.decode("ascii", "replace").strip()
    if content_type == "application/dtmf-relay":
        for line in text.splitlines():
            name, _, value = line.partition("=")
            if name.strip().lower() == "signal":
                text = value.strip()
                break
        else:
            return None
    elif content_type != "application/dtmf":
        return None
    if text in ("10", "11"):
        return "*" if text == "10" else "#"
    return text.upper() if len(text) == 1 and text.upper() in DTMF_EVENTS else None
