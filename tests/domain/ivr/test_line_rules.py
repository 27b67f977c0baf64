"""Before the menu (pure): the tariff in force on the call's local date picks the price announcement; a mark
blocks its number in any written form until its expiry, for its programme only."""

from __future__ import annotations

import datetime as dt

import pytest

from plateau.domain.ivr.line_rules import LineRules, TariffPeriod, caller_e164

UTC = dt.UTC
RULES = LineRules(
    tariffs={
        "0899": (
            TariffPeriod(dt.date(2026, 1, 1), dt.date(2026, 6, 30), "tarif-a"),
            TariffPeriod(dt.date(2026, 7, 1), None, None),  # became free
        ),
        "3211": (
            TariffPeriod(dt.date(2026, 1, 1), None, "tarif-a"),
            TariffPeriod(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "tarif-b"),  # the latest start wins
        ),
    },
    blocked={"sap": {"+33612345678": dt.datetime(2026, 5, 1, 12, 0, tzinfo=UTC)}},
)


@pytest.mark.parametrize(
    ("number", "at", "prompt"),
    [
        ("0899", dt.datetime(2026, 6, 30, 21, 59, tzinfo=UTC), "tarif-a"),  # 23:59 in Paris, still 30 June
        ("0899", dt.datetime(2026, 6, 30, 22, 0, tzinfo=UTC), None),  # 1 July in Paris: free
        ("0899", dt.datetime(2025, 12, 31, 12, 0, tzinfo=UTC), None),  # before any tariff
        ("3211", dt.datetime(2026, 3, 15, 12, 0, tzinfo=UTC), "tarif-b"),
        ("3211", dt.datetime(2026, 4, 1, 12, 0, tzinfo=UTC), "tarif-a"),
        ("3999", dt.datetime(2026, 4, 1, 12, 0, tzinfo=UTC), None),  # a number without tariff
    ],
)
def test_the_tariff_in_force_on_the_local_date_picks_the_announcement(number: str, at: dt.datetime, prompt) -> None:  # type: ignore[no-untyped-def]
    assert RULES.price_announcement(number, at) == prompt


@pytest.mark.parametrize(
    ("programme", "caller", "at", "blocked"),
    [
        ("sap", "0612345678", dt.datetime(2026, 4, 1, tzinfo=UTC), True),
        ("sap", "+33612345678", dt.datetime(2026, 4, 1, tzinfo=UTC), True),
        ("sap", "0033612345678", dt.datetime(2026, 4, 1, tzinfo=UTC), True),
        ("sap", "33612345678", dt.datetime(2026, 4, 1, tzinfo=UTC), False),  # not a form the network gives
        ("sap", "0612345678", dt.datetime(2026, 5, 1, 12, 0, tzinfo=UTC), False),  # expired at that instant
        ("telecare", "0612345678", dt.datetime(2026, 4, 1, tzinfo=UTC), False),  # another programme
        ("sap", "anonymous", dt.datetime(2026, 4, 1, tzinfo=UTC), False),
        ("sap", "", dt.datetime(2026, 4, 1, tzinfo=UTC), False),
    ],
)
def test_a_mark_blocks_its_number_in_any_form_until_it_expires(
    programme: str, caller: str, at: dt.datetime, blocked: bool
) -> None:
    assert RULES.is_blocked(programme, caller, at) is blocked


def test_caller_numbers_are_read_in_e164_or_not_at_all() -> None:
    assert caller_e164("0692123456") == "+262692123456"
    assert caller_e164("3211") is None and caller_e164("caller") is None
