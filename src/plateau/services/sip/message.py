"""Pure SIP message parsing and serialisation on top of ``sipmessage``.

``parse`` is the single entry point for bytes read from the network: it never raises. Anything malformed
comes back as a ``ParseError`` which carries a ready-made ``400 Bad Request`` when the request is answerable
(RFC 3261 §8.2.6 needs Via, From, To, Call-ID and CSeq to route a response).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from sipmessage import Address, CSeq, Message, Request, Response, Via

REASONS = {
    100: "Trying",
    180: "Ringing",
    183: "Session Progress",
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    415: "Unsupported Media Type",
    422: "Session Interval Too Small",
    480: "Temporarily Unavailable",
    481: "Call/Transaction Does Not Exist",
    486: "Busy Here",
    487: "Request Terminated",
    488: "Not Acceptable Here",
    491: "Request Pending",
    500: "Server Internal Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}
MANDATORY = ("Via", "From", "To", "Call-ID", "CSeq")
MAGIC_COOKIE = "z9hG4bK"
MAX_MESSAGE = 65_535
_TAG = re.compile(r";\s*tag=([^;>\s,]+)", re.IGNORECASE)


def new_tag() -> str:
    return secrets.token_hex(6)


def new_branch() -> str:
    return MAGIC_COOKIE + secrets.token_hex(10)


def new_call_id(host: str) -> str:
    return f"{secrets.token_hex(12)}@{host}"


@dataclass(frozen=True)
class ParseError:
    """Why a datagram was refused; ``response`` is the 400 to send back, when one can be routed."""

    reason: str
    response: bytes | None = None


@dataclass(frozen=True)
class SipMessage:
    """A validated request or response with its routing fields already extracted."""

    raw: Request | Response
    call_id: str
    cseq: int
    cseq_method: str
    branch: str
    from_tag: str | None
    to_tag: str | None

    @property
    def is_request(self) -> bool:
        return isinstance(self.raw, Request)

    @property
    def method(self) -> str:
        return self.raw.method if isinstance(self.raw, Request) else self.cseq_method

    @property
    def code(self) -> int:
        return self.raw.code if isinstance(self.raw, Response) else 0

    @property
    def body(self) -> bytes:
        return self.raw.body

    def header(self, name: str) -> str | None:
        return self.raw.headers.get(name)

    def headers(self, name: str) -> list[str]:
        return self.raw.headers.getlist(name)

    @property
    def uri(self) -> str:
        return str(self.raw.uri) if isinstance(self.raw, Request) else ""

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";", 1)[0].strip().lower()


def tag_of(value: str) -> str | None:
    """The ``tag`` parameter of a From/To value (outside the angle brackets)."""
    tail = value.rsplit(">", 1)[-1] if ">" in value else value
    match = _TAG.search(tail)
    return match.group(1) if match else None


def uri_of(value: str) -> str:
    """The URI of a name-addr or addr-spec header value."""
    try:
        return str(Address.parse(value).uri)
    except ValueError:
        return value.split(";", 1)[0].strip().strip("<>")


def user_of(uri: str) -> str:
    """The user part of ``sip:user@host``, or '' when there is none."""
    body = uri.split(":", 1)[-1]
    return body.split("@", 1)[0] if "@" in body else ""


def hostport_of(uri: str, default_port: int = 5060) -> tuple[str, int]:
    """Host and port of a SIP URI (raises ValueError when it has none)."""
    match = re.match(r"sips?:(?:[^@;>]*@)?([^;:>?]+)(?::(\d+))?", uri.strip("<>"))
    if not match:
        raise ValueError(f"not a SIP URI: {uri!r}")
    return match.group(1), int(match.group(2) or default_port)


def _raw_headers(data: bytes) -> dict[str, list[str]]:
    """Best-effort header scan used only to answer a broken request with a 400."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    found: dict[str, list[str]] = {}
    compact = {"v": "Via", "f": "From", "t": "To", "i": "Call-ID"}
    for line in head.split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = compact.get(name.strip().lower(), name.strip())
        for wanted in MANDATORY:
            if key.lower() == wanted.lower():
                found.setdefault(wanted, []).append(value.strip())
    return found


# Without Call-ID or CSeq the client cannot match a 400 to its transaction, yet RFC 4475 (§3.1.2.x) asks for
# one where it can be routed back: Via, From and To are enough for that.
ROUTE_BACK = ("Via", "From", "To")


