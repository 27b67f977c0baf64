"""Events of the voice-menu app, published after commit."""

from __future__ import annotations

from dataclasses import dataclass

from plateau.events import Event


@dataclass(frozen=True)
class IvrFlowPublished(Event):
    """A programme's voice menu changed on its lines (the SIP gateway reloads its flows)."""

    version: int


@dataclass(frozen=True)
class PromptRecorded(Event):
    name: str
