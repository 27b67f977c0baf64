"""Typed events of the follow-up capability, published on commit and tagged with their programme."""

from __future__ import annotations

from dataclasses import dataclass

from plateau.events import Event


@dataclass(frozen=True)
class FollowUpSent(Event):
    """A follow-up link went out to a caller (the address is not in the event)."""

    followup_id: int
    channel: str


@dataclass(frozen=True)
class FollowUpAnswered(Event):
    """A caller answered their follow-up (the free text is not in the event)."""

    followup_id: int
    came: str
    provider_id: int | None
    satisfaction: int | None
