"""Benchmark: radius search "communes within R km" over the whole country, R in {5, 15, 30} km.

Measures (1) the pure in-memory index (plateau.domain.geo.RadiusIndex), in wall-clock and in thread CPU time
(the machine may be shared: CPU time leaves out preemption), and (2) the service
plateau.geo.access.communes_within (adds the cache-freshness check, one query) on a throw-away
SQLite database holding the full import. Centres are random communes (seeded, reproducible).

Usage: .venv/bin/python bench/geo_radius.py [--dir /path/to/fr-geo] [--queries 5000] [--database-url ...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from _geo_setup import django_on_temp_db, machine

RADII = (5.0, 15.0, 30.0)
T = TypeVar("T")


def _percentiles(samples_ms: list[float]) -> str:
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return f"p50 {q[49]:.3f} ms, p95 {q[94]:.3f} ms, p99 {q[98]:.3f} ms"


def _time(fn: Callable[[T], object], args: list[T], clock: Callable[[], float] = time.perf_counter) -> list[float]:
    out = []
    for arg in args:
        t = clock()
        fn(arg)
        out.append((clock() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    django_on_temp_db(args.database_url)
    from django.db import connection

    from plateau.domain.geo import RadiusIndex
    from plateau.geo.access import communes_within
    from plateau.geo.models import Commune, CommuneType
    from plateau.geo.services import import_communes

    import_communes(args.dir)
    communes = list(Commune.objects.exclude(latitude=None).exclude(commune_type=CommuneType.COMD))
    rng = random.Random(20261126)
    print(f"machine: {machine()}; database: {connection.vendor}; {len(communes)} communes with coordinates")

    started = time.perf_counter()
    index = RadiusIndex((c.pk, c.latitude, c.longitude) for c in communes)  # type: ignore[misc]
    print(f"index build: {(time.perf_counter() - started) * 1000:.0f} ms")
    communes_within(communes[0], 1)  # builds the process-wide catalogue once
    for radius in RADII:
        centres = [rng.choice(communes) for _ in range(args.queries)]
        points = [(c.latitude or 0.0, c.longitude or 0.0) for c in centres]
        pure = _time(lambda p: index.within(p[0], p[1], radius), points)  # noqa: B023
        # CPU time of this thread: what the search costs when the (shared) machine does not preempt us.
        cpu = _time(lambda p: index.within(p[0], p[1], radius), points, time.thread_time)  # noqa: B023
        service = _time(lambda c: communes_within(c, radius), centres)  # noqa: B023
        sizes = [len(index.within(lat, lon, radius)) for lat, lon in points[:500]]
        print(
            f"R={radius:>4.0f} km: index wall {_percentiles(pure)} | index CPU {_percentiles(cpu)} "
            f"| communes_within wall {_percentiles(service)} "
            f"| mean {statistics.fmean(sizes):.0f} communes found"
        )


if __name__ == "__main__":
    main()
