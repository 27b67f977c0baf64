"""Weekly opening hours of a level-2 destination, closed on public holidays: open now, and when it opens next.

The schedule is plain data, ``{"mon": [["08:30", "12:00"], ["13:30", "17:00"]], ..., "sun": []}`` (the shape
of the IVR's ``hours`` step and of ``Programme.opening_hours``); the holiday calendar is injected (a function
``date -> bool``) so this module stays pure and is tested with tables.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from plateau.domain.errors import DomainError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WeeklyHours = Mapping[str, tuple[tuple[dt.time, dt.time], ...]]
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d|24:00")
# How far ahead the next opening is looked for (a destination closed for longer shows « fermé » alone).
HORIZON_DAYS = 21


class InvalidOpeningHours(DomainError):
    error_id = "invalid_opening_hours"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("Horaires illisibles : " + " ; ".join(reasons), reasons=reasons, field="opening_hours")
        self.reasons = reasons


def _time(text: str) -> dt.time:
    return dt.time.max if text == "24:00" else dt.time.fromisoformat(text)


def parse_weekly(data: Any) -> WeeklyHours:
    """Validate a weekly schedule (all reasons at once, in French); a missing day is closed all day."""
    if data in (None, ""):
        return {}
    if not isinstance(data, Mapping):
        raise InvalidOpeningHours(["les horaires doivent associer des jours (mon … sun) à des plages horaires"])
    reasons: list[str] = []
    weekly: dict[str, tuple[tuple[dt.time, dt.time], ...]] = {}
    for day, ranges in data.items():
        if day not in WEEKDAYS:
            reasons.append(f"jour inconnu « {str(day)[:20]} » (attendu : {', '.join(WEEKDAYS)})")
            continue
        label = DAY_NAMES_FR[WEEKDAYS.index(day)]
        if not isinstance(ranges, list | tuple) or not all(
            isinstance(r, list | tuple) and len(r) == 2 and all(isinstance(t, str) and _TIME.fullmatch(t) for t in r)
            for r in ranges
        ):
            reasons.append(f'plages du {label} illisibles (attendu [["08:30", "12:00"], …])')
            continue
        parsed = sorted((_time(a), _time(b)) for a, b in ranges)
        if any(a >= b for a, b in parsed):
            reasons.append(f"une plage du {label} finit avant de commencer")
        elif any(parsed[i][1] > parsed[i + 1][0] for i in range(len(parsed) - 1)):
            reasons.append(f"deux plages du {label} se chevauchent")
        weekly[day] = tuple(parsed)
    if reasons:
        raise InvalidOpeningHours(reasons)
    return weekly


def _text(t: dt.time) -> str:
    return "24:00" if t == dt.time.max else t.strftime("%H:%M")


def format_weekly(weekly: WeeklyHours) -> dict[str, list[list[str]]]:
    """The schedule as stored (JSON), days in week order, ranges sorted: the inverse of :func:`parse_weekly`."""
    return {day: [[_text(a), _text(b)] for a, b in weekly[day]] for day in WEEKDAYS if weekly.get(day)}


@dataclass(frozen=True)
class OpeningState:
    """``is_open`` now; ``closes_at`` when open, ``next_opening`` when closed (None: not within the horizon)."""

    is_open: bool
    closes_at: dt.datetime | None = None
    next_opening: dt.datetime | None = None
    holiday_today: bool = False


def _ranges(
    weekly: WeeklyHours, day: dt.date, is_holiday: Callable[[dt.date], bool]
) -> tuple[tuple[dt.time, dt.time], ...]:
    if is_holiday(day):
        return ()
    return weekly.get(WEEKDAYS[day.weekday()], ())


def opening_state(
    weekly: WeeklyHours,
    now: dt.datetime,
    *,
    is_holiday: Callable[[dt.date], bool],
    timezone: str = "Europe/Paris",
    always_open: bool = False,
) -> OpeningState:
    """Whether the destination is open at ``now`` (aware) in its time zone, and when it closes or opens next.

    ``always_open`` (a 24/7 service such as the doctor on duty's regulation) ignores the schedule and holidays.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if always_open:
        return OpeningState(True)
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    today, t = local.date(), local.time().replace(tzinfo=None)
    for a, b in _ranges(weekly, today, is_holiday):
        if a <= t < b:
            end = (
                dt.datetime.combine(today, b, zone)
                if b != dt.time.max
                else dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, zone)
            )
            return OpeningState(True, closes_at=end)
    for offset in range(HORIZON_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        for a, _b in _ranges(weekly, day, is_holiday):
            if offset > 0 or a > t:
                return OpeningState(False, next_opening=dt.datetime.combine(day, a, zone),
                                    holiday_today=is_holiday(today))  # fmt: skip
    return OpeningState(False, holiday_today=is_holiday(today))
