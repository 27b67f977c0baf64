"""The single-queue fast path gives exactly the tallies of the routing engine, seed for seed.

Every tally array is compared to the bit, and the count of engine input events the driver would apply; the
days cover staffing that rises, drops (idle advisors and owed departures), drops to zero and comes back, no
plan at all, callers who never hang up, and deterministic durations (ties in time, broken as the driver does).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from plateau.domain.routing import AdvisorProfile, Overflow, QueueConfig, RoutingConfig, Strategy
from plateau.domain.wfm import _single_queue
from plateau.domain.wfm.simulation import (
    TALLY_FIELDS,
    Distribution,
    SimulationSpec,
    Stream,
    simulate_once,
    single_queue_config,
)

EXP = Distribution("exponential", 180.0)
PATIENT = Distribution("exponential", 120.0)


def _spec(volumes, staffing, handling=EXP, patience=PATIENT, advisors=None):
    size = advisors or max(staffing or (1,))
    return SimulationSpec(
        single_queue_config(size, service_level_s=20.0),
        (Stream("file", volumes, handling, patience),),
        staffing=staffing,
    )


DAYS = {
    "rises and drops": _spec((300.0, 500.0, 420.0, 200.0, 260.0), (30, 45, 34, 20, 28)),
    "drop to zero and back": _spec((400.0, 400.0, 400.0, 400.0), (40, 0, 25, 45)),
    "no plan": _spec((300.0, 300.0), None, advisors=32),
    "never hang up": _spec((250.0, 250.0, 250.0), (30, 26, 28), patience=Distribution("none")),
    "deterministic ties": _spec(
        (200.0, 300.0, 100.0, 300.0),
        (12, 0, 20, 8),
        handling=Distribution("deterministic", 240.0),
        patience=Distribution("deterministic", 90.0),
    ),
    "lognormal handling": _spec((500.0, 500.0, 500.0), (55, 40, 60), handling=Distribution("lognormal", 200.0, 1.5)),
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", sorted(DAYS))
def test_given_a_single_queue_day_when_played_fast_then_tallies_are_the_engines_to_the_bit(name, seed):
    spec = DAYS[name]
    assert _single_queue.applies(spec)
    engine = simulate_once(spec, seed, fast=False)
    fast = simulate_once(spec, seed)

    assert engine.offered.sum() > 0 and engine.answered.sum() > 0
    for field in TALLY_FIELDS:
        assert np.array_equal(getattr(fast, field), getattr(engine, field)), field
    assert fast.events == engine.events


def _with_queue(spec: SimulationSpec, **changes: object) -> SimulationSpec:
    queue = replace(spec.config.queues[0], **changes)
    return replace(spec, config=replace(spec.config, queues=(queue,)))


@pytest.mark.parametrize(
    "variant",
    [
        lambda s: replace(s, ring_s=3.0),
        lambda s: _with_queue(s, wrap_up_s=10.0),
        lambda s: _with_queue(s, strategy=Strategy.RING_ALL),
        lambda s: _with_queue(s, overflow=Overflow("voicemail"), overflow_after_s=60.0),
        lambda s: replace(s, streams=(replace(s.streams[0], needs=((("fr",), 1.0),)),)),
        lambda s: replace(
            s,
            config=RoutingConfig(
                queues=s.config.queues,
                advisors=tuple(
                    AdvisorProfile(a.advisor_id, programmes=("programme",), capacity=(("call", 2),))
                    for a in s.config.advisors
                ),
            ),
        ),
        lambda s: replace(
            s,
            config=RoutingConfig(
                queues=(*s.config.queues, QueueConfig("autre", "programme")), advisors=s.config.advisors
            ),
        ),
    ],
    ids=["ring time", "wrap-up", "ring-all", "overflow", "skills", "two calls at once", "two queues"],
)
def test_given_what_only_the_engine_models_when_simulated_then_the_engine_plays_the_day(variant):
    assert not _single_queue.applies(variant(DAYS["rises and drops"]))
