"""The router service: one asyncio loop that feeds the journaled engine and publishes its decisions.

Inputs arrive through :meth:`RouterService.submit` (in-process callers, the Redis inbox, the SIP gateway);
everything that arrived during one loop turn is journaled in one commit (``handle_many``), then applied, then
published. Timers come from ``engine.next_deadline()``: the loop sleeps until the earliest deadline and sends
a ``Tick``. The blocking work (journal commit, Redis publish) runs in one worker thread so the loop stays
responsive; the ORM is never touched here (the configuration is built before the service starts).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import event_to_dict
from plateau.domain.routing.config import RoutingConfig
from plateau.domain.routing.journal import replay
from plateau.domain.routing.kpis import ALL, KpiAccumulator
from plateau.domain.routing.state import ContactRecord, ContactStatus
from plateau.services.router.bus import Bus, RoutingMessage
from plateau.services.router.journaled import JournaledRouter

log = logging.getLogger(__name__)
TREND_EVERY_S = 10.0
TREND_POINTS = 360


class RouterService:
    def __init__(
        self,
        router: JournaledRouter,
        bus: Bus,
        *,
        config: RoutingConfig | None = None,
        clock: Callable[[], float] = time.time,
        status_every_s: float = 1.0,
        stats_since: float | None = None,
    ) -> None:
        self.router = router
        self.bus = bus
        self.clock = clock
        self.status_every_s = status_every_s
        self.started_at = clock()
        self._inbox: asyncio.Queue[tuple[list[ev.RoutingEvent], asyncio.Future[list[ev.Decision]]]] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="router-journal")
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = False
        if config is not None and router.engine.config != config:
            router.handle(ev.ConfigurationApplied(f"cfg-{uuid.uuid4().hex}", clock(), config))
        since = stats_since if stats_since is not None else _midnight(self.started_at)
        # KPIs are computed from the journal: replay it once at start, then follow the live decisions.
        self.kpis = KpiAccumulator(router.engine.config, since=since)
        _, past = replay(e for _, e in router.journal.read())
        self.kpis.feed(past)
        self.trend: dict[str, deque[dict[str, float]]] = {}
        self._last_trend = 0.0
        self.processed = 0

    # -- inputs ---------------------------------------------------------------------------------------------

    async def submit(self, events: list[ev.RoutingEvent]) -> list[ev.Decision]:
        """Journal, apply and publish ``events``; return the decisions they caused (time stamped by the router)."""
        assert self._inbox is not None, "the service is not running"
        fut: asyncio.Future[list[ev.Decision]] = asyncio.get_running_loop().create_future()
        await self._inbox.put((events, fut))
        return await fut

    def submit_threadsafe(self, events: list[ev.RoutingEvent], timeout: float = 5.0) -> list[ev.Decision]:
        """From another thread (a Django view of the embedded process)."""
        if self.loop is None or not self.ready:
            raise RuntimeError("router not running")
        return asyncio.run_coroutine_threadsafe(self.submit(events), self.loop).result(timeout)

    # -- loop -----------------------------------------------------------------------------------------------

    async def run(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._inbox = asyncio.Queue()
        self._stopping = asyncio.Event()
        self.ready = True
        next_status = 0.0
        try:
            while not self._stopping.is_set():
                now = self.clock()
                deadline = self.router.engine.next_deadline()
                wait = next_status - now
                if deadline is not None:
                    wait = min(wait, deadline - now)
                batch: list[tuple[list[ev.RoutingEvent], asyncio.Future[list[ev.Decision]]]] = []
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        batch.append(await asyncio.wait_for(self._inbox.get(), timeout=wait))
                while not self._inbox.empty():
                    batch.append(self._inbox.get_nowait())
                now = self.clock()
                events: list[ev.RoutingEvent] = []
                for evs, _ in batch:
                    events.extend(dataclasses.replace(e, at=now) for e in evs)  # the router's clock is the truth
                deadline = self.router.engine.next_deadline()
                if deadline is not None and deadline <= now:
                    events.append(ev.Tick(f"tick-{uuid.uuid4().hex}", now))
                publish_status = now >= next_status
                if publish_status:
                    next_status = now + self.status_every_s
                if not events and not publish_status:
                    continue
                try:
                    decisions = await self.loop.run_in_executor(self._executor, self._process, events, publish_status)
                except Exception as exc:  # the journal failed: nothing took effect, tell the callers
                    log.exception("router batch failed")
                    for _, fut in batch:
                        if not fut.done():
                            fut.set_exception(exc)
                    continue
                by_cause: dict[str, list[ev.Decision]] = {}
                for d in decisions:
                    by_cause.setdefault(d.cause, []).append(d)
                for evs, fut in batch:
                    if not fut.done():
                        fut.set_result([d for e in evs for d in by_cause.get(e.event_id, [])])
        finally:
            self.ready = False

    def stop(self) -> None:
        if self.loop is not None and hasattr(self, "_stopping"):
            self.loop.call_soon_threadsafe(self._stopping.set)

    def _process(self, events: list[ev.RoutingEvent], publish_status: bool) -> list[ev.Decision]:
        """In the worker thread: journal + apply, then publish the decisions and maybe the status."""
        decisions = self.router.handle_many(events) if events else []
        self.processed += len(events)
        if any(type(e) is ev.ConfigurationApplied for e in events):
            self.kpis.config = self.router.engine.config
        self.kpis.feed(decisions)
        messages = [self._message(d) for d in decisions]
        if publish_status:
            messages.append(RoutingMessage("status", self.status()))
        if messages:
            try:
                self.bus.publish(messages)
            except Exception:  # the decisions are journaled; pages catch up with the next status
                log.exception("bus publish failed")
        return decisions

    def _message(self, d: ev.Decision) -> RoutingMessage:
        engine = self.router.engine
        data = event_to_dict(d)
        queue_id = getattr(d, "queue_id", "")
        advisor_id = getattr(d, "advisor_id", "")
        programmes: tuple[str, ...] = ()
        q = engine.config.queue_by_id.get(queue_id) if queue_id else None
        if q is not None:
            programmes = (q.programme,)
        elif advisor_id and advisor_id in engine.config.advisor_by_id:
            programmes = engine.config.advisor_by_id[advisor_id].programmes
        extra: dict[str, Any] = {}
        contact_id = getattr(d, "contact_id", "")
        c = engine.contacts.get(contact_id) if contact_id else None
        if c is not None:
            extra["contact"] = _contact_info(c)
        if advisor_id and advisor_id in engine.advisors:
            a = engine.advisors[advisor_id]
            extra["advisor"] = {"state": a.state().value, "reason": a.pause_reason, "wrap_until": a.wrap_until}
        return RoutingMessage(type(d).__name__, data, programmes, advisor_id, extra)

    def _offer(self, offer_id: str | None) -> dict[str, Any] | None:
        """A pending offer as the desk shows it (a page opened after the offer was made still rings)."""
        engine = self.router.engine
        o = engine.offers.get(offer_id) if offer_id else None
        c = engine.contacts.get(o.contact_id) if o is not None else None
        if o is None or c is None:
            return None
        return {"offer_id": o.offer_id, "contact_id": o.contact_id, "expires_at": o.expires_at, "queue_id": c.queue_id,
                "contact": _contact_info(c)}  # fmt: skip

    # -- status ---------------------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Live state for wallboards and health checks (read in the worker thread, between batches)."""
        engine = self.router.engine
        now = self.clock()
        oldest: dict[str, float] = {}
        promises: dict[str, list[float]] = {}
        for c in engine.contacts.values():
            if c.status in (ContactStatus.WAITING, ContactStatus.OFFERED):
                oldest[c.queue_id] = min(oldest.get(c.queue_id, now), c.enqueued_at)
            if c.callback is not None and c.status is not ContactStatus.ASSIGNED:  # a promise not kept yet
                promises.setdefault(c.queue_id, []).append(c.callback[1])
        queues = [
            {
                "queue_id": q.queue_id,
                "programme": q.programme,
                "channel": q.channel,
                "waiting": engine.queues[q.queue_id].waiting,
                "longest_wait_s": round(now - oldest[q.queue_id], 1) if q.queue_id in oldest else 0.0,
                "service_level_s": q.service_level_s,
                "ewt_s": _rounded(engine.estimated_wait(q.queue_id)),
                "callbacks": len(promises.get(q.queue_id, ())),
                "next_callback_at": min(promises[q.queue_id]) if q.queue_id in promises else None,
            }
            for q in engine.config.queues
        ]
        # Each waiting call's place in the router's order (priorities, callbacks' places) and its EWT, told to the
        # caller by the SIP gateway: one sort per call queue per status (never per event); other channels skipped.
        positions = {
            cid: {"position": pos, "ewt_s": _rounded(ewt)}
            for q in engine.config.queues
            if q.channel == "call" and engine.queues[q.queue_id].waiting
            for cid, pos, ewt in engine.queue_positions(q.queue_id)
        }
        advisors = {
            a.advisor_id: {
                "state": a.state().value,
                "reason": a.pause_reason,
                "wrap_until": a.wrap_until,
                "programmes": list(a.profile.programmes),
                "contacts": sorted(
                    cid for cid, c in engine.contacts.items() if c.advisor_id == a.advisor_id and c.answered_at
                ),
                "calls": sorted(
                    cid
                    for cid, c in engine.contacts.items()
                    if c.advisor_id == a.advisor_id and c.answered_at and c.channel == "call"
                ),
                "offer": self._offer(a.offer_id),
                # What the advisor holds, with the queue that owns each item: the desk links every item to the
                # programme that owns it, and a supervisor may release it (see plateau.web.held_work).
                "work": [
                    {"contact_id": cid, "queue_id": c.queue_id, "channel": c.channel}
                    for cid, c in sorted(engine.contacts.items())
                    if c.advisor_id == a.advisor_id and c.answered_at
                ],
            }
            for a in engine.advisors.values()
        }
        self.kpis.close(now)
        scopes: set[str] = {ALL, *(q.programme for q in engine.config.queues)}
        counters = {s: dataclasses.asdict(self.kpis.get(s)) for s in sorted(scopes)}
        if now - self._last_trend >= TREND_EVERY_S:
            self._last_trend = now
            for s in scopes:
                waiting = sum(
                    engine.queues[q.queue_id].waiting for q in engine.config.queues if s in (ALL, q.programme)
                )
                cs = counters[s]
                point = {"at": now, "waiting": waiting, "answered": cs["answered"], "in_sl": cs["answered_in_sl"]}
                self.trend.setdefault(s, deque(maxlen=TREND_POINTS)).append(point)
        return {
            "at": now,
            "seq": self.router.seq,
            "started_at": self.started_at,
            "processed": self.processed,
            "queues": queues,
            "advisors": advisors,
            "positions": positions,
            "counters": counters,
            "trend": {s: list(points) for s, points in self.trend.items()},
        }


def _contact_info(c: ContactRecord) -> dict[str, Any]:
    return {
        "channel": c.channel,
        "caller": c.caller,
        "queue_id": c.queue_id,
        "programme": c.programme,
        "enqueued_at": c.enqueued_at,
        "skills": list(c.skills),
        "attributes": dict(c.attributes),
        "callback": None
        if c.callback is None
        else {"number": c.callback[0], "window_start": c.callback[1], "window_end": c.callback[2]},
    }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)


def _midnight(at: float) -> float:
    t = time.localtime(at)
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))
