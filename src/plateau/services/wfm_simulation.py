"""Replications of a WFM simulation in parallel processes (the domain module runs them one by one).

Each worker process receives the specification once per chunk of seeds and returns compact tallies (numpy
arrays per interval), so the cost of pickling is small next to the simulation itself. Seeds come from
``SeedSequence.spawn``: the results do not depend on the number of workers.
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import ProcessPoolExecutor

from plateau.domain.wfm.simulation import SimulationSpec, Summary, Tally, replicate, replication_seeds, summarise


def _worker_init() -> None:
    # A simulated day allocates millions of short-lived objects; the default collector thresholds make the
    # cyclic GC run thousands of times for nothing (about 10 % of the time).
    gc.set_threshold(100_000, 50, 100)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run_replications(
    spec: SimulationSpec, replications: int, *, seed: int = 0, workers: int | None = None
) -> list[Tally]:
    """``replications`` independent days, spread over ``workers`` processes (1: in this process)."""
    seeds = replication_seeds(seed, replications)
    workers = default_workers() if workers is None else workers
    if workers <= 1 or replications <= 1:
        return replicate(spec, seeds)
    workers = min(workers, replications)
    # Contiguous chunks, one per worker: results come back in seed order.
    size = -(-replications // workers)
    chunks = [seeds[i : i + size] for i in range(0, replications, size)]
    with ProcessPoolExecutor(max_workers=len(chunks), initializer=_worker_init) as pool:
        parts = pool.map(replicate, [spec] * len(chunks), chunks)
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
