"""Workforce simulation through the real routing engine: speed and agreement with Erlang A.

1. Launch day: 80,000 calls over ten hours (half-hourly profile), 80 advisors, exponential 5-minute calls,
   exponential patience of 2 minutes; one day through the engine (target < 2 s). Also replays the same
   input events through a fresh engine alone, to split the time between engine and driver.
2. 100 replications of a 10,000-call day staffed per half-hour with Erlang A for 80 % in 20 s, in
   ``--workers`` processes (target < 10 s on 2 cores); the day's simulated KPIs with 95 % CIs next to the
   interval-weighted Erlang A figures.

    .venv/bin/python bench/wfm_sim.py [--workers 2] [--replications 100] [--skip-launch]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time

import numpy as np

from plateau.domain.routing import RoutingEngine
from plateau.domain.routing import events as ev
from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.simulation import (
    Distribution,
    SimulationSpec,
    Stream,
    simulate_once,
    single_queue_config,
    summarise,
)
from plateau.domain.wfm.staffing import Target, staff_erlang_a
from plateau.services.wfm_simulation import run_replications

PROFILE = np.array([2, 4, 7, 9, 10, 10, 9, 8, 6, 5, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2], dtype=float)
AHT, PATIENCE, T = 300.0, 120.0, 20.0


def _spec(calls: float, agents: list[int]) -> SimulationSpec:
    volumes = calls * PROFILE / PROFILE.sum()
    stream = Stream("file", tuple(volumes), Distribution("exponential", AHT), Distribution("exponential", PATIENCE))
    return SimulationSpec(single_queue_config(max(agents)), (stream,), staffing=tuple(agents), answer_time_s=T)


def launch_day() -> None:
    spec = _spec(80_000, [80] * len(PROFILE))
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)  # as the replication workers do (see plateau.services.wfm_simulation)
    journal: list[ev.RoutingEvent] = []
    simulate_once(spec, 1, journal=journal)  # warm-up (imports, caches) and the events for the replay
    wall0, cpu0 = time.perf_counter(), time.process_time()
    tally = simulate_once(spec, 1)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    engine = RoutingEngine(dedupe_window=1)
    cpu1 = time.process_time()
    for e in journal:
        engine.apply(e)
    engine_cpu = time.process_time() - cpu1
    k = tally.kpis()
    rate = spec.streams[0].volumes[0] / 1800
    print(
        f"launch day: {int(tally.offered.sum())} calls, {int(tally.answered.sum())} answered, "
        f"{int(tally.abandoned.sum())} abandoned, {tally.events} engine events"
    )
    print(
        f"  one day (single-queue fast path, same tallies as the engine): {cpu:.2f} s CPU, {wall:.2f} s wall; "
        f"engine alone (replay of the same events): "
        f"{engine_cpu:.2f} s CPU ({1e6 * engine_cpu / tally.events:.1f} µs/event)"
    )
    volumes = np.asarray(spec.streams[0].volumes)
    ea = erlang_a(80, volumes / 1800, AHT, PATIENCE, T)
    print(
        f"  abandon rate {k['abandon_rate']:.4f} (Erlang A, interval-weighted: "
        f"{float((ea.p_abandon * volumes).sum() / volumes.sum()):.4f}); occupancy {k['occupancy']:.4f}; "
        f"ASA {k['asa']:.1f} s (Erlang A {float((ea.asa * volumes).sum() / volumes.sum()):.1f} s) "
        f"[rate at the first interval {rate:.3f}/s]"
    )


def replications(n: int, workers: int) -> None:
    volumes = 10_000 * PROFILE / PROFILE.sum()
    agents = staff_erlang_a(volumes / 1800, AHT, PATIENCE, Target(service_level=0.8, answer_time=T))
    spec = _spec(10_000, [int(a) for a in agents])
    wall0, cpu0 = time.perf_counter(), time.process_time()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    tallies = run_replications(spec, n, seed=42, workers=workers)
    wall = time.perf_counter() - wall0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (
        time.process_time() - cpu0 + (children.ru_utime - children0.ru_utime) + (children.ru_stime - children0.ru_stime)
    )
    summary = summarise(tallies)
    ea = erlang_a(agents, volumes / 1800, AHT, PATIENCE, T)
    weighted = {name: float((getattr(ea, name) * volumes).sum() / volumes.sum()) for name in ("sl_offered", "asa")}
    weighted["abandon_rate"] = float((ea.p_abandon * volumes).sum() / volumes.sum())
    print(
        f"{n} replications of a 10,000-call day ({int(agents.max())} advisors at the peak, "
        f"{summary.events} engine events) on {workers} workers: {wall:.2f} s wall, {cpu:.1f} s CPU in all "
        f"({cpu / n:.2f} s CPU a replication; {cpu / workers:.1f} s wall on {workers} idle cores)"
    )
    for name in ("sl_offered", "abandon_rate", "asa", "occupancy"):
        e = summary.day[name]
        ref = f" (Erlang A per interval, weighted: {weighted[name]:.4f})" if name in weighted else ""
        print(f"  {name}: {e.mean:.4f} [{e.low:.4f}, {e.high:.4f}]{ref}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--skip-launch", action="store_true")
    ns = parser.parse_args()
    if not ns.skip_launch:
        launch_day()
    if ns.replications:
        replications(ns.replications, ns.workers)


if __name__ == "__main__":
    main()
