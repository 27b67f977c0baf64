"""Router service throughput: concurrent submitters through the asyncio service, journal on SQLite.

Each of ``--clients`` coroutines submits one contact arrival at a time and waits for its decisions, as desks
and the gateway do; the service journals whatever arrived during a loop turn in one commit (group commit).
Prints events/s and the p50/p99 of the submit → decisions latency.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from plateau.domain.routing import events as ev
from plateau.services.router.bus import InProcessBus
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.router.journaled import JournaledRouter
from plateau.services.router.service import RouterService
from routing_setup import build_config


async def main(events: int, clients: int, synchronous: str) -> None:
    config = build_config(advisors=1000, queues=100, skills=20)
    with tempfile.TemporaryDirectory() as tmp:
        journal = SqliteJournal(Path(tmp) / "j.sqlite3", synchronous=synchronous)
        service = RouterService(JournaledRouter(journal), InProcessBus(), config=config)
        runner = asyncio.create_task(service.run())
        while not service.ready:  # noqa: ASYNC110 - set by run() in this loop
            await asyncio.sleep(0.001)
        await service.submit([ev.AdvisorLoggedIn(f"l{a.advisor_id}", 0, a.advisor_id) for a in config.advisors])
        latencies: list[float] = []
        queues = [q.queue_id for q in config.queues]

        async def client(k: int) -> None:
            for i in range(k, events, clients):
                t = time.perf_counter()
                await service.submit([ev.ContactArrived(f"e{i}", 0, f"c{i}", queues[i % len(queues)])])
                latencies.append(time.perf_counter() - t)

        started = time.perf_counter()
        await asyncio.gather(*(client(k) for k in range(clients)))
        elapsed = time.perf_counter() - started
        service.stop()
        await runner
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99)]
        print(
            f"sqlite synchronous={synchronous} clients={clients}: {events / elapsed:,.0f} events/s, "
            f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--synchronous", default="NORMAL")
    ns = parser.parse_args()
    asyncio.run(main(ns.events, ns.clients, ns.synchronous))
