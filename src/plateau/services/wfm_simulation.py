"""Replications of a WFM simulation in parallel processes (the domain module runs them one by one).

Each worker process receives the specification once per chunk of seeds and returns compact tallies (numpy
arrays per interval), so the cost of pickling is small next to the simulation itself. Seeds come from
``SeedSequence.spawn``: the results do not depend on the number of workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from plateau.domain.wfm.simulation import (
    SimulationSpec,
    Summary,
    Tally,
    replication_seeds,
    simulate_once,
    summarise,
)


def _worker_init() -> None:
    # Everything imported so far (numpy, scipy, the engine...) will never be garbage: out of the collector's way.
    gc.freeze()


def replicate_quietly(spec: SimulationSpec, seeds: Sequence[Sequence[int]]) -> list[Tally]:
    """The replications one by one with the cyclic garbage collector off while a day is played.

    A simulated day allocates millions of short-lived objects, which the collector would scan over and over
    for nothing (about 10 % of the time); the few cycles a day leaves (the engine and the driver) are
    collected once after it (generation 0: the objects allocated since, not the whole heap).
    """
    tallies = []
    enabled = gc.isenabled()
    try:
        for seed in seeds:
            gc.disable()
            tallies.append(simulate_once(spec, seed))
            gc.collect(0)  # only what this day allocated and left alive
    finally:
        if enabled:
            gc.enable()
    return tallies


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run_replications(
    spec: SimulationSpec, replications: int, *, seed: int = 0, workers: int | None = None
) -> list[Tally]:
    """``replications`` independent days, spread over ``workers`` processes (1: in this process)."""
    return run_seeds(spec, replication_seeds(seed, replications), workers=workers)


def run_seeds(spec: SimulationSpec, seeds: Sequence[Sequence[int]], *, workers: int | None = None) -> list[Tally]:
    """One day per seed (``replication_seeds``), spread over ``workers`` processes (1: in this process)."""
    replications = len(seeds)
    workers = default_workers() if workers is None else workers
    if workers <= 1 or replications <= 1:
        return replicate_quietly(spec, seeds)
    workers = min(workers, replications)
    # Contiguous chunks, one per worker: results come back in seed order.
    size = -(-replications // workers)
    chunks = [seeds[i : i + size] for i in range(0, replications, size)]
    # fork (Linux): workers start in milliseconds with every module already imported; elsewhere the platform's
    # default (spawn imports the modules again in each worker).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=len(chunks), mp_context=context, initializer=_worker_init) as pool:
        parts = pool.map(replicate_quietly, [spec] * len(chunks), chunks)
        return [t for part in parts for t in part]


def simulate(
    spec: SimulationSpec,
    replications: int = 20,
    *,
    seed: int = 0,
    workers: int | None = None,
    level: float = 0.95,
    skip: int = 0,
) -> Summary:
    """Run the replications and summarise them with ``level`` confidence intervals."""
    return summarise(run_replications(spec, replications, seed=seed, workers=workers), level, skip)
