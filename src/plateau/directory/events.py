"""Typed events of the directory app, published after commit."""

from __future__ import annotations

from dataclasses import dataclass

from plateau.events import Event


@dataclass(frozen=True)
class ProvidersProposed(Event):
    search_id: int
    activity_code: str
    commune_insee: str
    provider_ids: tuple[int, ...]


@dataclass(frozen=True)
class UnmetNeedRecorded(Event):
    unmet_need_id: int
    activity_code: str
    commune_insee: str


@dataclass(frozen=True)
class ProvidersImported(Event):
    created: int
    updated: int
    rejected: int
