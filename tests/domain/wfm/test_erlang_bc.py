import math

import numpy as np
import pytest

from plateau.domain.wfm.erlang_bc import erlang_b, erlang_c
from plateau.domain.wfm.errors import InvalidParameter, UnstableQueue
from tests.domain.wfm.reference import erlang_b_recursion, erlang_c_recursion


@pytest.mark.parametrize(
    ("agents", "load"),
    # Classic Erlang B table, 2 % grade of service (loads rounded to 0.01 erlang in the tables).
    [(10, 5.08), (20, 13.18), (50, 40.26), (100, 87.97)],
)
def test_given_published_erlang_b_table_when_computing_blocking_then_about_two_percent(agents, load):
    assert abs(float(erlang_b(agents, load)) - 0.02) < 3e-4


def test_given_textbook_example_when_erlang_c_then_published_figures():
    # 360 calls/h, AHT 240 s (A = 24 E), 28 agents, T = 20 s: P(wait) 33.3 %, SL 76.1 %, ASA 20.0 s.
    r = erlang_c(28, 360 / 3600, 240, 20)
    assert float(r.p_wait) == pytest.approx(0.3331, abs=1e-4)
    assert float(r.service_level) == pytest.approx(0.7613, abs=1e-4)
    assert float(r.asa) == pytest.approx(19.99, abs=1e-2)
    assert float(r.occupancy) == pytest.approx(24 / 28)


@pytest.mark.parametrize(
    ("agents", "load"),
    [(1, 0.5), (2, 1.9), (10, 3.0), (30, 29.5), (100, 10.0), (100, 95.0), (1000, 980.0), (5000, 4990.0)],
)
def test_given_any_stable_point_when_erlang_c_then_matches_the_recursion(agents, load):
    r = erlang_c(agents, load / 100, 100)
    assert float(r.p_wait) == pytest.approx(erlang_c_recursion(agents, load), rel=1e-9)


@pytest.mark.parametrize(("agents", "load"), [(5000, 4000.0), (5000, 5000.0), (5000, 20000.0), (100, 10000.0)])
def test_given_large_n_or_overload_when_erlang_b_then_finite_and_exact(agents, load):
    b = float(erlang_b(agents, load))
    assert 0 < b < 1
    assert b == pytest.approx(erlang_b_recursion(agents, load), rel=1e-9)


def test_given_deep_overload_when_erlang_b_then_close_to_the_fluid_limit():
    # A >> N: all but N erlangs are lost, B ~ 1 - N/A.
    assert float(erlang_b(100, 1e6)) == pytest.approx(1 - 100 / 1e6, rel=1e-6)


def test_given_intervals_when_erlang_c_then_vectorised_like_pointwise():
    agents = np.array([12, 25, 40])
    rates = np.array([0.02, 0.05, 0.1])
    vec = erlang_c(agents, rates, 300, 20)
    for i in range(3):
        one = erlang_c(int(agents[i]), float(rates[i]), 300, 20)
        assert float(vec.service_level[i]) == pytest.approx(float(one.service_level), rel=1e-12)


def test_given_more_agents_when_erlang_c_then_service_improves_monotonically():
    r = erlang_c(np.arange(25, 80), 0.1, 240, 20)
    # Strictly better until the service level rounds to 1.0 in float64.
    assert np.all(np.diff(r.service_level) >= 0)
    assert np.all(np.diff(r.service_level[:12]) > 0)
    assert np.all(np.diff(r.asa) < 0)
    assert np.all(np.diff(r.p_wait) < 0)
    assert np.all((r.service_level >= 0) & (r.service_level <= 1))


def test_given_zero_volume_when_erlang_c_then_perfect_service_even_with_no_agent():
    r = erlang_c([0, 3], 0.0, 300, 20)
    assert r.p_wait.tolist() == [0.0, 0.0]
    assert r.service_level.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("agents", [24, 20, 1])
def test_given_n_not_above_load_when_erlang_c_then_unstable(agents):
    with pytest.raises(UnstableQueue):
        erlang_c(agents, 0.1, 240, 20)


def test_given_unstable_intervals_when_not_strict_then_flagged_and_nan():
    r = erlang_c([24, 30], 0.1, 240, 20, strict=False)
    assert r.stable.tolist() == [False, True]
    assert math.isnan(float(r.service_level[0]))
    assert 0 < float(r.service_level[1]) < 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"arrival_rate": -1.0, "aht": 240},
        {"arrival_rate": 0.1, "aht": 0.0},
        {"arrival_rate": 0.1, "aht": -5.0},
        {"arrival_rate": float("nan"), "aht": 240},
        {"arrival_rate": 0.1, "aht": float("inf")},
    ],
)
def test_given_bad_rates_when_erlang_c_then_invalid_parameter(kwargs):
    with pytest.raises(InvalidParameter):
        erlang_c(30, **kwargs)


def test_given_fractional_or_negative_agents_when_erlang_b_then_invalid_parameter():
    with pytest.raises(InvalidParameter):
        erlang_b(2.5, 1.0)
    with pytest.raises(InvalidParameter):
        erlang_b(-1, 1.0)
