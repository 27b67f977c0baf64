"""Differential regression test: the simulation driver gives exactly the days it gave before its speed-up.

The digests below were recorded with the driver of commit 8a590bd (before the performance work), over
scenarios that exercise every branch of the driver: ring time, staffing changes (log in, pause, resume, log
out), wrap-up, skills, callbacks, voicemail and queue overflow, widening targets. A digest covers every
tally array (exact float bytes) and every input event applied to the engine (its repr, in order). A mismatch
means the simulation no longer plays the same day for the same seed.

Issue 19 changed the staffing-decrease rule (idle advisors leave first, then the first to become free): the
three scenarios above all lower staffing, so their digests were recorded again with the new rule. Days whose
staffing never drops (constant, or only rising) must not change: their digests (``CONSTANT_DIGESTS``) were
recorded with the driver as it was before the new rule. The digest covers the tally fields that existed then
(``DIGEST_FIELDS``); fields added later are checked by their own tests.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import replace

import pytest

from plateau.domain.routing import AdvisorProfile, Overflow, QueueConfig, RoutingConfig, SkillRequirement, Target
from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import ADDED_LATER  # fields added after the digests were recorded
from plateau.domain.wfm.simulation import (
    Distribution,
    SimulationSpec,
    Stream,
    Tally,
    simulate_once,
    single_queue_config,
)

DIGEST_FIELDS = (
    "offered",
    "answered",
    "answered_in_t",
    "abandoned",
    "abandoned_in_t",
    "deflected",
    "callbacks",
    "wait_answered",
    "wait_all",
    "busy_s",
    "staffed_s",
)


def _digest(tally: Tally, journal: list[ev.RoutingEvent]) -> str:
    h = hashlib.sha256()
    for name in DIGEST_FIELDS:
        h.update(getattr(tally, name).tobytes())
    for event in journal:
        h.update(_recorded_repr(event).encode())
    return h.hexdigest()[:24]


def _recorded_repr(event: ev.RoutingEvent) -> str:
    """The dataclass repr the digests were recorded with: fields added later are left out while at their default,
    so a new field does not re-record the days; a simulation that sets one still changes its digest."""
    shown = (
        f"{f.name}={getattr(event, f.name)!r}"
        for f in dataclasses.fields(event)
        if f.repr and not (f.name in ADDED_LATER and getattr(event, f.name) == f.default)
    )
    return f"{type(event).__qualname__}({', '.join(shown)})"


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


# Re-recorded with the issue 19 decrease rule (every one of these days lowers staffing).
DIGESTS = {
    ("erlang", 1): "71bd8003b5aff500e7516916",
    ("erlang", 2): "4d473993b21d0a89411a4701",
    ("ringing", 3): "1f3f2550a72c24256e6685b6",
    ("skills_and_overflow", 4): "8d442e38b417e33759bdb37e",
    ("skills_and_overflow", 5): "79bb76c47df0b73c2bd3ee71",
}
SCENARIOS = {"erlang": _erlang, "ringing": _ringing, "skills_and_overflow": _skills_and_overflow}


@pytest.mark.parametrize(("scenario", "seed"), sorted(DIGESTS))
def test_given_a_seeded_day_when_simulated_then_tallies_and_engine_inputs_are_the_recorded_ones(scenario, seed):
    spec, seed = SCENARIOS[scenario](seed)
    journal: list[ev.RoutingEvent] = []
    tally = simulate_once(spec, seed, journal=journal)

    assert tally.events == len(journal)
    assert _digest(tally, journal) == DIGESTS[(scenario, seed)]


# Recorded before the new decrease rule: staffing that never drops gives exactly the same days.
CONSTANT_DIGESTS = {
    ("erlang", 1, None): "b809b926fcd0078ffcf1dbf7",
    ("erlang", 1, (31, 34, 37, 40)): "de6ba3341b8728ab3a49f2b5",
    ("ringing", 3, None): "6d9f1e7535ff61e470ba1241",
    ("ringing", 3, (6, 9, 12)): "40cfecfb950ca72253f1a3b0",
    ("skills_and_overflow", 4, None): "d0bb6ec700bd7098362f87b3",
    ("skills_and_overflow", 4, (8, 11, 14)): "b3aa7f5498323a65e014245a",
}


@pytest.mark.parametrize(("scenario", "seed", "staffing"), sorted(CONSTANT_DIGESTS, key=str))
def test_given_staffing_that_never_drops_when_simulated_then_the_day_is_the_one_recorded_before_the_new_rule(
    scenario, seed, staffing
):
    spec, seed = SCENARIOS[scenario](seed)
    spec = replace(spec, staffing=staffing)
    journal: list[ev.RoutingEvent] = []
    tally = simulate_once(spec, seed, journal=journal)

    assert tally.events == len(journal)
    assert _digest(tally, journal) == CONSTANT_DIGESTS[(scenario, seed, staffing)]
