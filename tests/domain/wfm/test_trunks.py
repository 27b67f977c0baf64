"""Trunk sizing against published Erlang B tables (traffic in erlangs carried at a grade of service)."""

from __future__ import annotations

import pytest

from plateau.domain.wfm.errors import InfeasibleTarget, InvalidParameter
from plateau.domain.wfm.trunks import (
    blocking_probability,
    channel_load,
    lines_for_blocking,
    max_load,
    size_trunks,
)

# (lines, blocking target, erlangs carried) from the standard Erlang B table, three decimals.
ERLANG_B_TABLE = [
    (1, 0.01, 0.010),
    (2, 0.01, 0.153),
    (5, 0.01, 1.361),
    (10, 0.01, 4.461),
    (20, 0.01, 12.031),
    (30, 0.01, 20.337),
    (50, 0.01, 37.901),
    (100, 0.01, 84.064),
    (10, 0.02, 5.084),
    (20, 0.02, 13.182),
    (50, 0.02, 40.255),
    (10, 0.001, 3.092),
    (20, 0.001, 9.411),
    (10, 0.05, 6.216),
    (20, 0.05, 15.249),
]


@pytest.mark.parametrize(("lines", "blocking", "erlangs"), ERLANG_B_TABLE)
def test_given_lines_and_a_grade_of_service_when_max_load_then_the_erlang_b_table_value(lines, blocking, erlangs):
    assert max_load(lines, blocking) == pytest.approx(erlangs, abs=5e-4)


@pytest.mark.parametrize(("lines", "blocking", "erlangs"), ERLANG_B_TABLE)
def test_given_the_table_load_when_lines_for_blocking_then_the_table_lines(lines, blocking, erlangs):
    # The table's load (rounded down a little) needs exactly the table's lines: one fewer blocks too much.
    load = erlangs - 1e-3
    assert lines_for_blocking(load, blocking) == lines
    assert blocking_probability(lines, load) <= blocking < blocking_probability(lines - 1, load)


@pytest.mark.parametrize(
    ("lines", "load", "expected"),
    [(0, 3.0, 1.0), (1, 1.0, 0.5), (2, 1.0, 0.2), (10, 5.0, 0.018385), (3, 2.0, 4 / 19)],
)
def test_given_known_cases_when_blocking_probability_then_erlang_b(lines, load, expected):
    assert blocking_probability(lines, load) == pytest.approx(expected, rel=1e-4)


def test_given_calls_in_the_menu_and_the_queue_when_sizing_then_they_hold_channels_too():
    # 500 calls an hour, 30 s of menu, 40 s waiting on average, 4 min of talk.
    rate = 500 / 3600
    advisors_only = size_trunks(rate, 240.0, 0.01)
    whole = size_trunks(rate, 240.0, 0.01, ivr_s=30.0, wait_s=40.0)
    assert whole.load == pytest.approx(rate * 310.0)
    assert channel_load(rate, 240.0, ivr_s=30.0, wait_s=40.0) == whole.load
    assert whole.lines > advisors_only.lines
    assert whole.blocking <= 0.01 < blocking_probability(whole.lines - 1, whole.load)


def test_given_no_traffic_when_sizing_then_no_line():
    assert lines_for_blocking(0.0, 0.01) == 0 and max_load(0, 0.01) == 0.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: lines_for_blocking(10.0, 0.0),
        lambda: lines_for_blocking(10.0, 1.0),
        lambda: lines_for_blocking(-1.0, 0.01),
        lambda: lines_for_blocking(float("inf"), 0.01),
        lambda: max_load(-1, 0.01),
        lambda: blocking_probability(-2, 1.0),
        lambda: channel_load(0.1, -5.0),
    ],
)
def test_given_bad_input_when_sizing_then_a_clear_error(call):
    with pytest.raises(InvalidParameter):
        call()


def test_given_an_absurd_load_when_sizing_then_infeasible():
    with pytest.raises(InfeasibleTarget):
        lines_for_blocking(1e9, 0.01, max_lines=1000)
