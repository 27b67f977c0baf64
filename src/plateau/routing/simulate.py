"""``plateau simulate``: Poisson arrivals with an intraday profile, handling-time and patience distributions.

Virtual time (default): the programmes' configuration (with virtual advisors if asked) is played through
``simulate_day`` as fast as possible, and the KPIs are computed from its decisions. Real time (``--realtime``
or ``plateau run --simulate``): virtual callers enter the running router through :class:`RouterClient`, so
they appear on the wallboard; virtual advisors (users ``virtuel<k>.<programme>``) answer their offers.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import threading
import time
from typing import Any

import numpy as np

from plateau.domain.routing import AdvisorProfile, RoutingConfig
from plateau.domain.routing import events as ev
from plateau.domain.routing.kpis import KPIS, KpiAccumulator, compute
from plateau.domain.routing.simulation import ArrivalStream, DaySpec, simulate_day

# Share of the day's arrivals per half hour from 08:00 to 20:00 (a morning peak, a smaller afternoon one).
PROFILE = (3, 6, 9, 10, 10, 9, 8, 6, 5, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1, 1)
CHANNEL_SHARE = {"call": 0.8, "letter": 0.1, "email": 0.1}
MEAN_HANDLE_S = {"call": 240.0, "letter": 600.0, "email": 420.0}
MEAN_PATIENCE_S = 180.0
# Live demo traffic never falls below this many contacts per hour per programme (one every 10 s on average), and
# a live caller waits at least LIVE_MIN_PATIENCE_S (the queues' first target asks for expert advisors for 30 s):
# a desk opened at any hour rings within about 40 s (README).
MIN_LIVE_PER_HOUR = 360.0
LIVE_MIN_PATIENCE_S = 60.0


def profile_rate(at: float) -> float:
    """The intraday weight at local time ``at`` (epoch seconds), 0 outside 08:00-20:00."""
    t = time.localtime(at)
    slot = (t.tm_hour * 3600 + t.tm_min * 60 - 8 * 3600) // 1800
    return PROFILE[slot] / max(PROFILE) if 0 <= slot < len(PROFILE) else 0.2  # a trickle outside hours


def with_virtual_advisors(config: RoutingConfig, programmes: list[str], n: int) -> RoutingConfig:
    extra = tuple(
        AdvisorProfile(
            f"virtuel{k}.{slug}",
            tuple((s, 3) for s in config.skills if s.startswith(f"{slug}.")),
            (slug,),
            (("call", 1), ("letter", 3), ("email", 3)),
        )
        for slug in programmes
        for k in range(1, n + 1)
    )
    return dataclasses.replace(config, advisors=config.advisors + extra)


def virtual_day(config: RoutingConfig, programmes: list[str], volume: float, seed: int) -> dict[str, Any]:
    streams = tuple(
        ArrivalStream(
            q.queue_id,
            volume
            * CHANNEL_SHARE.get(q.channel, 0.1)
            / sum(1 for x in config.queues if x.programme == q.programme and x.channel == q.channel),
            PROFILE,
            MEAN_HANDLE_S.get(q.channel, 300.0),
            0.6,
            MEAN_PATIENCE_S if q.channel == "call" else 1e9,
        )
        for q in config.queues
        if q.programme in programmes
    )
    started = time.perf_counter()
    result = simulate_day(DaySpec(config, streams, seed=seed, keep_log=True))
    elapsed = time.perf_counter() - started
    kpis = KpiAccumulator(config)
    kpis.feed(result.log)
    kpis.close(result.final_time_s)
    return {
        "contacts": result.contacts,
        "answered": result.answered,
        "events": result.events_applied,
        "seconds": elapsed,
        "kpis": {slug: compute(kpis.get(slug)) for slug in programmes},
    }


class RealTimeSimulator:
    """Live virtual callers (and advisors) through the running router."""

    def __init__(self, programmes: list[str], *, per_hour: float, virtual_advisors: int = 0, seed: int = 1) -> None:
        from plateau.routing.configuration import build_config
        from plateau.services.router.client import RouterClient

        self.client = RouterClient()
        self.programmes = programmes
        self.per_hour = per_hour
        self.rng = np.random.default_rng(seed)
        self.virtual = virtual_advisors
        config = build_config()
        self.config = with_virtual_advisors(config, programmes, virtual_advisors) if virtual_advisors else config
        self.queues = [q for q in self.config.queues if q.programme in programmes]
        self.waiting: dict[str, asyncio.TimerHandle] = {}
        self.arrived = 0
        self._tasks: set[asyncio.Future[Any]] = set()
        self.stopped = False  # set from any thread: the arrival loop ends at its next turn

    def _complete(self, contact_id: str, advisor_id: str) -> None:
        done = ev.ContactCompleted("", 0, contact_id, advisor_id)
        task = asyncio.ensure_future(asyncio.to_thread(self._submit, done))
        self._tasks.add(task)  # keep a reference until it is done (the loop only holds weak ones)
        task.add_done_callback(self._tasks.discard)

    def _submit(self, *events: ev.RoutingEvent) -> list[dict[str, Any]]:
        from plateau.services.router.client import new_id

        return self.client.submit(*(dataclasses.replace(e, event_id=e.event_id or new_id()) for e in events))

    async def run(self, duration: float = 0) -> None:
        from plateau.services.router.runtime import bus

        if self.virtual:
            await asyncio.to_thread(self._submit, ev.ConfigurationApplied("", 0, self.config))
            for a in self.config.advisors:
                if a.advisor_id.startswith("virtuel"):
                    await asyncio.to_thread(self._submit, ev.AdvisorLoggedIn("", 0, a.advisor_id))
        listener = asyncio.create_task(self._listen(bus()))
        end = time.time() + duration if duration else math.inf
        try:
            while time.time() < end and not self.stopped:
                per_programme = max(self.per_hour * profile_rate(time.time()), MIN_LIVE_PER_HOUR)
                rate = per_programme * len(self.programmes) / 3600
                await asyncio.sleep(float(self.rng.exponential(1 / rate)) if rate > 0 else 1.0)
                await self._arrive()
        finally:
            listener.cancel()

    async def _arrive(self) -> None:
        from plateau.services.router.client import new_id

        calls = [q for q in self.queues if q.channel == "call"] or self.queues
        q = calls[int(self.rng.integers(len(calls)))]
        cid = new_id("sim")
        caller = f"+3361{int(self.rng.integers(10_000_000)):07d}"
        self.arrived += 1
        await asyncio.to_thread(self._submit, ev.ContactArrived("", 0, cid, q.queue_id, (), 0.0, caller))
        patience = LIVE_MIN_PATIENCE_S + float(self.rng.exponential(MEAN_PATIENCE_S))
        loop = asyncio.get_running_loop()
        self.waiting[cid] = loop.call_later(patience, self._spawn_abandon, cid)

    def _spawn_abandon(self, cid: str) -> None:
        task = asyncio.ensure_future(self._abandon(cid))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _abandon(self, cid: str) -> None:
        if self.waiting.pop(cid, None) is not None:
            await asyncio.to_thread(self._submit, ev.ContactAbandoned("", 0, cid))

    async def _listen(self, source: Any) -> None:
        async for m in source.subscribe():
            d = m.data
            if m.kind == "ContactAnswered":
                handle = self.waiting.pop(d["contact_id"], None)
                if handle is not None:
                    handle.cancel()
                if d["advisor_id"].startswith("virtuel"):
                    delay = float(self.rng.lognormal(math.log(60), 0.5))
                    asyncio.get_running_loop().call_later(delay, self._complete, d["contact_id"], d["advisor_id"])
            elif m.kind == "OfferMade" and d["advisor_id"].startswith("virtuel"):
                await asyncio.sleep(1.0)
                # Virtual advisors only cover what people leave: while a human advisor of the programme is free,
                # they decline (a decline never counts towards the automatic pause), and the contact rings a desk.
                event: ev.RoutingEvent = (
                    ev.OfferDeclined("", 0, d["offer_id"], d["advisor_id"])
                    if await asyncio.to_thread(self._human_available, d["advisor_id"].split(".", 1)[1], source)
                    else ev.OfferAccepted("", 0, d["offer_id"], d["advisor_id"])
                )
                await asyncio.to_thread(self._submit, event)

    @staticmethod
    def _human_available(programme: str, source: Any) -> bool:
        advisors = (source.latest_status() or {}).get("advisors", {})
        return any(
            not name.startswith("virtuel") and a.get("state") == "available" and programme in a.get("programmes", ())
            for name, a in advisors.items()
        )


def start_realtime_thread(
    programmes: list[str], *, per_hour: float = 600, virtual_advisors: int = 3
) -> threading.Thread:
    """``plateau run --simulate``: live demo traffic in the embedded process."""
    sim = RealTimeSimulator(programmes, per_hour=per_hour, virtual_advisors=virtual_advisors)
    thread = threading.Thread(target=lambda: asyncio.run(sim.run()), name="plateau-simulator", daemon=True)
    thread.start()
    return thread


def main(ns: argparse.Namespace) -> int:
    from plateau.routing.configuration import build_config
    from plateau.tenants.models import Programme

    slugs = ns.programmes or list(Programme.objects.filter(is_active=True).values_list("slug", flat=True))
    if ns.realtime:
        sim = RealTimeSimulator(slugs, per_hour=ns.per_hour, virtual_advisors=ns.virtual_advisors, seed=ns.seed)
        print(f"Live traffic for {', '.join(slugs)} ({ns.per_hour:g}/h per programme at the peak); Ctrl-C stops.")
        asyncio.run(sim.run(ns.duration))
        print(f"{sim.arrived} callers sent")
        return 0
    config = build_config()
    if ns.virtual_advisors:
        config = with_virtual_advisors(config, slugs, ns.virtual_advisors)
    out = virtual_day(config, slugs, ns.volume, ns.seed)
    print(f"{out['contacts']} contacts, {out['answered']} answered, {out['events']} events in {out['seconds']:.2f} s")
    for slug, values in out["kpis"].items():
        print(f"\n{slug}")
        for k in KPIS:
            v = values[k.key]
            shown = "—" if v is None else (f"{v:.0f}" if not k.unit else f"{v:.1f}")
            print(f"  {k.name:<40} {shown} {k.unit}")
    return 0
