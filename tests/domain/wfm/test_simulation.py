"""The simulation through the real routing engine agrees with Erlang C and A where their assumptions hold.

Every run uses fixed seeds, so these tests are deterministic; the tolerances are a few standard errors of the
replication means (a simulation that ignored patience, routing or the staffing plan would be far outside).
"""

import math

import numpy as np
import pytest

from plateau.domain.routing import AdvisorProfile, Overflow, QueueConfig, RoutingConfig
from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.erlang_bc import erlang_c
from plateau.domain.wfm.errors import InvalidParameter
from plateau.domain.wfm.simulation import (
    Distribution,
    SimulationSpec,
    Stream,
    confidence_interval,
    replicate,
    replication_seeds,
    simulate_once,
    single_queue_config,
    summarise,
)

AHT = 300.0
NEVER = Distribution("none")


def _steady(agents: int, load: float, patience: Distribution, reps: int = 4, intervals: int = 9):
    rate = load / AHT
    spec = SimulationSpec(single_queue_config(agents), (Stream("file", (rate * 1800,) * intervals, patience=patience),))
    return summarise(replicate(spec, replication_seeds(7, reps)), skip=1).day, rate


def test_given_erlang_c_assumptions_when_simulating_then_service_level_asa_and_occupancy_match():
    day, rate = _steady(30, 25.0, NEVER)
    exact = erlang_c(30, rate, AHT, 20)
    assert day["abandon_rate"].mean == 0
    assert day["sl_offered"].mean == pytest.approx(float(exact.service_level), abs=0.03)
    assert day["asa"].mean == pytest.approx(float(exact.asa), rel=0.25)
    assert day["occupancy"].mean == pytest.approx(float(exact.occupancy), abs=0.02)
    assert day["sl_offered"].low <= float(exact.service_level) <= day["sl_offered"].high
    # Probability of waiting: Erlang C's C (0.37 here), within 0.03 and inside the CI; nobody hangs up, so the
    # share of all calls that waited is the share of answered calls that waited.
    assert day["p_wait_answered"].mean == pytest.approx(float(exact.p_wait), abs=0.03)
    assert day["p_wait_answered"].low <= float(exact.p_wait) <= day["p_wait_answered"].high
    assert day["p_wait"].mean == day["p_wait_answered"].mean


def test_given_erlang_a_overload_when_simulating_then_abandonment_service_level_and_asa_match():
    day, rate = _steady(30, 33.0, Distribution("exponential", 120.0))
    exact = erlang_a(30, rate, AHT, 120.0, 20)
    assert day["abandon_rate"].mean == pytest.approx(float(exact.p_abandon), abs=0.015)
    assert day["sl_offered"].mean == pytest.approx(float(exact.sl_offered), abs=0.03)
    assert day["sl_answered"].mean == pytest.approx(float(exact.sl_answered), abs=0.03)
    assert day["asa"].mean == pytest.approx(float(exact.asa), rel=0.1)
    assert day["occupancy"].mean == pytest.approx(float(exact.occupancy), abs=0.02)
    assert day["p_wait"].mean == pytest.approx(float(exact.p_wait), abs=0.03)  # Erlang A's P(W > 0)


def test_given_ring_time_when_a_call_is_offered_on_arrival_then_it_did_not_wait():
    # A light load: most calls find an idle advisor; the ring time is not a wait in the queue.
    spec = SimulationSpec(single_queue_config(20), (Stream("file", (80.0, 80.0)),), ring_s=4.0)  # 13 erlangs
    tally = simulate_once(spec, 3)
    assert tally.answered.sum() > 100
    assert tally.answered_waited.sum() < 0.05 * tally.answered.sum()
    assert tally.kpis()["p_wait_answered"] < 0.05


def test_given_two_language_pools_when_skills_route_then_each_behaves_as_its_own_erlang_c_group():
    """Contacts need ``fr`` or ``en``; 15 advisors speak each: two independent M/M/15 queues."""
    queue = QueueConfig("file", "programme", service_level_s=20)
    advisors = tuple(
        AdvisorProfile(f"c{i:03d}", skills=(("fr" if i < 15 else "en", 3),), programmes=("programme",))
        for i in range(30)
    )
    config = RoutingConfig(skills=("fr", "en"), queues=(queue,), advisors=advisors)
    rate = 2 * 12.0 / AHT
    stream = Stream("file", (rate * 1800,) * 9, patience=NEVER, needs=((("fr",), 1.0), (("en",), 1.0)))
    day = summarise(replicate(SimulationSpec(config, (stream,)), replication_seeds(3, 4)), skip=1).day
    exact = erlang_c(15, rate / 2, AHT, 20)
    pooled = erlang_c(30, rate, AHT, 20)
    assert day["sl_offered"].mean == pytest.approx(float(exact.service_level), abs=0.05)
    assert day["sl_offered"].low <= float(exact.service_level) <= day["sl_offered"].high
    assert day["occupancy"].mean == pytest.approx(float(exact.occupancy), abs=0.02)
    assert float(pooled.service_level) - day["sl_offered"].mean > 0.05  # not pooled: skills really restrict


