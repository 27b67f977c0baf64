"""An 80,000-call simulated day three ways, side by side: the routing engine, the single-queue fast path, and a
bare event-list simulation of the same model (written here, knowing nothing of Plateau). Prints the times and
the ratios to the bare event list (target for the day Plateau simulates: within 5x).

The day: 80,000 calls over ten hours (half-hourly profile with morning and afternoon peaks), exponential 5-min
calls and 2-min patience, staffed per half hour with Erlang A for 80 % in 20 s (the launch-day volume, staffed
as a planner would). Each measure includes drawing the day and counting the tallies; rounds are interleaved,
the best of ``--rounds`` is kept (the machine is shared).

    .venv/bin/python bench/wfm_fast.py [--calls 80000] [--rounds 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import heapq
import math
import os
import time
from collections import deque

import numpy as np

from plateau.domain.wfm.simulation import Distribution, SimulationSpec, Stream, simulate_once, single_queue_config
from plateau.domain.wfm.staffing import Target, staff_erlang_a

PROFILE = np.array([2, 4, 7, 9, 10, 10, 9, 8, 6, 5, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2], dtype=float)
AHT, PATIENCE, T, INTERVAL = 300.0, 120.0, 20.0, 1800.0


def bare_event_list(volumes: np.ndarray, staffing: list[int], seed: int) -> tuple[int, int, int]:
    """M/M/N+M, FCFS, staffing per interval (idle advisors leave first, then the first to finish)."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(volumes)
    n = int(counts.sum())
    times = np.sort(INTERVAL * (np.repeat(np.arange(len(counts)), counts) + rng.random(n))).tolist()
    handle = rng.exponential(AHT, n).tolist()
    patience = rng.exponential(PATIENCE, n).tolist()
    events: list[tuple[float, int, int]] = [(k * INTERVAL, 0, k) for k in range(1, len(staffing))]
    heapq.heapify(events)
    free, owed, on_duty = staffing[0], 0, staffing[0]
    queue: deque[int] = deque()
    state = [0] * n  # 0 waiting or not arrived, 1 answered, 2 abandoned
    answered_in_t = 0
    i = 0
    inf = math.inf
    while True:
        t_arrival = times[i] if i < n else inf
        if events and events[0][0] < t_arrival:
            now, kind, j = heapq.heappop(events)
            if kind == 0:  # staffing change
                target = staffing[j]
                while on_duty < target:
                    on_duty += 1
                    if owed:
                        owed -= 1
                    else:
                        free += 1
                while on_duty > target:
                    on_duty -= 1
                    if free:
                        free -= 1
                    else:
                        owed += 1
            elif kind == 1:  # completion
                if owed:
                    owed -= 1
                    continue
                free += 1
            elif state[j] == 0:  # hang-up of a caller still waiting
                state[j] = 2
                continue
            else:
                continue
        elif t_arrival < inf:
            now = t_arrival
            queue.append(i)
            heapq.heappush(events, (now + patience[i], 2, i))
            i += 1
        else:
            break
        while free and queue:
            j = queue.popleft()
            if state[j]:
                continue
            state[j] = 1
            free -= 1
            answered_in_t += now - times[j] <= T
            heapq.heappush(events, (now + handle[j], 1, j))
    return n, state.count(1), answered_in_t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=float, default=80_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    ns = parser.parse_args()
    volumes = ns.calls * PROFILE / PROFILE.sum()
    target = Target(service_level=0.8, answer_time=T)
    staffing = [int(a) for a in staff_erlang_a(volumes / INTERVAL, AHT, PATIENCE, target)]
    stream = Stream("file", tuple(volumes), Distribution("exponential", AHT), Distribution("exponential", PATIENCE))
    spec = SimulationSpec(single_queue_config(max(staffing)), (stream,), staffing=tuple(staffing), answer_time_s=T)
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)  # as the replication workers do
    best = {"engine": math.inf, "fast path": math.inf, "bare event list": math.inf}
    runs = {
        "engine": lambda: simulate_once(spec, ns.seed, fast=False),
        "fast path": lambda: simulate_once(spec, ns.seed),
        "bare event list": lambda: bare_event_list(volumes, staffing, ns.seed),
    }
    outcomes = {}
    for _ in range(ns.rounds):
        for name, run in runs.items():
            cpu0 = time.process_time()
            outcomes[name] = run()
            best[name] = min(best[name], time.process_time() - cpu0)
    engine, fast = outcomes["engine"], outcomes["fast path"]
    same = all(np.array_equal(getattr(engine, f), getattr(fast, f)) for f in ("offered", "answered", "wait_all"))
    calls, answered, in_t = outcomes["bare event list"]
    print(
        f"day: {int(engine.offered.sum())} calls, {int(engine.answered.sum())} answered, "
        f"{int(engine.abandoned.sum())} abandoned, {engine.events} engine events; peak {max(staffing)} advisors; "
        f"fast path = engine: {same}"
    )
    print(f"bare event list (its own draws): {calls} calls, {answered} answered, SL {in_t / calls:.3f}")
    print(f"load average {os.getloadavg()[0]:.2f}; best CPU of {ns.rounds} interleaved rounds:")
    bare = best["bare event list"]
    for name, cpu in best.items():
        print(f"  {name:16s} {cpu:6.3f} s   x{cpu / bare:5.2f} the bare event list")
    print(f"engine / fast path: x{best['engine'] / best['fast path']:.1f}")


if __name__ == "__main__":
    main()
