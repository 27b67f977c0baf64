"""Typed events of the knowledge base, published after commit (``plateau.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from plateau.events import Event


@dataclass(frozen=True)
class SheetsImported(Event):
    """An import run committed (``programme_id`` is None: official sheets are shared)."""

    import_id: int
    new: int
    changed: int
    removed: int


@dataclass(frozen=True)
class AnswerRecorded(Event):
    contact_id: int
    sheet_id: str


@dataclass(frozen=True)
class KnowledgeGapReported(Event):
    contact_id: int | None
    query: str
