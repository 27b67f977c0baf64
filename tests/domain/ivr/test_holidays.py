import datetime as dt

import pytest

from plateau.domain.ivr.holidays import easter, is_holiday, public_holidays


@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (2024, dt.date(2024, 3, 31)),
        (2025, dt.date(2025, 4, 20)),
        (2026, dt.date(2026, 4, 5)),
        (2038, dt.date(2038, 4, 25)),
    ],
)
def test_easter_sunday_matches_the_published_dates(year, sunday):
    assert easter(year) == sunday


def test_given_2026_then_france_has_eleven_public_holidays_with_movable_feasts():
    days = public_holidays(2026)
    assert len(days) == 11
    assert days[dt.date(2026, 4, 6)] == "Lundi de Pâques"
    assert days[dt.date(2026, 5, 14)] == "Ascension"
    assert days[dt.date(2026, 5, 25)] == "Lundi de Pentecôte"


def test_given_alsace_moselle_then_good_friday_and_saint_stephen_are_holidays_too():
    assert is_holiday(dt.date(2026, 4, 3), "alsace-moselle")
    assert is_holiday(dt.date(2026, 12, 26), "alsace-moselle")
    assert not is_holiday(dt.date(2026, 4, 3), "france")
    assert not is_holiday(dt.date(2026, 12, 26), "france")
    assert not is_holiday(dt.date(2026, 12, 25), "none")
