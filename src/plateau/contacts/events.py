"""Typed events of the contacts app, published on commit and tagged with their programme."""

from __future__ import annotations

from dataclasses import dataclass

from plateau.events import Event


@dataclass(frozen=True)
class ContactStarted(Event):
    """An advisor started handling a contact (call, letter, e-mail…)."""

    contact_id: int
    channel: str
    advisor_id: int
    caller_id: int | None


@dataclass(frozen=True)
class ContactWrappedUp(Event):
    """A contact was closed with a wrap-up code."""

    contact_id: int
    wrap_up_code: str
    details_given: int
    duration_seconds: float


@dataclass(frozen=True)
class CallerBlocked(Event):
    """A supervisor marked a caller's number: their calls hear a short message until ``expires_at``."""

    block_id: int
    expires_at: str


@dataclass(frozen=True)
class CallerBlockLifted(Event):
    """A mark was lifted before its expiry."""

    block_id: int
