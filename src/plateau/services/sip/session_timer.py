"""Pure session timers (RFC 4028): read Session-Expires/Min-SE and decide what we answer or ask.

A carrier that asks for a session timer expects the session to be refreshed (re-INVITE or UPDATE) before it
expires; the refresher is whoever the negotiation names. We honour the peer's interval when it is at least our
``min_se`` (else 422 with our Min-SE), let the peer refresh when it says so (refresher=uac, or nothing said) and
refresh ourselves when it asks us to (refresher=uas). Without Session-Expires no timer runs.

On the legs we place (the advisor's phone) we are the UAC: our INVITE asks for ``Session-Expires`` with our
``Min-SE``; a 422 names the phone's Min-SE (we ask again with it), and the 2xx's ``Session-Expires`` says who
refreshes: refresher=uac is us, uas the phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from plateau.services.sip.message import SipMessage


@dataclass(frozen=True)
class Agreed:
    """The interval in seconds and the refresher as the transaction that set them says: "uac" (the party that
    sent the request) or "uas" (the party that answered); ``we_sent``: that request was ours."""

    expires: int
    refresher: str
    we_sent: bool = False

    def header(self) -> str:
        return f"{self.expires};refresher={self.refresher}"

    @property
    def we_refresh(self) -> bool:
        return (self.refresher == "uac") == self.we_sent

    def refresh_header(self) -> str:
        """The Session-Expires of our own refresh request: we stay the refresher (the UAC of that request)."""
        return f"{self.expires};refresher=uac"

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


def _session_expires(msg: SipMessage) -> tuple[int | None, str]:
    return _delta(msg.header("Session-Expires") or msg.header("x"))  # "x": its compact form


def negotiate(request: SipMessage, min_se: int) -> Agreed | TooSmall | None:
    """What to answer to ``request`` (INVITE, re-INVITE or UPDATE); None when it asks for no timer."""
    expires, refresher = _session_expires(request)
    if expires is None:
        return None
    if expires < min_se:
        return TooSmall(min_se)
    return Agreed(expires, refresher if refresher in ("uac", "uas") else "uac")


def answered(response: SipMessage) -> Agreed | None:
    """The timer a 2xx to our request sets (None: no Session-Expires, the session does not expire; RFC 4028
    §7.2). A refresher left unsaid is us: a refresh too many never hurts, a missing one ends the call."""
    expires, refresher = _session_expires(response)
    if expires is None or expires <= 0:
        return None
    return Agreed(expires, refresher if refresher in ("uac", "uas") else "uac", we_sent=True)


def min_se_of(response: SipMessage) -> int | None:
    """The Min-SE of a 422 (the shortest interval the peer accepts), None if it names none."""
    value = (response.header("Min-SE") or "").split(";", 1)[0].strip()
    return int(value) if value.isdigit() else None


def supports_timer(request: SipMessage) -> bool:
    return any("timer" in (v.strip().lower() for v in value.split(",")) for value in request.headers("Supported"))
