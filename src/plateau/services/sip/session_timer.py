"""Pure session timers (RFC 4028): read a request's Session-Expires/Min-SE and decide what we answer.

A carrier that asks for a session timer expects the session to be refreshed (re-INVITE or UPDATE) before it
expires; the refresher is whoever the negotiation names. We honour the peer's interval when it is at least our
``min_se`` (else 422 with our Min-SE), let the peer refresh when it says so (refresher=uac, or nothing said) and
refresh ourselves when it asks us to (refresher=uas). Without Session-Expires no timer runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from plateau.services.sip.message import SipMessage


@dataclass(frozen=True)
class Agreed:
    """The interval in seconds and who refreshes: "uac" (the peer that sent the request) or "uas" (us)."""

    expires: int
    refresher: str

    def header(self) -> str:
        return f"{self.expires};refresher={self.refresher}"

    @property
    def refresh_after(self) -> float:
        """When we refresh (RFC 4028 §10: half the interval)."""
        return self.expires / 2

    @property
    def give_up_after(self) -> float:
        """When we end a session nobody refreshed (§10: BYE before expiry, by min(32 s, a third))."""
        return self.expires - min(32.0, self.expires / 3)


@dataclass(frozen=True)
class TooSmall:
    """422 Session Interval Too Small, with our Min-SE."""

    min_se: int


def _delta(value: str | None) -> tuple[int | None, str]:
    if value is None:
        return None, ""
    head, *params = (p.strip() for p in value.split(";"))
    refresher = next((p.split("=", 1)[1].strip().lower() for p in params if p.lower().startswith("refresher=")), "")
    return (int(head) if head.isdigit() else None), refresher


def negotiate(request: SipMessage, min_se: int) -> Agreed | TooSmall | None:
    """What to answer to ``request`` (INVITE, re-INVITE or UPDATE); None when it asks for no timer."""
    expires, refresher = _delta(request.header("Session-Expires") or request.header("x"))
    if expires is None:
        return None
    if expires < min_se:
        return TooSmall(min_se)
    return Agreed(expires, refresher if refresher in ("uac", "uas") else "uac")


def supports_timer(request: SipMessage) -> bool:
    return any("timer" in (v.strip().lower() for v in value.split(",")) for value in request.headers("Supported"))
