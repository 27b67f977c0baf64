import numpy as np
import pytest

from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.erlang_bc import erlang_c
from plateau.domain.wfm.errors import InfeasibleTarget, InvalidParameter
from plateau.domain.wfm.staffing import Target, max_arrival_rate, staff_erlang_a, staff_erlang_c

SL_80_20 = Target(service_level=0.8, answer_time=20)


def test_given_textbook_example_when_staffing_80_20_then_29_agents():
    assert staff_erlang_c(0.1, 240, SL_80_20).tolist() == 29


@pytest.mark.parametrize("load", [0.3, 2.5, 10.49, 10.5, 10.51, 99.7, 480.5, 4990.2])
def test_given_any_load_when_staffing_erlang_c_then_smallest_n_meeting_the_target(load):
    n = int(staff_erlang_c(load / 300, 300, SL_80_20))
    assert float(erlang_c(n, load / 300, 300, 20).service_level) >= 0.8
    if n - 1 > load:
        assert float(erlang_c(n - 1, load / 300, 300, 20).service_level) < 0.8


@pytest.mark.parametrize(
    "target",
    [
        SL_80_20,
        Target(max_asa=15),
        Target(max_abandon=0.05),
        Target(service_level=0.9, answer_time=30, max_abandon=0.02),
    ],
)
@pytest.mark.parametrize("load", [0.4, 8.0, 150.0, 1000.0])
def test_given_any_target_when_staffing_erlang_a_then_n_passes_and_n_minus_1_fails(target, load):
    rate = load / 300
    n = int(staff_erlang_a(rate, 300, 120, target))

    def meets(agents: int) -> bool:
        r = erlang_a(agents, rate, 300, 120, target.answer_time)
        ok = True
        if target.service_level is not None:
            ok &= float(r.sl_offered) >= target.service_level
        if target.max_asa is not None:
            ok &= float(r.asa) <= target.max_asa
        if target.max_abandon is not None:
            ok &= float(r.p_abandon) <= target.max_abandon
        return ok

    assert meets(n)
    assert n == 1 or not meets(n - 1)


def test_given_overload_and_abandonment_target_when_staffing_erlang_a_then_below_the_offered_load():
    # 1,000 erlangs, patient enough callers: losing 15 % of calls needs fewer agents than the load.
    n = int(staff_erlang_a(1000 / 300, 300, 120, Target(max_abandon=0.15)))
    assert n < 1000
    assert float(erlang_a(n - 1, 1000 / 300, 300, 120).p_abandon) > 0.15


def test_given_zero_volume_intervals_when_staffing_then_zero_agents():
    rates = np.array([0.0, 0.1, 0.0])
    assert staff_erlang_c(rates, 240, SL_80_20).tolist() == [0, 29, 0]
    assert staff_erlang_a(rates, 240, 120, SL_80_20)[[0, 2]].tolist() == [0, 0]


def test_given_96_intervals_when_staffing_then_same_as_one_by_one():
    rates = np.linspace(0.0, 2.0, 96)
    vec = staff_erlang_c(rates, 300, SL_80_20)
    assert vec.tolist() == [int(staff_erlang_c(r, 300, SL_80_20)) for r in rates]


@pytest.mark.parametrize(
    "target",
    [Target(service_level=1.0, answer_time=0), Target(service_level=1.0, answer_time=20), Target(max_asa=0.0)],
)
def test_given_impossible_target_when_staffing_then_infeasible(target):
    with pytest.raises(InfeasibleTarget):
        staff_erlang_c(0.1, 240, target)
    with pytest.raises(InfeasibleTarget):
        staff_erlang_a(0.1, 240, 120, target)


def test_given_no_target_or_abandonment_in_erlang_c_when_staffing_then_invalid():
    with pytest.raises(InvalidParameter):
        staff_erlang_c(0.1, 240, Target())
    with pytest.raises(InvalidParameter):
        staff_erlang_c(0.1, 240, Target(max_abandon=0.1))


def test_given_a_cap_when_target_needs_more_agents_then_infeasible():
    with pytest.raises(InfeasibleTarget):
        staff_erlang_c(10.0, 300, SL_80_20, max_agents=100)


@pytest.mark.parametrize("patience", [None, 120.0])
def test_given_n_agents_when_max_arrival_rate_then_tight(patience):
    rate = float(max_arrival_rate(28, 240, SL_80_20, patience=patience))
    if patience is None:
        assert float(erlang_c(28, rate, 240, 20).service_level) >= 0.8
        assert float(erlang_c(28, rate * 1.0001, 240, 20).service_level) < 0.8
    else:
        assert float(erlang_a(28, rate, 240, patience, 20).sl_offered) >= 0.8
        assert float(erlang_a(28, rate * 1.0001, 240, patience, 20).sl_offered) < 0.8
    assert float(max_arrival_rate(0, 240, SL_80_20, patience=patience)) == 0.0


def test_given_an_occupancy_cap_when_staffing_erlang_c_then_exactly_the_cap():
    # 10 erlangs, occupancy <= 50 %: 20 agents (80/20 alone needs far fewer).
    assert int(staff_erlang_c(10 / 300, 300, Target(max_occupancy=0.5))) == 20
    assert int(staff_erlang_c(10 / 300, 300, Target(max_occupancy=0.49))) == 21


def test_given_a_target_no_rate_can_break_when_max_arrival_rate_then_infinite():
    # With abandonment, occupancy never exceeds 100 %: any arrival rate meets a 100 % cap.
    rates = max_arrival_rate([5, 28], 240, Target(max_occupancy=1.0), patience=120.0)
    assert np.isinf(rates).all()
