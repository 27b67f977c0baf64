"""Reads for workforce management: the programme's own arrival history, and forecasts made from it.

Two sources of arrivals, both in naive local time:

* ``journal``: the routing journal — every ``ContactArrived`` event the router applied for the
  programme's call queues (queue ids ``<programme slug>.<queue code>``), i.e. what really entered the queues,
  including callers who hung up before being answered;
* ``contacts``: the ``started_at`` of the programme's inbound contacts (``plateau.contacts``), i.e. what
  advisors recorded (the demo's past weeks live here);
* ``auto`` (the default): the journal if it holds arrivals of the programme in the window, else the contacts.

Days between the first and the last day of the window with no arrival count as zero (the line was open and
nobody called, or it was closed): only days before the first arrival are missing. French public holidays
(``plateau.domain.ivr.holidays``, the IVR's calendar) are special days labelled "férié": kept out of the
ordinary profiles and forecast from past holidays (``plateau.domain.wfm.forecast.holidays_between``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from django.utils import timezone

from plateau.contacts.models import Contact, Direction
from plateau.domain.routing import events as ev
from plateau.domain.wfm.errors import InvalidParameter
from plateau.domain.wfm.forecast import Backtest, backtest, bin_arrivals, forecast_days, holidays_between
from plateau.tenants.models import Programme

Float = np.typing.NDArray[np.float64]
Source = Literal["auto", "journal", "contacts"]


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


def programme_queues(programme: Programme, channel: str | None = "call") -> dict[str, str]:
    """Routing queue ids (as in the journal) of the programme's queues on ``channel``, with their labels."""
    from plateau.routing.configuration import queue_id
    from plateau.routing.models import Queue

    qs = Queue.objects.filter(programme=programme)
    if channel:
        qs = qs.filter(channel=channel)
    return {queue_id(programme, q.code): q.label for q in qs.order_by("code")}


def journal_arrival_timestamps(
    programme: Programme, since: dt.date, until: dt.date, *, queue: str | None = None, channel: str | None = "call"
) -> list[dt.datetime]:
    """Naive local times of the ``ContactArrived`` events of the routing journal for the programme's queues.

    ``queue``: one queue code (else every queue of the programme on ``channel``). The journal is read
    sequentially (one pass; fine for weeks of a programme's traffic, not for years of a whole platform).
    """
    from plateau.services.router.runtime import open_journal

    queues = set(programme_queues(programme, channel))
    if queue is not None:
        wanted = f"{programme.slug}.{queue}"
        if wanted not in queues:
            raise InvalidParameter(f"File inconnue « {queue} » pour ce programme.", parameter="queue")
        queues = {wanted}
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time(), tzinfo=tz).timestamp()
    end = dt.datetime.combine(until, dt.time(), tzinfo=tz).timestamp()
    journal = open_journal()
    try:
        stamps = [
            e.at
            for _, e in journal.read()
            if type(e) is ev.ContactArrived and start <= e.at < end and e.queue_id in queues
        ]
    finally:
        journal.close()  # type: ignore[attr-defined]
    return [dt.datetime.fromtimestamp(at, tz).replace(tzinfo=None) for at in stamps]


def arrival_history(
    programme: Programme,
    *,
    interval_minutes: int = 30,
    weeks: int = 8,
    until: dt.date | None = None,
    channel: str | None = "call",
    source: Source = "auto",
    queue: str | None = None,
) -> tuple[dict[dt.date, Float], Source]:
    """Arrivals per day and interval over the ``weeks`` weeks before ``until`` (default: today), and the
    source read ("journal" or "contacts")."""
    until = until or timezone.localdate()
    since = until - dt.timedelta(weeks=weeks)
    stamps: list[dt.datetime] = []
    if source in ("auto", "journal"):
        stamps = journal_arrival_timestamps(programme, since, until, queue=queue, channel=channel)
        if stamps or source == "journal":
            source = "journal"
    if source != "journal":
        if queue is not None:
            raise InvalidParameter("Les contacts ne sont pas rattachés à une file : choisissez le journal.")
        source = "contacts"
        stamps = arrival_timestamps(programme, since, until, channel=channel)
    history = bin_arrivals(stamps, interval_minutes)
    if history:
        per_day = 1440 // interval_minutes
        day = min(history)
        while day < until:
            history.setdefault(day, np.zeros(per_day))
            day += dt.timedelta(days=1)
    return history, source


@dataclass(frozen=True)
class ProgrammeForecast:
    """A forecast from the programme's history: per date, the backtest, the history read and its source."""

    forecast: dict[dt.date, Float]
    backtest: Backtest | None  # None if fewer than ``backtest_weeks`` + 1 weeks of history
    history: dict[dt.date, Float]
    source: Source
    special_days: dict[dt.date, str]


def forecast_programme(
    programme: Programme,
    dates: Sequence[dt.date],
    *,
    interval_minutes: int = 30,
    weeks: int = 6,
    channel: str | None = "call",
    special_days: dict[dt.date, str] | None = None,
    source: Source = "auto",
    queue: str | None = None,
    calendar: str = "france",
    backtest_weeks: int = 1,
) -> ProgrammeForecast:
    """Forecast calls per interval for ``dates`` (model: ``plateau.domain.wfm.forecast``) with a WAPE backtest.

    Public holidays of ``calendar`` ("france", "alsace-moselle", "none") are special days, on top of
    ``special_days``. Raises :class:`plateau.domain.wfm.errors.InvalidParameter` without history.
    """
    history, used = arrival_history(
        programme,
        interval_minutes=interval_minutes,
        weeks=weeks + backtest_weeks + 3,
        until=min(dates),
        channel=channel,
        source=source,
        queue=queue,
    )
    special = holidays_between(min(history), max(dates), calendar) if history else {}
    special.update(special_days or {})
    forecast = forecast_days(history, dates, weeks=weeks, special_days=special)
    check = None
    if backtest_weeks and len(history) >= 7 * (backtest_weeks + 1):
        check = backtest(history, test_weeks=backtest_weeks, weeks=weeks, special_days=special)
    return ProgrammeForecast(forecast, check, history, used, special)
