"""Arrival forecasting: weekday x interval profiles from recent weeks, special days, WAPE backtest.

Model (deliberately simple and explainable):

* history is one array of call counts per day (``intervals_per_day`` values, local wall-clock intervals);
* the forecast for an ordinary date is, interval by interval, the weighted mean of the same weekday over the
  last ``weeks`` ordinary weeks available before it, the most recent week weighing 1, the one before
  ``decay``, then ``decay²``... (recent weeks count more; a trend or a season is followed with a lag);
* special days (public holidays — :func:`holidays_between`, labelled "férié" —, launch days, mailings...)
  carry a label: they are kept out of the ordinary
  profiles; a special date is forecast as the mean of past days with the same label, or, if there is none,
  as an ordinary day;
* accuracy is reported as WAPE = Σ|actual - forecast| / Σ actual (weighted absolute percentage error, robust
  to empty intervals), on a rolling-origin backtest: each of the last ``test_weeks`` weeks is forecast from
  the history before it only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from plateau.domain.ivr.holidays import public_holidays
from plateau.domain.wfm._arrays import Float
from plateau.domain.wfm.errors import InvalidParameter

DAY_MINUTES = 1440
HOLIDAY = "férié"
CALENDARS = ("france", "alsace-moselle", "none")


def holidays_between(first: date, last: date, calendar: str = "france") -> dict[date, str]:
    """Public holidays from ``first`` to ``last`` (included), all labelled :data:`HOLIDAY` (one profile).

    ``calendar``: "france", "alsace-moselle" (two more days) or "none" — the IVR's calendars.
    """
    if calendar not in CALENDARS:
        raise InvalidParameter(f"Calendrier inconnu « {calendar} ».", parameter="calendar")
    if calendar == "none":
        return {}
    days: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        for day in public_holidays(year, calendar == "alsace-moselle"):
            if first <= day <= last:
                days[day] = HOLIDAY
    return days


def bin_arrivals(timestamps: Iterable[datetime], interval_minutes: int) -> dict[date, Float]:
    """Counts per day and interval from arrival timestamps (naive local time; days without calls are absent)."""
    if interval_minutes <= 0 or DAY_MINUTES % interval_minutes:
        raise InvalidParameter("La durée d'intervalle doit diviser la journée.", parameter="interval_minutes")
    per_day = DAY_MINUTES // interval_minutes
    days: dict[date, Float] = {}
    for ts in timestamps:
        counts = days.setdefault(ts.date(), np.zeros(per_day))
        counts[(ts.hour * 60 + ts.minute) // interval_minutes] += 1
    return days


def _check_history(history: Mapping[date, Float]) -> int:
    if not history:
        raise InvalidParameter("Historique vide : impossible de prévoir.", parameter="history")
    sizes = {len(v) for v in history.values()}
    if len(sizes) != 1:
        raise InvalidParameter("Tous les jours doivent avoir le même nombre d'intervalles.", parameter="history")
    if any(np.any(~np.isfinite(v)) or np.any(np.asarray(v) < 0) for v in history.values()):
        raise InvalidParameter("Les volumes doivent être des nombres >= 0.", parameter="history")
    return sizes.pop()


def forecast_days(
    history: Mapping[date, Float],
    targets: Sequence[date],
    *,
    weeks: int = 6,
    decay: float = 0.7,
    special_days: Mapping[date, str] | None = None,
) -> dict[date, Float]:
    """Expected calls per interval for each target date, from the history strictly before it."""
    per_day = _check_history(history)
    if weeks < 1 or not 0 < decay <= 1:
        raise InvalidParameter("weeks >= 1 et 0 < decay <= 1.", parameter="weeks")
    special = dict(special_days or {})
    out: dict[date, Float] = {}
    for target in targets:
        label = special.get(target)
        if label is not None:
            same = [v for d, v in history.items() if d < target and special.get(d) == label]
            if same:
                out[target] = np.mean(same, axis=0)
                continue
        rows: list[Float] = []
        weights: list[float] = []
        back = target - timedelta(days=7)
        oldest = min(history)
        while len(rows) < weeks and back >= oldest:
            if back in history and back not in special:
                rows.append(history[back])
                weights.append(decay ** len(weights))
            back -= timedelta(days=7)
        out[target] = np.average(rows, axis=0, weights=weights) if rows else np.zeros(per_day)
    return out


@dataclass(frozen=True)
class Profiles:
    """The shape of the traffic in ``history`` (special days left out).

    ``weekly[d]``: mean calls on weekday ``d`` (Monday = 0; NaN if no such day); ``weekly_share``: the same as
    shares of an average week; ``intraday[d]``: each interval's share of weekday ``d``'s calls (zeros if none).
    """

    weekly: Float
    weekly_share: Float
    intraday: Float
    days: int


def profiles(history: Mapping[date, Float], *, special_days: Mapping[date, str] | None = None) -> Profiles:
    """Weekly and intraday profiles of the ordinary days of ``history``."""
    per_day = _check_history(history)
    special = special_days or {}
    sums = np.zeros((7, per_day))
    counts = np.zeros(7)
    for day, values in history.items():
        if day not in special:
            sums[day.weekday()] += values
            counts[day.weekday()] += 1
    totals = sums.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        weekly = np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
        intraday = np.where(totals[:, None] > 0, sums / np.maximum(totals, 1e-300)[:, None], 0.0)
    week = float(np.nansum(weekly))
    share = weekly / week if week > 0 else np.zeros(7)
    return Profiles(weekly, share, intraday, int(counts.sum()))


def wape(actual: Float, forecast: Float) -> float:
    """Σ|actual - forecast| / Σ actual; NaN when nothing happened (the error is then undefined)."""
    total = float(np.sum(actual))
    return float(np.sum(np.abs(np.asarray(actual) - np.asarray(forecast)))) / total if total > 0 else float("nan")


@dataclass(frozen=True)
class Backtest:
    """Overall WAPE of the tested weeks and the WAPE of each (oldest first)."""

    wape: float
    weekly_wape: list[float]


def backtest(
    history: Mapping[date, Float],
    *,
    test_weeks: int = 4,
    weeks: int = 6,
    decay: float = 0.7,
    special_days: Mapping[date, str] | None = None,
) -> Backtest:
    """Rolling-origin backtest over the last ``test_weeks`` weeks of ``history``."""
    _check_history(history)
    last = max(history)
    actual_all: list[Float] = []
    forecast_all: list[Float] = []
    weekly: list[float] = []
    for k in range(test_weeks, 0, -1):
        week = [last - timedelta(days=7 * k - 1 - i) for i in range(7)]
        week = [d for d in week if d in history]
        past = {d: v for d, v in history.items() if d < week[0]} if week else {}
        if not week or not past:
            continue
        predicted = forecast_days(past, week, weeks=weeks, decay=decay, special_days=special_days)
        actual = np.concatenate([history[d] for d in week])
        guess = np.concatenate([predicted[d] for d in week])
        weekly.append(wape(actual, guess))
        actual_all.append(actual)
        forecast_all.append(guess)
    if not actual_all:
        raise InvalidParameter("Historique trop court pour un backtest.", parameter="history")
    return Backtest(wape(np.concatenate(actual_all), np.concatenate(forecast_all)), weekly)
