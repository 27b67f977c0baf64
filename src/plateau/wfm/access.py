"""Reads for workforce management: the programme's own arrival history, and forecasts made from it.

Arrivals are the ``started_at`` of the programme's inbound contacts (``plateau.contacts``), in local time.
When the routing journal is persisted, its ``ContactArrived`` events will be a second source (same shape:
naive local timestamps). Days between the first and the last day of the window with no contact count as
zero (the line was open and nobody called, or it was closed): only days before the first contact are missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from django.utils import timezone

from plateau.contacts.models import Contact, Direction
from plateau.domain.wfm.forecast import Backtest, backtest, bin_arrivals, forecast_days
from plateau.tenants.models import Programme

Float = np.typing.NDArray[np.float64]


def arrival_timestamps(
    programme: Programme, since: dt.date, until: dt.date, *, channel: str | None = None
) -> list[dt.datetime]:
    """Naive local start times of the programme's inbound contacts from ``since`` to ``until`` (excluded)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(until, dt.time(), tzinfo=tz)
    qs = Contact.objects.filter(
        programme=programme, direction=Direction.INBOUND, started_at__gte=start, started_at__lt=end
    )
    if channel:
        qs = qs.filter(channel=channel)
    return [timezone.localtime(t, tz).replace(tzinfo=None) for t in qs.values_list("started_at", flat=True)]


def arrival_history(
    programme: Programme,
    *,
    interval_minutes: int = 30,
    weeks: int = 8,
    until: dt.date | None = None,
    channel: str | None = "call",
) -> dict[dt.date, Float]:
    """Contacts per day and interval over the ``weeks`` weeks before ``until`` (default: today)."""
    until = until or timezone.localdate()
    since = until - dt.timedelta(weeks=weeks)
    history = bin_arrivals(arrival_timestamps(programme, since, until, channel=channel), interval_minutes)
    if history:
        per_day = 1440 // interval_minutes
        day = min(history)
        while day < until:
            history.setdefault(day, np.zeros(per_day))
            day += dt.timedelta(days=1)
    return history


def forecast_programme(
    programme: Programme,
    dates: Sequence[dt.date],
    *,
    interval_minutes: int = 30,
    weeks: int = 6,
    channel: str | None = "call",
    special_days: dict[dt.date, str] | None = None,
) -> tuple[dict[dt.date, Float], Backtest | None]:
    """Forecast calls per interval for ``dates`` from the history, with a WAPE backtest when it is long enough.

    Raises :class:`plateau.domain.wfm.errors.InvalidParameter` when the programme has no history.
    """
    history = arrival_history(
        programme, interval_minutes=interval_minutes, weeks=weeks + 4, until=min(dates), channel=channel
    )
    forecast = forecast_days(history, dates, weeks=weeks, special_days=special_days)
    check = None
    if len(history) >= 14:
        check = backtest(history, test_weeks=1, weeks=weeks, special_days=special_days)
    return forecast, check
