"""Orientation to level 2: when a destination is open, and which destinations fit a theme and a commune."""

from .hours import InvalidOpeningHours, OpeningState, WeeklyHours, format_weekly, opening_state, parse_weekly
from .suggest import Candidate, Scope, Suggestion, suggest, validate_sip_uri

__all__ = [
    "Candidate",
    "InvalidOpeningHours",
    "OpeningState",
    "Scope",
    "Suggestion",
    "WeeklyHours",
    "format_weekly",
    "opening_state",
    "parse_weekly",
    "suggest",
    "validate_sip_uri",
]
