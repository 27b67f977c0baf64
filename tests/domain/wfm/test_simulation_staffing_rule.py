"""The staffing-decrease rule of the simulation against an independent event-list simulation.

The reference below knows nothing of the routing engine: one FCFS queue, a count of free advisors, and the
standard rule when the plan drops at an interval boundary — idle advisors leave first, and when busy ones must
go, the first to become free leaves. It draws the day from the same seed in the same order as the simulation
(Poisson counts per interval, uniform times, exponential handling and patience), so the two must agree call
by call: the same tallies, not only close ones. Both the routing engine and the single-queue fast path are checked.
"""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from plateau.domain.wfm.simulation import Distribution, SimulationSpec, Stream, simulate_once, single_queue_config

INTERVAL_S = 1800.0
ANSWER_S = 20.0


def _reference_day(
    volumes: tuple[float, ...], staffing: tuple[int, ...], aht: float, patience: float, seed: int
) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(np.asarray(volumes))
    n = int(counts.sum())
    times = INTERVAL_S * (np.repeat(np.arange(len(counts)), counts) + rng.random(n))
    rng.choice(1, size=n, p=[1.0])  # the skill-set draw of the simulation (one set here)
    handle = rng.exponential(aht, n)
    wait_limit = rng.exponential(patience, n)
    rng.random(n)  # the callback-acceptance draw (nobody is offered one here)
    order = np.argsort(times, kind="stable")
    times, handle, wait_limit = times[order].tolist(), handle[order].tolist(), wait_limit[order].tolist()

    free, owed = 0, 0  # advisors on duty with nothing in hand; departures due at the next completions
    queue: list[int] = []  # waiting callers, first come first served
    gone: set[int] = set()  # callers who hung up
    answered_wait: dict[int, float] = {}
    abandoned_wait: dict[int, float] = {}
    events: list[tuple[float, int, int, int]] = []  # (time, order, kind, caller); kinds below
    change, arrive, complete, hang_up = 0, 1, 2, 3
    for k in range(1, len(staffing)):
        heapq.heappush(events, (k * INTERVAL_S, k, change, k))
    for i, t in enumerate(times):
        heapq.heappush(events, (t, len(staffing) + i, arrive, i))
    seq = len(staffing) + n
    on_duty = free = staffing[0]

    def answer(i: int, now: float) -> None:
        nonlocal seq, free
        free -= 1
        answered_wait[i] = now - times[i]
        seq += 1
        heapq.heappush(events, (now + handle[i], seq, complete, i))

    def next_waiting() -> int | None:
        while queue:
            i = queue.pop(0)
            if i not in gone:
                return i
        return None

    while events:
        now, _, kind, i = heapq.heappop(events)
        if kind == change:
            target = staffing[i]
            while on_duty < target:  # cancel owed departures first, then new advisors log in
                on_duty += 1
                if owed:
                    owed -= 1
                else:
                    free += 1
                    j = next_waiting()
                    if j is not None:
                        answer(j, now)
            while on_duty > target:
                on_duty -= 1
                if free:
                    free -= 1  # an idle advisor leaves at once
                else:
                    owed += 1  # the first busy advisor to finish will
        elif kind == arrive:
            if free:
                answer(i, now)
            else:
                queue.append(i)
                seq += 1
                heapq.heappush(events, (now + wait_limit[i], seq, hang_up, i))
        elif kind == complete:
            if owed:
                owed -= 1
                continue
            free += 1
            j = next_waiting()
            if j is not None:
                answer(j, now)
        elif i not in answered_wait:
            gone.add(i)
            abandoned_wait[i] = now - times[i]

    k_count = len(volumes)
    interval = np.minimum((np.asarray(times) // INTERVAL_S).astype(int), k_count - 1)

    def by_interval(values: dict[int, float], within: bool = False, weigh: bool = False) -> np.ndarray:
        out = np.zeros(k_count)
        for i, w in values.items():
            if not within or w <= ANSWER_S:
                out[interval[i]] += w if weigh else 1.0
        return out

    return {
        "offered": np.bincount(interval, minlength=k_count).astype(float),
        "answered": by_interval(answered_wait),
        "answered_in_t": by_interval(answered_wait, within=True),
        "abandoned": by_interval(abandoned_wait),
        "wait_answered": by_interval(answered_wait, weigh=True),
    }


CASES = [
    # (volumes per half-hour, advisors per half-hour): drops with idle advisors, drops under load, rises
    # right after drops (owed departures cancelled), a drop to zero.
    ((300.0, 500.0, 420.0, 200.0, 260.0, 120.0), (30, 45, 34, 20, 28, 12), 180.0, 120.0, 1),
    ((600.0, 600.0, 300.0, 600.0, 100.0), (60, 52, 40, 70, 0), 180.0, 120.0, 2),
    ((200.0, 400.0, 400.0, 150.0), (25, 30, 18, 22), 300.0, 90.0, 3),
    ((500.0, 500.0, 500.0, 500.0), (52, 40, 55, 30), 180.0, 240.0, 4),
]


@pytest.mark.parametrize("fast", [False, True], ids=["engine", "fast-path"])
@pytest.mark.parametrize(("volumes", "staffing", "aht", "patience", "seed"), CASES)
def test_given_staffing_that_drops_when_simulated_then_every_tally_matches_an_independent_event_list(
    volumes, staffing, aht, patience, seed, fast
):
    spec = SimulationSpec(
        single_queue_config(max(staffing)),
        (Stream("file", volumes, Distribution("exponential", aht), Distribution("exponential", patience)),),
        interval_s=INTERVAL_S,
        staffing=staffing,
        answer_time_s=ANSWER_S,
    )
    tally = simulate_once(spec, seed, fast=fast)
    reference = _reference_day(volumes, staffing, aht, patience, seed)

    assert tally.offered.sum() > 0
    for name in ("offered", "answered", "answered_in_t", "abandoned"):
        assert getattr(tally, name).tolist() == reference[name].tolist(), name
    np.testing.assert_allclose(tally.wait_answered, reference["wait_answered"], rtol=1e-9, atol=1e-6)