def test_given_same_seed_when_simulating_twice_then_identical_tallies():
    spec = SimulationSpec(single_queue_config(5), (Stream("file", (40.0, 60.0)),))
    a, b = simulate_once(spec, 11), simulate_once(spec, 11)
    assert np.array_equal(a.answered, b.answered) and np.array_equal(a.wait_all, b.wait_all)
    assert not np.array_equal(a.wait_all, simulate_once(spec, 12).wait_all)


def test_given_nobody_staffed_in_an_interval_when_simulating_then_its_callers_hang_up():
    spec = SimulationSpec(
        single_queue_config(10),
        (Stream("file", (40.0, 40.0, 40.0), patience=Distribution("deterministic", 60.0)),),
        staffing=(10, 0, 10),
    )
    t = simulate_once(spec, 5)
    assert t.abandoned[1] / t.offered[1] > 0.9
    assert t.abandoned[0] / t.offered[0] < 0.25
    assert t.staffed_s.tolist() == [18000.0, 0.0, 18000.0]
    # Everyone is accounted for: answered or abandoned (no callbacks or overflow configured).
    assert (t.answered + t.abandoned == t.offered).all()


def test_given_callback_overflow_when_callers_accept_then_nobody_abandons_and_callbacks_are_counted():
    queue = QueueConfig("file", "programme", overflow=Overflow("callback"), overflow_after_s=30.0)
    config = RoutingConfig(queues=(queue,), advisors=single_queue_config(8).advisors)
    stream = Stream("file", (120.0, 120.0), patience=Distribution("exponential", 600.0), callback_acceptance=1.0)
    t = simulate_once(SimulationSpec(config, (stream,)), 2)
    assert t.callbacks.sum() > 0
    assert (t.answered + t.abandoned + t.callbacks == t.offered).all()
    assert t.abandoned.sum() < 0.05 * t.offered.sum()  # waiting callers leave the line at 30 s


def test_given_voicemail_overflow_when_queue_is_long_then_contacts_are_deflected():
    queue = QueueConfig("file", "programme", overflow=Overflow("voicemail"), overflow_after_s=10.0)
    config = RoutingConfig(queues=(queue,), advisors=single_queue_config(3).advisors)
    t = simulate_once(SimulationSpec(config, (Stream("file", (100.0,), patience=NEVER),)), 1)
    assert t.deflected.sum() > 0
    assert (t.answered + t.deflected == t.offered).all()
    assert t.kpis()["sl_answered"] == 1.0  # nobody answered waited more than the 10 s before voicemail


def test_given_known_values_when_confidence_interval_then_student_t():
    ci = confidence_interval([1.0, 2.0, 3.0])
    assert ci.mean == 2.0
    assert ci.half_width == pytest.approx(4.302653 / math.sqrt(3), rel=1e-6)
    assert math.isnan(confidence_interval([1.0]).low)


def test_given_more_advisors_than_configured_when_simulating_then_refused():
    spec = SimulationSpec(single_queue_config(2), (Stream("file", (10.0,)),), staffing=(3,))
    with pytest.raises(InvalidParameter):
        simulate_once(spec)
    with pytest.raises(InvalidParameter):
        simulate_once(SimulationSpec(single_queue_config(2), (Stream("nulle-part", (10.0,)),)))


def test_given_overflow_to_a_backup_queue_when_the_first_team_is_busy_then_backup_answers_after_the_delay():
    first = QueueConfig("accueil", "p1", overflow=Overflow("queue", "renfort"), overflow_after_s=30.0)
    backup = QueueConfig("renfort", "p2")
    advisors = (
        AdvisorProfile("a1", programmes=("p1",)),
        AdvisorProfile("b1", programmes=("p2",)),
        AdvisorProfile("b2", programmes=("p2",)),
    )
    config = RoutingConfig(queues=(first, backup), advisors=advisors)
    spec = SimulationSpec(config, (Stream("accueil", (30.0,), patience=NEVER),), answer_time_s=29.0)
    t = simulate_once(spec, 4)
    assert t.answered.sum() == t.offered.sum()  # nobody hangs up, overflow keeps the contact in the engine
    assert t.answered_in_t.sum() < t.answered.sum()  # some waited the 30 s before the backup pool
    assert t.busy_s.sum() > 0 and t.staffed_s.sum() == 3 * 1800
    alone = RoutingConfig(queues=(QueueConfig("accueil", "p1"), backup), advisors=advisors)
    without = simulate_once(SimulationSpec(alone, spec.streams, answer_time_s=29.0), 4)
    assert t.kpis()["asa"] < without.kpis()["asa"] / 3  # the backup pool really takes overflowed contacts
