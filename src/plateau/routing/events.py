"""Typed events of the routing app, published on commit and tagged with their programme."""

from __future__ import annotations

from dataclasses import dataclass

from plateau.events import Event


@dataclass(frozen=True)
class WorkReleased(Event):
    """A supervisor released a work item an advisor held (the router completed it for them)."""

    routing_id: str
    advisor: str
    released_by: int
