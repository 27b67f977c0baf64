"""A day of traffic played through the real engine in virtual time, as fast as possible.

Arrivals are Poisson with an intraday profile (a rate per interval), handling times log-normal, patience
exponential, all drawn from a seeded numpy generator, so a run is reproducible. Virtual advisors (every
advisor of the configuration, logged in all day) accept offers after ``ring_s`` and complete after the
drawn handling time; the engine's own deadlines (wrap-up, wider targets, overflow, expiry) are fired with
:class:`Tick` events. This is what ``plateau simulate`` and the WFM simulation call.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import RoutingConfig
from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.state import ContactStatus


@dataclass(frozen=True, slots=True)
class ArrivalStream:
    """Contacts of one queue: ``volume`` expected over the day, shaped by ``profile`` (weights per interval).

    ``needs`` lists the skill sets contacts ask for with their weights, e.g. ``((("fr",), 0.9), (("en",), 0.1))``.
    """

    queue_id: str
    volume: float
    profile: tuple[float, ...] = (1.0,)
    mean_handle_s: float = 300.0
    handle_cv: float = 0.6
    mean_patience_s: float = 180.0
    needs: tuple[tuple[tuple[str, ...], float], ...] = (((), 1.0),)


@dataclass(frozen=True, slots=True)
class DaySpec:
    config: RoutingConfig
    streams: tuple[ArrivalStream, ...]
    seed: int = 0
    start_s: float = 8 * 3600.0
    interval_s: float = 1800.0
    ring_s: float = 3.0
    callback_acceptance: float = 0.5  # share of callers who accept a callback offered at overflow
    callback_window_s: float = 7200.0
    keep_log: bool = False


@dataclass(slots=True)
class QueueDayStats:
    arrived: int = 0
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    overflowed: int = 0
    callbacks: int = 0
    total_wait_s: float = 0.0


@dataclass(slots=True)
class DayResult:
    events_applied: int = 0
    decisions: int = 0
    queues: dict[str, QueueDayStats] = field(default_factory=dict)
    log: list[ev.Decision] = field(default_factory=list)
    final_time_s: float = 0.0

    @property
    def contacts(self) -> int:
        return sum(q.arrived for q in self.queues.values())

    @property
    def answered(self) -> int:
        return sum(q.answered for q in self.queues.values())

    @property
    def abandoned(self) -> int:
        return sum(q.abandoned for q in self.queues.values())

    def average_speed_of_answer_s(self) -> float:
        n = self.answered
        return sum(q.total_wait_s for q in self.queues.values()) / n if n else 0.0


def _arrivals(spec: DaySpec, rng: np.random.Generator) -> list[tuple[float, str, tuple[str, ...], float, float]]:
    """(time, queue, needs, handling, patience) for every contact of the day, sorted by time."""
    rows: list[tuple[float, str, tuple[str, ...], float, float]] = []
    for stream in spec.streams:
        weights = np.asarray(stream.profile, dtype=float)
        expected = stream.volume * weights / weights.sum()
        counts = rng.poisson(expected)
        n = int(counts.sum())
        starts = spec.start_s + spec.interval_s * np.repeat(np.arange(len(counts)), counts)
        times = starts + rng.uniform(0.0, spec.interval_s, n)
        sigma = math.sqrt(math.log(1 + stream.handle_cv**2))
        handles = rng.lognormal(math.log(stream.mean_handle_s) - sigma * sigma / 2, sigma, n)
        patiences = rng.exponential(stream.mean_patience_s, n)
        need_p = np.asarray([w for _, w in stream.needs], dtype=float)
        picks = rng.choice(len(stream.needs), size=n, p=need_p / need_p.sum())
        needs = [stream.needs[int(i)][0] for i in picks]
        rows.extend(
            zip(times.tolist(), [stream.queue_id] * n, needs, handles.tolist(), patiences.tolist(), strict=True)
        )
    rows.sort(key=lambda r: r[0])
    return rows


def simulate_day(spec: DaySpec) -> DayResult:
    """Play the day; return per-queue statistics (and every decision if ``spec.keep_log``)."""
    rng = np.random.default_rng(spec.seed)
    arrivals = _arrivals(spec, rng)
    engine = RoutingEngine(dedupe_window=1)  # ids are unique by construction: no need to remember them
    result = DayResult(queues={q.queue_id: QueueDayStats() for q in spec.config.queues})
    log = result.log
    keep = spec.keep_log
    handles: dict[str, float] = {}
    # Pending driver events, ordered by (time, counter): acceptances come ``ring_s`` after an offer, and offers
    # are made at non-decreasing times, so they queue up already sorted (a FIFO); the rest needs a heap.
    pending: list[tuple[float, int, ev.RoutingEvent]] = []
    accepts: deque[tuple[float, int, ev.RoutingEvent]] = deque()
    counter = 0
    applied = 0
    apply = engine.apply
    push = heapq.heappush
    pop = heapq.heappop
    ring_s = spec.ring_s
    queue_stats = result.queues
    new_accepted, new_completed = ev.new_offer_accepted, ev.new_contact_completed
    offer_made, answered_, left_, overflowed_, callback_offered = (
        ev.OfferMade,
        ev.ContactAnswered,
        ev.ContactLeft,
        ev.ContactOverflowed,
        ev.CallbackOffered,
    )
    callback_draws = rng.random(len(arrivals) + 1).tolist()

    def run(event: ev.RoutingEvent) -> None:
        nonlocal counter, applied
        out = apply(event)
        applied += 1
        if keep:
            log.extend(out)
        for d in out:
            kind = type(d)
            if kind is offer_made:
                assert isinstance(d, ev.OfferMade)
                counter += 1
                at = d.at + ring_s
                accepts.append((at, counter, new_accepted(f"x{counter}", at, d.offer_id, d.advisor_id)))
            elif kind is answered_:
                assert isinstance(d, ev.ContactAnswered)
                stats = queue_stats[d.queue_id]
                stats.answered += 1
                stats.total_wait_s += d.waited_s
                counter += 1
                at = d.at + handles.pop(d.contact_id)
                push(pending, (at, counter, new_completed(f"x{counter}", at, d.contact_id, d.advisor_id)))
            elif kind is left_:
                assert isinstance(d, ev.ContactLeft)
                if d.reason == "abandoned":
                    queue_stats[d.queue_id].abandoned += 1
            elif kind is overflowed_:
                assert isinstance(d, ev.ContactOverflowed)
                queue_stats[d.queue_id].overflowed += 1
            elif kind is callback_offered:
                assert isinstance(d, ev.CallbackOffered)
                if callback_draws[int(d.contact_id[1:])] < spec.callback_acceptance:
                    queue_stats[d.queue_id].callbacks += 1
                    counter += 1
                    cb = ev.CallbackRequested(
                        f"x{counter}", d.at, d.contact_id, "rappel", d.at, d.at + spec.callback_window_s
                    )
                    push(pending, (d.at, counter, cb))

    t0 = spec.start_s
    run(ev.ConfigurationApplied("config", t0, spec.config))
    for a in spec.config.advisors:
        run(ev.AdvisorLoggedIn(f"login-{a.advisor_id}", t0, a.advisor_id))
    i, n = 0, len(arrivals)
    inf = math.inf
    status = engine.contacts
    assigned = ContactStatus.ASSIGNED
    next_deadline = engine.next_deadline
    deadline = next_deadline()  # only changes when an event is applied
    while True:
        t_arrival = arrivals[i][0] if i < n else inf
        # The next pending event: the earlier (by time, then counter) of the FIFO's and the heap's heads.
        if accepts:
            head = accepts[0]
            from_fifo = not pending or head < pending[0]
            if not from_fifo:
                head = pending[0]
            t_pending = head[0]
        elif pending:
            head, from_fifo = pending[0], False
            t_pending = head[0]
        else:
            t_pending = inf
        t_deadline = inf if deadline is None else deadline
        if t_deadline < t_arrival and t_deadline < t_pending:
            counter += 1
            run(ev.new_tick(f"x{counter}", t_deadline))
        elif t_arrival <= t_pending and t_arrival < inf:
            at, queue_id, needs, handle, patience = arrivals[i]
            cid = f"c{i}"
            i += 1
            handles[cid] = handle
            queue_stats[queue_id].arrived += 1
            run(ev.new_contact_arrived(f"a{i}", at, cid, queue_id, needs))
            c = status.get(cid)
            if c is not None and c.status is not assigned:
                counter += 1
                push(pending, (at + patience, counter, ev.new_contact_abandoned(f"x{counter}", at + patience, cid)))
        elif t_pending < inf:
            event = accepts.popleft()[2] if from_fifo else pop(pending)[2]
            if type(event) is ev.ContactAbandoned:
                c = status.get(event.contact_id)
                if c is None or c.status is assigned or c.callback is not None:
                    continue  # answered or promised a callback: the caller no longer waits on the line
            run(event)
        else:
            break
        deadline = next_deadline()
    result.events_applied = applied
    for qid, qr in engine.queues.items():
        result.queues[qid].answered_in_sl = qr.answered_in_sl
    result.decisions = engine.decisions
    result.final_time_s = engine.now
    return result
