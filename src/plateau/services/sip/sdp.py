"""Pure SDP (RFC 4566) offer/answer for G.711 (PCMA/PCMU) with RFC 4733 telephone-event."""

from __future__ import annotations

from dataclasses import dataclass, field

STATIC = {0: "PCMU", 8: "PCMA"}
SUPPORTED = ("PCMA", "PCMU")


class SdpError(ValueError):
    """The body is not an SDP we can answer (the gateway replies 488 Not Acceptable Here)."""


@dataclass(frozen=True)
class MediaOffer:
    """The first audio stream of a session description."""

    host: str
    port: int
    payload_types: tuple[int, ...]
    rtpmap: dict[int, str] = field(default_factory=dict)
    direction: str = "sendrecv"

    def encoding(self, pt: int) -> str | None:
        return (self.rtpmap.get(pt) or STATIC.get(pt, "")).split("/")[0].upper() or None


@dataclass(frozen=True)
class Negotiated:
    """What both sides agreed: one G.711 codec and, if offered, the telephone-event payload type."""

    codec: str  # "PCMA" or "PCMU"
    payload_type: int
    dtmf_payload_type: int | None
    remote_host: str
    remote_port: int


def parse(body: bytes) -> MediaOffer:
    """Read the connection address and first audio m-line; raises SdpError."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise SdpError("SDP is not ASCII") from exc
    host = port = None
    pts: tuple[int, ...] = ()
    rtpmap: dict[int, str] = {}
    direction = "sendrecv"
    in_audio = seen_audio = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            in_audio = line.startswith("m=audio ") and not seen_audio
            if in_audio:
                seen_audio = True
                parts = line.split()
                try:
                    port = int(parts[1].split("/")[0])
                    pts = tuple(int(p) for p in parts[3:])
                except (IndexError, ValueError) as exc:
                    raise SdpError(f"bad m-line {line!r}") from exc
        elif line.startswith("c=IN IP4 ") and (host is None or in_audio):
            host = line.split()[2].split("/")[0]
        elif in_audio and line.startswith("a=rtpmap:"):
            pt, _, enc = line[9:].partition(" ")
            if pt.isdigit():
                rtpmap[int(pt)] = enc.strip()
        elif in_audio and line[2:] in ("sendonly", "recvonly", "inactive", "sendrecv"):
            direction = line[2:]
    if host is None or port is None or not 0 <= port <= 65535:
        raise SdpError("no IPv4 audio stream")
    return MediaOffer(host, port, pts, rtpmap, direction)


def negotiate(offer: MediaOffer, preferred: tuple[str, ...] = SUPPORTED) -> Negotiated:
    """Choose the first offered codec we support (offer order wins, RFC 3264 §6.1) and telephone-event."""
    audio: tuple[int, str] | None = None
    dtmf = None
    for pt in offer.payload_types:
        enc = offer.encoding(pt)
        if audio is None and enc in preferred:
            audio = (pt, enc)
        elif enc == "TELEPHONE-EVENT" and dtmf is None:
            dtmf = pt
    if audio is None:
        raise SdpError("no common codec (PCMA/PCMU)")
    return Negotiated(audio[1], audio[0], dtmf, offer.host, offer.port)


# The direction we answer to an offered one (RFC 3264 §6.1): a phone putting us on hold sends "sendonly"
# (it keeps sending, maybe its own music) and gets "recvonly"; "inactive" stays "inactive".
MIRROR = {"sendrecv": "sendrecv", "sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive"}


def holds(direction: str) -> bool:
    """True when an offer with this direction puts the other party on hold (RFC 3264 §8.4)."""
    return direction in ("sendonly", "inactive")


@dataclass
class Session:
    """Our side of one SDP session: the same ``o=`` id for its whole life, the version incremented each time
    the description changes (RFC 3264 §8), the last body kept to answer a refresh with the same version."""

    session_id: int
    version: int = 0
    last: bytes = b""

    def describe(self, body: bytes) -> bytes:
        """``body`` is built with the placeholder origin; return it with our id and the right version."""
        candidate = body.replace(_ORIGIN, f"{self.session_id} {self.version}".encode(), 1)
        if self.last and candidate != self.last:
            self.version += 1
            candidate = body.replace(_ORIGIN, f"{self.session_id} {self.version}".encode(), 1)
        self.last = candidate
        return candidate


_ORIGIN = b"@ORIGIN@"


def _lines(host: str, port: int, media: list[str], direction: str) -> bytes:
    head = ["v=0", f"o=plateau @ORIGIN@ IN IP4 {host}", "s=plateau", f"c=IN IP4 {host}", "t=0 0"]
    return ("\r\n".join(head + media + ["a=ptime:20", f"a={direction}", ""])).encode()


def answer(neg: Negotiated, host: str, port: int, session: Session, direction: str = "sendrecv") -> bytes:
    """Our answer: the agreed codec plus telephone-event if the offer had it, ``direction`` mirrored."""
    pts = f"{neg.payload_type}" + (f" {neg.dtmf_payload_type}" if neg.dtmf_payload_type is not None else "")
    media = [f"m=audio {port} RTP/AVP {pts}", f"a=rtpmap:{neg.payload_type} {neg.codec}/8000"]
    if neg.dtmf_payload_type is not None:
        media += [f"a=rtpmap:{neg.dtmf_payload_type} telephone-event/8000", f"a=fmtp:{neg.dtmf_payload_type} 0-16"]
    return session.describe(_lines(host, port, media, MIRROR.get(direction, "sendrecv")))


def offer(
    host: str, port: int, session: Session, codec: str | None = None, direction: str = "sendrecv"
) -> bytes:  # fmt: skip
    """Our offer (to an advisor phone, in a 200 to an INVITE without SDP, or to put a phone on hold);
    ``codec`` restricts it to the caller's codec so the relay never transcodes."""
    codecs = [c for c in (codec,) if c] or list(SUPPORTED)
    pts = [8 if c == "PCMA" else 0 for c in codecs]
    media = [f"m=audio {port} RTP/AVP {' '.join(map(str, pts))} 101"]
    media += [f"a=rtpmap:{pt} {c}/8000" for pt, c in zip(pts, codecs, strict=True)]
    media += ["a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16"]
    return session.describe(_lines(host, port, media, direction))
