"""An 80,000-contact day through the real routing engine in virtual time (target: under 5 s).

100 queues (10 programmes), 1,000 advisors, 20 skills; Poisson arrivals with an intraday profile over ten
hours, log-normal handling (mean 240 s), exponential patience (mean 180 s), 15 s wrap-up.

    .venv/bin/python bench/routing_day.py [--contacts 80000] [--seed 3]
"""

from __future__ import annotations

import argparse
import gc
import time

from plateau.domain.routing.simulation import ArrivalStream, DaySpec, simulate_day
from routing_setup import build_config

# Half-hour weights from 08:00 to 18:00: a morning peak, a lunch dip, a smaller afternoon peak.
PROFILE = (2, 4, 7, 9, 10, 10, 9, 8, 6, 5, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=80_000)
    parser.add_argument("--seed", type=int, default=3)
    ns = parser.parse_args()
    config = build_config()
    streams = tuple(
        ArrivalStream(q.queue_id, ns.contacts / len(config.queues), PROFILE, mean_handle_s=240, mean_patience_s=180)
        for q in config.queues
    )
    spec = DaySpec(config, streams, seed=ns.seed)
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = simulate_day(spec)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    answered_in_sl = sum(q.answered_in_sl for q in result.queues.values())
    print(f"contacts={result.contacts} answered={result.answered} abandoned={result.abandoned}")
    print(f"events applied={result.events_applied} routing decisions={result.decisions}")
    print(
        f"ASA={result.average_speed_of_answer_s():.1f} s  answered within 60 s={answered_in_sl / result.answered:.1%}"
    )
    print(f"wall={wall:.2f} s  CPU={cpu:.2f} s  -> {result.contacts / cpu:,.0f} contacts/s (CPU)")


if __name__ == "__main__":
    main()
