"""Domain errors: no HTTP, no Django; mapped at the edges."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the input. ``error_id`` is stable, ``message`` is French."""

    error_id = "domain_error"

    def __init__(self, message: str, **details: object) -> None:
        self.message = message
        self.details = details
        super().__init__(message)
