"""What happens on a line before its voice menu starts (pure, clock passed in).

- **Price announcement.** A number whose tariff in force on the call's date is *majoré* plays its price first
  (ARCEP: free for the caller, before any service); the tariff periods carry the prompt to play.
- **Caller blocked.** A supervisor may mark a caller's number for a programme until a date: a call from it
  hears a short message and is hung up instead of being queued. Numbers are compared in E.164, so
  "+33 6…", "06…" and "0033 6…" are the same caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from plateau.domain.ids.phone import InvalidPhoneNumber, parse_caller_phone

PRICE_STEP = "annonce_tarif"  # the step name the call record's menu path shows for the price announcement
BLOCKED_STEP = "appelant_bloque"  # …and for the short message to a blocked caller
BLOCKED_PROMPT = "caller_blocked"
BLOCKED_CAUSE = "caller_blocked"  # the call record's cause: excluded from service KPIs (never routed)


@dataclass(frozen=True)
class TariffPeriod:
    valid_from: dt.date
    valid_until: dt.date | None  # inclusive; None: open-ended
    announcement: str | None  # prompt name to play first, None when the tariff needs none

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


def caller_e164(raw: str) -> str | None:
    """The caller's number in E.164 (the user part of the From URI as the network gave it), or None."""
    try:
        return parse_caller_phone(raw.split(";", 1)[0]).e164  # "0612345678;phone-context=…": the digits
    except InvalidPhoneNumber:
        return None  # anonymous, a short number, a SIP name: never matches a mark


@dataclass
class LineRules:
    """Per dialled number, its tariff periods; per programme slug, the blocked callers and their expiry."""

    tariffs: dict[str, tuple[TariffPeriod, ...]] = field(default_factory=dict)
    blocked: dict[str, dict[str, dt.datetime]] = field(default_factory=dict)
    timezone: str = "Europe/Paris"

    def price_announcement(self, number: str, now: dt.datetime) -> str | None:
        """The prompt of the tariff in force on the local date of ``now`` (latest start wins), if any."""
        day = now.astimezone(ZoneInfo(self.timezone)).date()
        in_force = [p for p in self.tariffs.get(number, ()) if p.covers(day)]
        if not in_force:
            return None
        return max(in_force, key=lambda p: p.valid_from).announcement

    def is_blocked(self, programme: str, caller: str, now: dt.datetime) -> bool:
        marks = self.blocked.get(programme)
        if not marks:
            return False
        e164 = caller_e164(caller)
        expires = marks.get(e164) if e164 else None
        return expires is not None and now < expires
