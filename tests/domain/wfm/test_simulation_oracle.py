"""Differential regression test: the simulation driver gives exactly the days it gave before its speed-up.

The digests below were recorded with the driver of commit 8a590bd (before the performance work), over
scenarios that exercise every branch of the driver: ring time, staffing changes (log in, pause, resume, log
out), wrap-up, skills, callbacks, voicemail and queue overflow, widening targets. A digest covers every
tally array (exact float bytes) and every input event applied to the engine (its repr, in order). A mismatch
means the simulation no longer plays the same day for the same seed.
"""

from __future__ import annotations

import hashlib

import pytest

from plateau.domain.routing import AdvisorProfile, Overflow, QueueConfig, RoutingConfig, SkillRequirement, Target
from plateau.domain.routing import events as ev
from plateau.domain.wfm.simulation import (
    TALLY_FIELDS,
    Distribution,
    SimulationSpec,
    Stream,
    Tally,
    simulate_once,
    single_queue_config,
)


def _digest(tally: Tally, journal: list[ev.RoutingEvent]) -> str:
    h = hashlib.sha256()
    for name in TALLY_FIELDS:
        h.update(getattr(tally, name).tobytes())
    for event in journal:
        h.update(repr(event).encode())
    return h.hexdigest()[:24]


def _erlang(seed: int) -> tuple[SimulationSpec, int]:
    spec = SimulationSpec(
        single_queue_config(40),
        (Stream("file", (300.0, 500.0, 420.0, 200.0)),),
        staffing=(30, 40, 34, 20),
    )
    return spec, seed


def _ringing(seed: int) -> tuple[SimulationSpec, int]:
    spec = SimulationSpec(
        single_queue_config(12, wrap_up_s=15.0),
        (Stream("file", (90.0, 150.0, 60.0), Distribution("lognormal", 240.0, 0.8), Distribution("gamma", 90.0, 0.6)),),
        staffing=(12, 8, 10),
        ring_s=4.0,
    )
    return spec, seed


def _skills_and_overflow(seed: int) -> tuple[SimulationSpec, int]:
    accueil = QueueConfig(
        "accueil",
        "p",
        targets=(Target((SkillRequirement("expert", 3),), timeout_s=30.0), Target(())),
        overflow=Overflow("callback"),
        overflow_after_s=90.0,
        wrap_up_s=10.0,
    )
    urgences = QueueConfig("urgences", "p", overflow=Overflow("voicemail"), overflow_after_s=45.0)
    advisors = tuple(
        AdvisorProfile(f"c{i:02d}", programmes=("p",), skills=(("expert", 4),) if i % 3 == 0 else (("en", 2),))
        for i in range(14)
    )
    config = RoutingConfig(queues=(accueil, urgences), advisors=advisors, skills=("expert", "en"))
    streams = (
        Stream(
            "accueil",
            (100.0, 160.0, 80.0),
            needs=(((), 0.8), (("en",), 0.2)),
            callback_acceptance=0.6,
            callback_delay_s=120.0,
            callback_window_s=1800.0,
        ),
        Stream("urgences", (40.0, 60.0, 30.0), Distribution("exponential", 180.0), Distribution("none")),
    )
    return SimulationSpec(config, streams, staffing=(14, 9, 12)), seed


DIGESTS = {
    ("erlang", 1): "eb1b00fc32515d5e4eb0daf4",
    ("erlang", 2): "d2915cd0d6025836951452b3",
    ("ringing", 3): "71a210910392c7f2abf57945",
    ("skills_and_overflow", 4): "0bcf9cd0b789a622589baf27",
    ("skills_and_overflow", 5): "eb37c87c0cf8b053634c5608",
}
SCENARIOS = {"erlang": _erlang, "ringing": _ringing, "skills_and_overflow": _skills_and_overflow}


@pytest.mark.parametrize(("scenario", "seed"), sorted(DIGESTS))
def test_given_a_seeded_day_when_simulated_then_tallies_and_engine_inputs_are_the_recorded_ones(scenario, seed):
    spec, seed = SCENARIOS[scenario](seed)
    journal: list[ev.RoutingEvent] = []
    tally = simulate_once(spec, seed, journal=journal)

    assert tally.events == len(journal)
    assert _digest(tally, journal) == DIGESTS[(scenario, seed)]