def _bad_request(data: bytes, reason: str) -> ParseError:
    if data[:8] == b"SIP/2.0 " or data.strip() == b"":
        return ParseError(reason)  # never answer a response or a keep-alive
    found = _raw_headers(data)
    if any(name not in found for name in ROUTE_BACK) or data.split(b" ", 1)[0] == b"ACK":
        return ParseError(reason)
    lines = ["SIP/2.0 400 Bad Request"]
    lines += [f"Via: {via}" for via in found["Via"]]
    to = found["To"][0]
    if tag_of(to) is None:
        to += f";tag={new_tag()}"
    lines += [f"From: {found['From'][0]}", f"To: {to}"]
    lines += [f"{name}: {found[name][0]}" for name in ("Call-ID", "CSeq") if name in found]
    warning = reason[:60].replace('"', "'")
    lines += [f'Warning: 399 plateau "{warning}"', "Content-Length: 0", "", ""]
    text = "\r\n".join(lines)
    answer = text.encode("utf-8", "replace")
    try:  # only send a 400 the client can read: it must be valid itself
        complete = "Call-ID" in found and "CSeq" in found
        _validate(Message.parse(answer)) if complete else _routable(Message.parse(answer))
    except Exception:
        return ParseError(reason)
    return ParseError(reason, answer)


def _routable(raw: Request | Response) -> None:
    for name in ROUTE_BACK:
        if raw.headers.get(name) is None:
            raise ValueError(f"missing {name}")
    Via.parse_many(raw.headers.getlist("Via")[0])


def parse(data: bytes) -> SipMessage | ParseError:
    """Parse one datagram; never raises."""
    if len(data) > MAX_MESSAGE:
        return ParseError("message too large")
    try:
        raw = Message.parse(data)
    except Exception as exc:  # sipmessage raises ValueError, IndexError, UnicodeError… on garbage
        return _bad_request(data, f"unparsable: {type(exc).__name__}")
    try:
        return _validate(raw)
    except Exception as exc:  # a typed accessor choked on a header value
        return _bad_request(data, f"invalid header: {exc}"[:120])


def _validate(raw: Request | Response) -> SipMessage:
    for name in MANDATORY:
        if raw.headers.get(name) is None:
            raise ValueError(f"missing {name}")
    cseq = CSeq.parse(raw.headers["CSeq"])
    vias = raw.headers.getlist("Via")
    top = Via.parse_many(vias[0])[0]
    if isinstance(raw, Request):
        if cseq.method != raw.method:
            raise ValueError("CSeq method differs from the request method")
        if not re.fullmatch(r"[A-Z]+", raw.method):
            raise ValueError("bad method")
    elif not 100 <= raw.code <= 699:
        raise ValueError("bad status code")
    length = raw.headers.get("Content-Length")
    if length is not None:
        size = int(length)
        if size < 0 or size > len(raw.body):
            raise ValueError("Content-Length larger than the body")
        raw.body = raw.body[:size]  # UDP: anything after the declared body is ignored (RFC 3261 §18.3)
    return SipMessage(
        raw=raw,
        call_id=raw.headers["Call-ID"],
        cseq=cseq.sequence,
        cseq_method=cseq.method,
        branch=str(top.parameters.get("branch") or ""),
        from_tag=tag_of(raw.headers["From"]),
        to_tag=tag_of(raw.headers["To"]),
    )


@dataclass
class Outgoing:
    """Headers and body of a message we build; ``bytes()`` serialises it with a correct Content-Length."""

    start_line: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def add(self, name: str, value: str) -> Outgoing:
        self.headers.append((name, value))
        return self

    def __bytes__(self) -> bytes:
        lines = [self.start_line, *(f"{name}: {value}" for name, value in self.headers)]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


def response(
    request: SipMessage,
    code: int,
    *,
    to_tag: str | None = None,
    contact: str | None = None,
    extra: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    content_type: str | None = None,
) -> bytes:
    """A response to ``request`` copying Via/From/Call-ID/CSeq and adding our To tag (RFC 3261 §8.2.6)."""
    out = Outgoing(f"SIP/2.0 {code} {REASONS.get(code, 'Unknown')}")
    for via in request.headers("Via"):
        out.add("Via", via)
    to = request.header("To") or ""
    if to_tag and request.to_tag is None and code > 100:
        to += f";tag={to_tag}"
    out.add("From", request.header("From") or "").add("To", to)
    out.add("Call-ID", request.call_id).add("CSeq", f"{request.cseq} {request.cseq_method}")
    if contact:
        out.add("Contact", contact)
    for name, value in extra or []:
        out.add(name, value)
    if body:
        out.add("Content-Type", content_type or "application/sdp")
    out.body = body
    return bytes(out)


def request(
    method: str,
    uri: str,
    *,
    via_host: str,
    via_port: int,
    branch: str,
    from_: str,
    to: str,
    call_id: str,
    cseq: int,
    contact: str | None = None,
    extra: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    content_type: str | None = None,
    cseq_method: str | None = None,
) -> bytes:
    """A request with a single Via of ours (we are a user agent, never a proxy)."""
    out = Outgoing(f"{method} {uri} SIP/2.0")
    out.add("Via", f"SIP/2.0/UDP {via_host}:{via_port};branch={branch};rport")
    out.add("Max-Forwards", "70").add("From", from_).add("To", to).add("Call-ID", call_id)
    out.add("CSeq", f"{cseq} {cseq_method or method}")
    if contact:
        out.add("Contact", contact)
    for name, value in extra or []:
        out.add(name, value)
    if body:
        out.add("Content-Type", content_type or "application/sdp")
    out.body = body
    return bytes(out)
