"""Open now and next opening of a level-2 destination: weekly ranges, French public holidays, time zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from plateau.domain.ivr.holidays import is_holiday
from plateau.domain.orientation import InvalidOpeningHours, format_weekly, opening_state, parse_weekly

PARIS = ZoneInfo("Europe/Paris")
OFFICE = parse_weekly(
    {
        "mon": [["09:00", "12:00"], ["13:30", "17:00"]],
        "tue": [["09:00", "12:00"], ["13:30", "17:00"]],
        "wed": [["09:00", "12:00"]],
        "fri": [["09:00", "12:00"], ["13:30", "17:00"]],
        "sat": [["20:00", "24:00"]],
    }
)


def france(day: dt.date) -> bool:
    return is_holiday(day, "france")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("now", "is_open", "closes_at", "next_opening"),
    [
        # Tuesday 1 December 2026, 10:00: open until noon.
        (at(2026, 12, 1, 10, 0), True, at(2026, 12, 1, 12, 0), None),
        # The lunch break: opens again at 13:30 the same day.
        (at(2026, 12, 1, 12, 0), False, None, at(2026, 12, 1, 13, 30)),
        # Wednesday afternoon: closed until Friday (Thursday has no range).
        (at(2026, 12, 2, 15, 0), False, None, at(2026, 12, 4, 9, 0)),
        # Before opening on Monday.
        (at(2026, 11, 30, 8, 59), False, None, at(2026, 11, 30, 9, 0)),
        # Saturday's range runs to midnight.
        (at(2026, 12, 5, 23, 30), True, at(2026, 12, 6, 0, 0), None),
        # Friday 25 December 2026 (Noël) is a working day of the week, closed as a public holiday.
        (at(2026, 12, 25, 10, 0), False, None, at(2026, 12, 26, 20, 0)),
        # Monday 25 May 2026 is Whit Monday (lundi de Pentecôte): closed, opens Tuesday.
        (at(2026, 5, 25, 10, 0), False, None, at(2026, 5, 26, 9, 0)),
        # The same instant given in UTC (09:00 UTC = 10:00 in Paris in winter).
        (dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), True, at(2026, 12, 1, 12, 0), None),
    ],
)
def test_given_office_hours_when_asked_at_an_instant_then_open_or_closed_with_the_next_change(
    now: dt.datetime, is_open: bool, closes_at: dt.datetime | None, next_opening: dt.datetime | None
) -> None:
    state = opening_state(OFFICE, now, is_holiday=france)
    assert (state.is_open, state.closes_at, state.next_opening) == (is_open, closes_at, next_opening)


def test_given_a_holiday_today_then_the_state_says_so() -> None:
    state = opening_state(OFFICE, at(2026, 12, 25, 10, 0), is_holiday=france)
    assert state.holiday_today and not state.is_open


def test_given_a_service_open_around_the_clock_then_open_even_on_a_holiday() -> None:
    state = opening_state({}, at(2026, 12, 25, 3, 0), is_holiday=france, always_open=True)
    assert state.is_open and state.next_opening is None


def test_given_no_range_within_three_weeks_then_closed_without_next_opening() -> None:
    state = opening_state({}, at(2026, 12, 1, 10, 0), is_holiday=france)
    assert (state.is_open, state.next_opening) == (False, None)


def test_given_a_naive_instant_then_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        opening_state(OFFICE, dt.datetime(2026, 12, 1, 10, 0), is_holiday=france)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"lun": [["09:00", "12:00"]]}, "jour inconnu « lun »"),
        ({"mon": [["12:00", "09:00"]]}, "finit avant de commencer"),
        ({"mon": [["09:00", "12:00"], ["11:00", "14:00"]]}, "se chevauchent"),
        ({"tue": [["9h", "12:00"]]}, "plages du mardi illisibles"),
        ({"wed": "09:00-12:00"}, "plages du mercredi illisibles"),
        (["09:00"], "doivent associer des jours"),
    ],
)
def test_given_bad_hours_then_a_french_reason(data: object, reason: str) -> None:
    with pytest.raises(InvalidOpeningHours) as refused:
        parse_weekly(data)
    assert reason in refused.value.message


def test_given_a_schedule_then_it_is_stored_in_week_order_and_reads_back_the_same() -> None:
    data = {"fri": [["13:30", "17:00"], ["09:00", "12:00"]], "mon": [["08:00", "24:00"]]}
    stored = format_weekly(parse_weekly(data))
    assert list(stored) == ["mon", "fri"]
    assert stored == {"mon": [["08:00", "24:00"]], "fri": [["09:00", "12:00"], ["13:30", "17:00"]]}
    assert format_weekly(parse_weekly(stored)) == stored
