"""Routing decisions per second and decision latency (p50/p99) with 1,000 advisors, 100 queues, 20 skills.

Steady traffic: contacts arrive in random queues, every offer is accepted at once, and the oldest assigned
contact completes whenever ~85 % of advisors are busy, so decisions are made on both paths (a contact
finds a free advisor; a freed advisor pulls the best waiting contact across its queues).

    .venv/bin/python bench/routing_decisions.py [--decisions 100000]
"""

from __future__ import annotations

import argparse
import collections
import gc
import time

import numpy as np

from plateau.domain.routing import events as ev
from plateau.domain.routing.engine import RoutingEngine
from routing_setup import build_config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--busy", type=float, default=0.85, help="share of advisors kept busy")
    ns = parser.parse_args()
    config = build_config(wrap_up_s=0)
    engine = RoutingEngine()
    engine.apply(ev.ConfigurationApplied("cfg", 0.0, config))
    for a in config.advisors:
        engine.apply(ev.AdvisorLoggedIn(f"in-{a.advisor_id}", 0.0, a.advisor_id))
    # As the router service does: move the long-lived configuration out of the collector's sight and
    # collect young objects less often (the engine allocates many short-lived events).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    rng = np.random.default_rng(2)
    queue_ids = [q.queue_id for q in config.queues]
    picks = rng.integers(0, len(queue_ids), ns.decisions * 2).tolist()
    target_busy = int(ns.busy * len(config.advisors))
    assigned: collections.deque[tuple[str, str]] = collections.deque()
    latencies: list[int] = []
    engine_ns = 0
    now = 0.0
    n = 0
    clock = time.perf_counter_ns
    cpu_clock = time.thread_time_ns
    cpu_latencies: list[int] = []
    # What the two clock pairs around apply() cost by themselves (thread_time_ns is a real system call, about
    # 1 us here): measured on empty windows, reported so that the engine's own time can be told apart.
    calib = 20_000
    empty_ns = 0
    for _ in range(calib):
        c0 = cpu_clock()
        t0 = clock()
        _ = clock() - t0
        empty_ns += cpu_clock() - c0
    overhead_ns = empty_ns / calib
    cpu0 = time.process_time()

    def run(event: ev.RoutingEvent) -> list[ev.Decision]:
        nonlocal engine_ns
        c0 = cpu_clock()
        t0 = clock()
        out = engine.apply(event)
        dt = clock() - t0
        cdt = cpu_clock() - c0
        engine_ns += cdt
        if any(type(d) is ev.OfferMade for d in out):
            latencies.append(dt)
            cpu_latencies.append(cdt)
        return out

    i = 0
    while engine.decisions < ns.decisions:
        now += 0.01
        n += 1
        out = run(ev.ContactArrived(f"e{n}", now, f"c{n}", queue_ids[picks[i]]))
        i += 1
        while out:
            accepts = [d for d in out if type(d) is ev.OfferMade]
            out = []
            for offer in accepts:
                n += 1
                res = run(ev.OfferAccepted(f"e{n}", now, offer.offer_id, offer.advisor_id))
                assigned.extend((d.contact_id, d.advisor_id) for d in res if type(d) is ev.ContactAnswered)
                out.extend(res)
            while len(assigned) > target_busy:
                cid, aid = assigned.popleft()
                n += 1
                out.extend(run(ev.ContactCompleted(f"e{n}", now, cid, aid)))
    cpu = time.process_time() - cpu0
    lat = np.asarray(latencies) / 1e3
    cpu_lat = np.asarray(cpu_latencies) / 1e3
    waiting = sum(q.waiting for q in engine.queues.values())
    print(f"advisors=1000 queues=100 skills=20 events={n + len(config.advisors) + 1} decisions={engine.decisions}")
    print(f"contacts still waiting at the end: {waiting}")
    net_ns = engine_ns - overhead_ns * n
    print(f"engine CPU time: {engine_ns / 1e9:.2f} s -> {engine.decisions / (engine_ns / 1e9):,.0f} decisions/s")
    print(
        f"engine CPU time without the timing clocks ({overhead_ns / 1e3:.2f} us per apply): {net_ns / 1e9:.2f} s"
        f" -> {engine.decisions / (net_ns / 1e9):,.0f} decisions/s"
    )
    print(f"whole loop CPU time: {cpu:.2f} s -> {engine.decisions / cpu:,.0f} decisions/s")
    for name, values in (("wall", lat), ("CPU", cpu_lat)):
        print(
            f"latency of a deciding apply() ({name}): "
            f"p50={np.percentile(values, 50):.1f} us  p99={np.percentile(values, 99):.1f} us  max={values.max():.0f} us"
        )


if __name__ == "__main__":
    main()
