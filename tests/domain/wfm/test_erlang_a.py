import numpy as np
import pytest

from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.erlang_bc import erlang_c
from plateau.domain.wfm.errors import InvalidParameter
from tests.domain.wfm.reference import erlang_a_chain

CASES = [
    (5, 0.02, 300, 120, 20),  # overload: N < A
    (20, 0.1, 240, 120, 20),
    (28, 0.1, 240, 120, 20),
    (10, 0.1, 300, 60, 30),
    (10, 0.002, 100, 100_000, 20),  # very patient callers: the Kummer-function branch
    (3, 0.001, 300, 600, 0),
    (1, 0.5, 300, 30, 10),  # one agent, 150 erlangs offered
]


@pytest.mark.parametrize("case", CASES)
def test_given_a_point_when_erlang_a_then_matches_the_birth_death_chain(case):
    r = erlang_a(*case)
    ref = erlang_a_chain(*case)
    for name in ("p_wait", "p_abandon", "sl_offered", "sl_handled"):
        assert float(getattr(r, name)) == pytest.approx(getattr(ref, name), abs=1e-9), name
    assert float(r.asa) == pytest.approx(ref.asa, rel=1e-9)


def test_given_very_long_patience_when_erlang_a_then_tends_to_erlang_c():
    a = erlang_a(30, 0.1, 240, 1e9, 20)
    c = erlang_c(30, 0.1, 240, 20)
    assert float(a.p_wait) == pytest.approx(float(c.p_wait), abs=1e-6)
    assert float(a.sl_offered) == pytest.approx(float(c.service_level), abs=1e-6)
    assert float(a.asa) == pytest.approx(float(c.asa), rel=1e-5)
    assert float(a.p_abandon) < 1e-6


def test_given_the_launch_day_when_fewer_agents_than_load_then_stable_and_mostly_abandoned():
    # 80,000 calls in 10 h, 80 advisors, 5-minute calls, callers hang up after ~2 minutes: A ~ 667 erlangs.
    r = erlang_a(80, 80_000 / 36_000, 300, 120, 20)
    assert 0.85 < float(r.p_abandon) < 0.9  # ~ 1 - N/A in deep overload
    assert float(r.occupancy) == pytest.approx(1.0, abs=1e-3)
    assert 0 <= float(r.sl_offered) <= float(r.sl_answered) <= 1


def test_given_n_5000_and_heavy_overload_when_erlang_a_then_finite_probabilities():
    r = erlang_a([5000, 5000, 5000, 1000], [4990 / 300, 6000 / 300, 50_000 / 300, 2000 / 300], 300, 180, 20)
    for name in ("p_wait", "p_abandon", "sl_offered", "sl_answered", "sl_handled", "occupancy"):
        values = getattr(r, name)
        assert np.all(np.isfinite(values)) and np.all((values >= 0) & (values <= 1)), name
    assert np.all(np.isfinite(r.asa))
    assert float(r.p_abandon[2]) == pytest.approx(1 - 5000 / 50_000, abs=2e-3)


def test_given_more_agents_when_erlang_a_then_every_metric_improves():
    r = erlang_a(np.arange(1, 60), 0.1, 240, 90, 20)
    assert np.all(np.diff(r.p_abandon) < 0)
    assert np.all(np.diff(r.p_wait) < 0)
    assert np.all(np.diff(r.sl_offered) > 0)
    assert np.all(np.diff(r.sl_handled) > 0)
    assert np.all(np.diff(r.asa) < 0)


def test_given_zero_volume_when_erlang_a_then_nothing_waits():
    r = erlang_a(0, 0.0, 300, 120, 20)
    assert (float(r.p_wait), float(r.p_abandon), float(r.sl_offered)) == (0.0, 0.0, 1.0)


@pytest.mark.parametrize(
    "args",
    [(0, 0.1, 240, 120), (5, 0.1, 240, 0.0), (5, 0.1, 240, -3.0), (5, -0.1, 240, 120), (5, 0.1, float("nan"), 120)],
)
def test_given_bad_input_when_erlang_a_then_invalid_parameter(args):
    with pytest.raises(InvalidParameter):
        erlang_a(*args)
