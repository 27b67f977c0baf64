"""French public holidays (Code du travail L3133-1) and the two extra days of Alsace-Moselle (L3134-13)."""

from __future__ import annotations

import datetime as dt
from functools import cache


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    return dt.date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


@cache
def public_holidays(year: int, alsace_moselle: bool = False) -> dict[dt.date, str]:
    """Dates and French names of the public holidays of ``year``."""
    sunday = easter(year)
    days = {
        dt.date(year, 1, 1): "Jour de l'an",
        sunday + dt.timedelta(days=1): "Lundi de Pâques",
        dt.date(year, 5, 1): "Fête du travail",
        dt.date(year, 5, 8): "Victoire 1945",
        sunday + dt.timedelta(days=39): "Ascension",
        sunday + dt.timedelta(days=50): "Lundi de Pentecôte",
        dt.date(year, 7, 14): "Fête nationale",
        dt.date(year, 8, 15): "Assomption",
        dt.date(year, 11, 1): "Toussaint",
        dt.date(year, 11, 11): "Armistice 1918",
        dt.date(year, 12, 25): "Noël",
    }
    if alsace_moselle:
        days[sunday - dt.timedelta(days=2)] = "Vendredi saint"
        days[dt.date(year, 12, 26)] = "Saint-Étienne"
    return days


def is_holiday(day: dt.date, calendar: str) -> bool:
    """``calendar`` is "france", "alsace-moselle" or "none"."""
    if calendar == "none":
        return False
    return day in public_holidays(day.year, calendar == "alsace-moselle")
