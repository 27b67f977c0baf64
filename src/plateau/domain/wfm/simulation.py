"""Contact-centre simulation through the REAL routing engine, in virtual time, with replications.

The traffic model draws every contact of a day (Poisson arrivals per interval of an intraday profile,
handling times and patience from :class:`Distribution`, the skills each contact needs), and a staffing plan
says how many advisors are logged in during each interval. :func:`simulate_once` plays the day through
:class:`plateau.domain.routing.RoutingEngine` — the same code that routes production contacts: targets and
widening, overflow, callbacks, strategies, cross-queue fairness, wrap-up — as fast as possible, and tallies
what happened to each contact by the interval it arrived in. :func:`summarise` turns replications into
means with Student-t confidence intervals. Parallel replications live outside the domain
(``plateau.services.wfm_simulation``); this module is pure and deterministic for a given seed.

Definitions (the same as ``erlang_a``): ``sl_offered`` = answered within T / offered; ``sl_answered`` =
answered within T / answered; ``abandon_rate`` = abandoned / offered; ``asa`` = mean wait of calls answered
live; ``p_wait`` = share of answered and abandoned calls that waited at all (queued, ring time excepted: Erlang
A's P(W > 0)); ``p_wait_answered`` = share of answered calls that waited at all (Erlang C's probability of waiting
when nobody hangs up); ``occupancy`` = advisor time reserved or busy with contacts (ring, talk, wrap-up) /
staffed time. A contact whose caller accepted a callback counts as offered, not answered within T, and not
abandoned; one sent out by overflow (voicemail, external number) counts as ``deflected``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from plateau.domain.routing import AdvisorProfile, QueueConfig, RoutingConfig, RoutingEngine, validate_config
from plateau.domain.routing import events as ev
from plateau.domain.wfm.errors import InvalidParameter

DistKind = Literal["exponential", "lognormal", "deterministic", "gamma", "none"]

# Outcome codes of a contact (index into the tallies).
ANSWERED, ABANDONED, DEFLECTED, CALLBACK, UNSERVED = range(5)
_CLOSE = "fin de service"


@dataclass(frozen=True, slots=True)
class Distribution:
    """A positive random duration: ``mean`` seconds and coefficient of variation ``cv``.

    ``exponential`` (cv 1, Erlang's assumption), ``lognormal`` and ``gamma`` (any cv > 0), ``deterministic``
    (cv 0), ``none`` (infinite: callers who never hang up, as in Erlang C).
    """

    kind: DistKind = "exponential"
    mean: float = 300.0
    cv: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in ("exponential", "lognormal", "deterministic", "gamma", "none"):
            raise InvalidParameter(f"Loi inconnue « {self.kind} ».")
        if self.kind != "none" and not (self.mean > 0 and math.isfinite(self.mean)):
            raise InvalidParameter("La durée moyenne doit être positive et finie.")
        if self.kind in ("lognormal", "gamma") and not self.cv > 0:
            raise InvalidParameter("Le coefficient de variation doit être positif.")

    def sample(self, rng: np.random.Generator, n: int) -> NDArray[np.float64]:
        if self.kind == "none":
            return np.full(n, np.inf)
        if self.kind == "exponential":
            return rng.exponential(self.mean, n)
        if self.kind == "deterministic":
            return np.full(n, self.mean)
        if self.kind == "gamma":
            shape = 1.0 / self.cv**2
            return rng.gamma(shape, self.mean / shape, n)
        sigma = math.sqrt(math.log1p(self.cv**2))
        return rng.lognormal(math.log(self.mean) - sigma * sigma / 2, sigma, n)


@dataclass(frozen=True, slots=True)
class Stream:
    """Contacts arriving in one queue: expected ``volumes`` per interval (Poisson), durations, skills.

    ``needs``: the skill sets contacts ask for with their weights, e.g. ``((("fr",), 0.9), (("en",), 0.1))``.
    ``callback_acceptance``: the share of callers who accept a callback when the queue offers one (overflow
    of kind callback); they leave the line and are called back from ``callback_delay_s`` for
    ``callback_window_s``.
    """

    queue_id: str
    volumes: tuple[float, ...]
    handling: Distribution = Distribution("exponential", 300.0)
    patience: Distribution = Distribution("exponential", 120.0)
    needs: tuple[tuple[tuple[str, ...], float], ...] = (((), 1.0),)
    callback_acceptance: float = 0.0
    callback_delay_s: float = 0.0
    callback_window_s: float = 7200.0


@dataclass(frozen=True, slots=True)
class SimulationSpec:
    """A day to simulate: the routing configuration, traffic streams and the staffing plan.

    ``staffing[k]`` advisors (the first ones of ``config.advisors``, in order) are logged in during interval
    ``k``; None keeps every advisor logged in. Leaving advisors are paused (no new offer) and log out once
    their contacts are done. After the last interval no contact arrives; the advisors of the last interval
    stay until every contact has left. ``answer_time_s`` is the service-level threshold T. ``ring_s``: time
    between an offer and its acceptance (the caller waits meanwhile).
    """

    config: RoutingConfig
    streams: tuple[Stream, ...]
    interval_s: float = 1800.0
    staffing: tuple[int, ...] | None = None
    answer_time_s: float = 20.0
    ring_s: float = 0.0
    start_s: float = 0.0

    @property
    def intervals(self) -> int:
        return max(len(s.volumes) for s in self.streams)


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts and sums per interval of arrival (arrays of length ``intervals``), for one replication."""

    offered: NDArray[np.float64]
    answered: NDArray[np.float64]
    answered_in_t: NDArray[np.float64]
    abandoned: NDArray[np.float64]
    abandoned_in_t: NDArray[np.float64]
    deflected: NDArray[np.float64]
    callbacks: NDArray[np.float64]
    wait_answered: NDArray[np.float64]  # sum of waits of calls answered live
    wait_all: NDArray[np.float64]  # sum of waits of answered and abandoned calls
    busy_s: NDArray[np.float64]  # advisor seconds reserved or busy, by interval of occurrence
    staffed_s: NDArray[np.float64]
    # Calls that waited at all (longer than the ring time) before being answered, or before hanging up. Defaults
    # keep tallies built by hand (tests, per-stream tallies of old pickles) valid.
    answered_waited: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    abandoned_waited: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    events: int = 0
    # With several streams: the same counts for each stream's contacts (busy and staffed time are zero there,
    # advisors being shared: occupancy is a team figure). Empty with one stream (the day's tally is its own).
    per_stream: tuple[Tally, ...] = ()

    def stream(self, k: int) -> Tally:
        """The tally of stream ``k``'s contacts (the day's with a single stream)."""
        return self.per_stream[k] if self.per_stream else self

    def kpis(self, intervals: slice | None = None) -> dict[str, float]:
        """Day (or ``intervals``) key figures; NaN where undefined (nothing offered or answered)."""
        s = intervals if intervals is not None else slice(None)
        t = {name: float(getattr(self, name)[s].sum()) for name in TALLY_FIELDS}
        return kpis_from_totals(t)


TALLY_FIELDS = (
    "offered",
    "answered",
    "answered_in_t",
    "abandoned",
    "abandoned_in_t",
    "deflected",
    "callbacks",
    "wait_answered",
    "wait_all",
    "busy_s",
    "staffed_s",
    "answered_waited",
    "abandoned_waited",
)
KPI_NAMES = (
    "sl_offered",
    "sl_answered",
    "sl_handled",
    "abandon_rate",
    "asa",
    "mean_wait",
    "occupancy",
    "p_wait",
    "p_wait_answered",
)


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def kpis_from_totals(t: dict[str, float]) -> dict[str, float]:
    """KPIs from summed tallies (see the module docstring for the definitions)."""
    live = t["answered"] + t["abandoned"]
    return {
        "sl_offered": _ratio(t["answered_in_t"], t["offered"]),
        "sl_answered": _ratio(t["answered_in_t"], t["answered"]),
        "sl_handled": _ratio(t["answered_in_t"] + t["abandoned_in_t"], t["offered"]),
        "abandon_rate": _ratio(t["abandoned"], t["offered"]),
        "asa": _ratio(t["wait_answered"], t["answered"]),
        "mean_wait": _ratio(t["wait_all"], live),
        "occupancy": _ratio(t["busy_s"], t["staffed_s"]),
        "p_wait": _ratio(t["answered_waited"] + t["abandoned_waited"], live),
        "p_wait_answered": _ratio(t["answered_waited"], t["answered"]),
    }


def single_queue_config(
    advisors: int, *, wrap_up_s: float = 0.0, service_level_s: float = 20.0, queue_id: str = "file"
) -> RoutingConfig:
    """One queue served by ``advisors`` identical advisors (the Erlang setting), longest-idle first."""
    queue = QueueConfig(queue_id, "programme", wrap_up_s=wrap_up_s, service_level_s=service_level_s)
    people = tuple(AdvisorProfile(f"c{i:05d}", programmes=("programme",)) for i in range(advisors))
    return RoutingConfig(queues=(queue,), advisors=people)


@dataclass(slots=True)
class _Day:
    """Every contact of the day, drawn up front (arrays indexed by contact number)."""

    times: list[float] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)
    needs: list[tuple[str, ...]] = field(default_factory=list)
    handle: list[float] = field(default_factory=list)
    patience: list[float] = field(default_factory=list)
    callback: list[bool] = field(default_factory=list)
    stream: list[int] = field(default_factory=list)


def _draw(spec: SimulationSpec, rng: np.random.Generator) -> _Day:
    parts = []
    for k, s in enumerate(spec.streams):
        expected = np.asarray(s.volumes, dtype=float)
        if (expected < 0).any() or not np.isfinite(expected).all():
            raise InvalidParameter("Les volumes doivent être positifs ou nuls.")
        counts = rng.poisson(expected)
        n = int(counts.sum())
        times = spec.start_s + spec.interval_s * (np.repeat(np.arange(len(counts)), counts) + rng.random(n))
        weights = np.asarray([w for _, w in s.needs], dtype=float)
        picks = rng.choice(len(s.needs), size=n, p=weights / weights.sum())
        parts.append(
            (
                times,
                np.full(n, k),
                picks,
                s.handling.sample(rng, n),
                s.patience.sample(rng, n),
                rng.random(n) < s.callback_acceptance,
            )
        )
    times = np.concatenate([p[0] for p in parts])
    order = np.argsort(times, kind="stable")
    day = _Day()
    day.times = times[order].tolist()
    stream = np.concatenate([p[1] for p in parts])[order]
    picks = np.concatenate([p[2] for p in parts])[order]
    day.stream = stream.tolist()
    day.queue = [spec.streams[k].queue_id for k in day.stream]
    day.needs = [spec.streams[k].needs[j][0] for k, j in zip(day.stream, picks.tolist(), strict=True)]
    day.handle = np.concatenate([p[3] for p in parts])[order].tolist()
    day.patience = np.concatenate([p[4] for p in parts])[order].tolist()
    day.callback = np.concatenate([p[5] for p in parts])[order].tolist()
    return day


def _check(spec: SimulationSpec) -> None:
    validate_config(spec.config)
    queues = spec.config.queue_by_id
    for s in spec.streams:
        if s.queue_id not in queues:
            raise InvalidParameter(f"File inconnue « {s.queue_id} » dans le trafic simulé.")
        if not 0 <= s.callback_acceptance <= 1:
            raise InvalidParameter("La part de rappels acceptés doit être entre 0 et 1.")
    if spec.interval_s <= 0 or spec.answer_time_s < 0 or spec.ring_s < 0:
        raise InvalidParameter("Durée d'intervalle, seuil ou sonnerie invalide.")
    if spec.staffing is not None:
        if len(spec.staffing) < spec.intervals:
            raise InvalidParameter("Le plan d'effectif doit couvrir chaque intervalle.")
        if min(spec.staffing) < 0 or max(spec.staffing) > len(spec.config.advisors):
            raise InvalidParameter(
                f"Le plan d'effectif demande plus de conseillers que la configuration n'en a "
                f"({len(spec.config.advisors)})."
            )


def simulate_once(
    spec: SimulationSpec,
    seed: int | Sequence[int] | np.random.SeedSequence = 0,
    *,
    journal: list[ev.RoutingEvent] | None = None,
    fast: bool = True,
) -> Tally:
    """Play one day through the routing engine; return the tallies by interval of arrival.

    Deterministic for a given ``seed``. Contacts still waiting when the day is over (e.g. callback
    promises nobody kept) are counted offered and in none of the outcome counts. ``journal``, if given,
    receives every input event applied (replaying it through a fresh engine reproduces the day).
    Single-queue days without skills, overflow, ring time or wrap-up are played by a bare event list that
    gives the very same tallies, about five times faster (``_single_queue``); ``fast=False`` or a
    ``journal`` forces the engine.
    """
    _check(spec)
    rng = np.random.default_rng(seed)
    day = _draw(spec, rng)
    if fast and journal is None:
        from plateau.domain.wfm import _single_queue  # imports this module: loaded on first use

        if _single_queue.applies(spec):
            outcome, wait, busy_from, busy_to, events = _single_queue.play(spec, day)
            return _tally(spec, day, outcome, wait, busy_from, busy_to, events)
    return _Driver(spec, day, journal).play()


# Kinds of the driver's pending events. The heap holds plain tuples ``(at, seq, kind, ref, advisor)`` and the
# engine event is built when it is due: most hang-ups never happen (the caller was answered first).
_ACCEPT, _COMPLETE, _ABANDON, _CALLBACK = range(4)


class _Driver:
    """The event loop of :func:`simulate_once` (one instance per simulated day).

    One loop applies every input event and reacts to its decisions, with its state in local variables (per
    engine event the driver used to cost about as much as the engine; see docs/wfm.md, speed). An event's
    consequences are applied depth first before anything else happens: acceptances without ring time go on a
    stack; what must follow the whole cascade (scheduling a hang-up, logging out an advisor who finished
    their last contact) waits in ``after``; staffing changes come one at a time from a generator, so each one
    sees the state the previous one left.
    """

    def __init__(self, spec: SimulationSpec, day: _Day, journal: list[ev.RoutingEvent] | None) -> None:
        self.spec, self.day, self.journal = spec, day, journal
        self.advisor_ids = [a.advisor_id for a in spec.config.advisors]
        self.rank = {aid: k for k, aid in enumerate(self.advisor_ids)}
        self.load = dict.fromkeys(self.advisor_ids, 0)  # contacts each advisor holds
        self.leaving: set[str] = set()  # paused, logged out once the contact in hand is completed
        self.logged: list[str] = []  # advisors logged in (leaving ones included), in plan order
        self.owed = 0  # departures due: the next advisors to finish their last contact leave
        self.engine = RoutingEngine(dedupe_window=0)  # ids are unique by construction: no dedupe
        self.seq = 0  # numbers the driver's event ids (x1, x2...) in the order events are created

    def staff_to(self, target: int, at: float) -> Iterator[ev.RoutingEvent]:
        """Log advisors in, or make advisors leave, to have ``target`` on duty (the standard decrease rule).

        On a decrease, idle advisors (no contact in hand, no offer ringing; the last ones in plan order first)
        log out at once; if that is not enough, the remaining departures are *owed*: the next advisors to
        finish their last contact leave then (see :meth:`play`), whoever they are. Pausing named busy advisors
        instead would leave idle ones taking calls after the boundary: more advisors than planned, an
        optimistic day (docs/wfm.md, staffing plan). On an increase, owed departures are cancelled first (those
        advisors simply stay), then the first advisors of the plan who are not logged in log in.
        A generator: each event is made once the previous one and its consequences are applied.
        """
        logged, load, advisors = self.logged, self.load, self.engine.advisors
        on_duty = len(logged) - self.owed
        while on_duty < target:
            on_duty += 1
            if self.owed:
                self.owed -= 1
                continue
            present = set(logged) | self.leaving
            aid = next(a for a in self.advisor_ids if a not in present)
            if logged and self.rank[logged[-1]] > self.rank[aid]:  # an idle advisor earlier in the plan left
                logged.insert(next(k for k, a in enumerate(logged) if self.rank[a] > self.rank[aid]), aid)
            else:
                logged.append(aid)
            self.seq += 1
            yield ev.AdvisorLoggedIn(f"x{self.seq}", at, aid)
        while on_duty > target:
            on_duty -= 1
            idle = next((a for a in reversed(logged) if not load[a] and advisors[a].offer_id is None), None)
            if idle is None:
                self.owed += 1
                continue
            logged.remove(idle)
            self.seq += 1
            yield ev.AdvisorLoggedOut(f"x{self.seq}", at, idle)

    def play(self) -> Tally:
        spec, day, journal = self.spec, self.day, self.journal
        engine = self.engine
        interval_s, start_s, ring_s = spec.interval_s, spec.start_s, spec.ring_s
        k_count = spec.intervals
        times, queues, needs, patience, handles, callback = (
            day.times,
            day.queue,
            day.needs,
            day.patience,
            day.handle,
            day.callback,
        )
        n = len(times)
        outcome = [UNSERVED] * n
        wait = [0.0] * n
        cids = [f"c{k}" for k in range(n)]  # contact ids, and back to their number
        number = dict(zip(cids, range(n), strict=True))
        busy_from: list[float] = []
        busy_to: list[float] = []
        answered_at: dict[int, float] = {}
        pending: list[tuple[float, int, int, Any, str]] = []
        load, leaving = self.load, self.leaving
        wraps = {q.queue_id: q.wrap_up_s for q in spec.config.queues}
        apply, contacts, next_deadline = engine.apply, engine.contacts, engine.next_deadline
        deadlines = engine.deadline_heap
        queued, state_changed, offer_made, answered, left, callback_offered = (
            ev.ContactQueued,
            ev.AdvisorStateChanged,
            ev.OfferMade,
            ev.ContactAnswered,
            ev.ContactLeft,
            ev.CallbackOffered,
        )
        new_arrived, new_tick, new_completed, new_abandoned, new_accepted = (
            ev.new_contact_arrived,
            ev.new_tick,
            ev.new_contact_completed,
            ev.new_contact_abandoned,
            ev.new_offer_accepted,
        )
        push, pop = heapq.heappush, heapq.heappop
        inf = math.inf
        plan = spec.staffing
        next_change = 1 if plan is not None else k_count
        t_change = start_s + interval_s * next_change if next_change < k_count else inf
        stack: list[ev.RoutingEvent] = [ev.ConfigurationApplied("config", start_s, spec.config)]
        staffing: Iterator[ev.RoutingEvent] | None = self.staff_to(
            plan[0] if plan is not None else len(self.advisor_ids), start_s
        )
        after: tuple[int, float, Any] | None = None  # (what, at, ref) to do once the stack is empty
        seq = 0
        events = 0
        i = 0
        while True:
            if stack:
                event = stack.pop()
            elif after is not None:
                what, at, ref = after
                after = None
                if what == _ABANDON:  # the arrival's cascade is over: is the caller still waiting on the line?
                    if outcome[ref] == UNSERVED and cids[ref] in contacts:
                        seq += 1
                        push(pending, (at + patience[ref], seq, _ABANDON, ref, ""))
                    continue
                seq += 1  # the advisor who was leaving finished their last contact
                leaving.discard(ref)
                event = ev.AdvisorLoggedOut(f"x{seq}", at, ref)
            elif staffing is not None:
                self.seq = seq
                made = next(staffing, None)
                seq = self.seq
                if made is None:
                    staffing = None
                    continue
                event = made
            else:
                t_arrival = times[i] if i < n else inf
                t_pending = pending[0][0] if pending else inf
                t_next = min(t_arrival, t_pending, t_change)
                # The engine's deadline heap may hold stale entries but none before the next valid deadline:
                # if its head is later than every other event, no deadline comes first (skip the search).
                if deadlines and deadlines[0][0] <= t_next:
                    dl = next_deadline()
                    t_deadline = inf if dl is None else dl
                    if t_deadline < t_next:
                        t_next = t_deadline
                else:
                    t_deadline = inf
                if t_next == inf:
                    break
                if t_change == t_next:
                    assert plan is not None
                    staffing = self.staff_to(plan[next_change], t_change)
                    next_change += 1
                    t_change = start_s + interval_s * next_change if next_change < k_count else inf
                    continue
                if t_deadline == t_next:
                    seq += 1
                    event = new_tick(f"x{seq}", t_deadline)
                elif t_arrival == t_next:
                    event = new_arrived(f"a{i}", t_arrival, cids[i], queues[i], needs[i])
                    if patience[i] != inf:
                        after = (_ABANDON, t_arrival, i)
                    i += 1
                else:
                    at, s, kind, ref, aid = pop(pending)
                    if kind == _COMPLETE:
                        event = new_completed(f"x{s}", at, cids[ref], aid)
                        busy_from.append(answered_at.pop(ref) - ring_s)
                        busy_to.append(at + wraps[queues[ref]])
                        load[aid] -= 1
                        if not load[aid] and self.owed:
                            # The first advisor to become free after a staffing decrease leaves: paused
                            # before the completion (no offer reaches them during its cascade), logged out
                            # after it.
                            self.owed -= 1
                            self.logged.remove(aid)
                            leaving.add(aid)
                            stack.append(event)
                            seq += 1
                            event = ev.AdvisorPaused(f"x{seq}", at, aid, _CLOSE)
                            after = (_COMPLETE, at, aid)
                    elif kind == _ABANDON:
                        if outcome[ref] != UNSERVED or ref in answered_at:
                            continue  # answered, promised a callback or gone: the caller no longer waits
                        event = new_abandoned(f"x{s}", at, cids[ref])
                    elif kind == _ACCEPT:
                        event = new_accepted(f"x{s}", at, ref, aid)
                    else:
                        stream = spec.streams[day.stream[ref]]
                        opens = at + stream.callback_delay_s
                        event = ev.CallbackRequested(
                            f"x{s}", at, cids[ref], "rappel", opens, opens + stream.callback_window_s
                        )
            events += 1
            if journal is not None:
                journal.append(event)
            now: list[ev.RoutingEvent] | None = None
            d: Any
            for d in apply(event):
                decision = type(d)
                if decision is queued or decision is state_changed:
                    continue  # the most frequent decisions: nothing to react to
                if decision is offer_made:
                    seq += 1
                    if ring_s:
                        push(pending, (d.at + ring_s, seq, _ACCEPT, d.offer_id, d.advisor_id))
                    else:  # no ring time: the advisor takes it at once (no round trip through the heap)
                        accepted = new_accepted(f"x{seq}", d.at, d.offer_id, d.advisor_id)
                        if now is None:
                            now = [accepted]
                        else:
                            now.append(accepted)
                elif decision is answered:
                    j = number[d.contact_id]
                    if outcome[j] != CALLBACK:
                        outcome[j] = ANSWERED
                        wait[j] = d.waited_s
                    answered_at[j] = d.at
                    load[d.advisor_id] += 1
                    seq += 1
                    push(pending, (d.at + handles[j], seq, _COMPLETE, j, d.advisor_id))
                elif decision is left:
                    reason = d.reason
                    if reason == "completed":
                        continue
                    j = number[d.contact_id]
                    if reason == "abandoned":
                        outcome[j] = ABANDONED
                        wait[j] = d.waited_s
                    else:
                        outcome[j] = DEFLECTED
                elif decision is callback_offered:
                    j = number[d.contact_id]
                    if callback[j]:
                        outcome[j] = CALLBACK
                        seq += 1
                        push(pending, (d.at, seq, _CALLBACK, j, ""))
            if now is not None:
                now.reverse()
                stack.extend(now)
        return _tally(spec, day, outcome, wait, busy_from, busy_to, events)


def _tally(
    spec: SimulationSpec,
    day: _Day,
    outcome: list[int],
    wait: list[float],
    busy_from: list[float],
    busy_to: list[float],
    events: int,
) -> Tally:
    k_count = spec.intervals
    t0, width = spec.start_s, spec.interval_s
    times = np.asarray(day.times)
    interval = np.minimum(((times - t0) // width).astype(int), k_count - 1) if len(times) else times.astype(int)
    out = np.asarray(outcome, dtype=int)
    w = np.asarray(wait, dtype=float)
    within = w <= spec.answer_time_s
    # The engine's wait includes the ring time; a call offered on arrival has waited ring_s, up to the rounding of
    # (arrival + ring) - arrival: a microsecond more counts as queued.
    queued = w > spec.ring_s + 1e-6

    def count(mask: NDArray[np.bool_], weights: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
        wts = None if weights is None else weights[mask]
        return np.bincount(interval[mask], weights=wts, minlength=k_count).astype(float)

    def contacts(only: NDArray[np.bool_] | None = None) -> dict[str, NDArray[np.float64]]:
        """The per-contact counts, of every contact or of those in ``only``."""
        keep = np.ones(len(out), dtype=bool) if only is None else only
        answered, abandoned = (out == ANSWERED) & keep, (out == ABANDONED) & keep
        return {
            "offered": count(keep),
            "answered": count(answered),
            "answered_in_t": count(answered & within),
            "abandoned": count(abandoned),
            "abandoned_in_t": count(abandoned & within),
            "deflected": count((out == DEFLECTED) & keep),
            "callbacks": count((out == CALLBACK) & keep),
            "wait_answered": count(answered, w),
            "wait_all": count(answered | abandoned, w),
            "answered_waited": count(answered & queued),
            "abandoned_waited": count(abandoned & queued),
        }

    per_stream: tuple[Tally, ...] = ()
    if len(spec.streams) > 1:
        stream = np.asarray(day.stream, dtype=int)
        zero = np.zeros(k_count)
        per_stream = tuple(
            Tally(**contacts(stream == k), busy_s=zero, staffed_s=zero)  # type: ignore[arg-type]
            for k in range(len(spec.streams))
        )
    edges = t0 + width * np.arange(k_count + 1)
    busy = np.zeros(k_count)
    if busy_from:
        # Each busy span adds its overlap with the intervals it touches (one or two, rarely more), in span
        # order: the same additions, in the same order, as summing the full (spans, intervals) matrix.
        b0, b1 = np.asarray(busy_from), np.asarray(busy_to)
        first = np.clip((b0 - t0) // width - 1, 0, k_count - 1).astype(np.intp)  # ±1: safe at the edges
        last = np.clip((b1 - t0) // width + 1, 0, k_count - 1).astype(np.intp)
        width_k = last - first + 1
        spans = np.repeat(np.arange(len(b0)), width_k)
        starts = np.cumsum(width_k) - width_k  # where each span's run of intervals begins in ``spans``
        ks = first[spans] + np.arange(len(spans)) - np.repeat(starts, width_k)
        overlap = np.clip(np.minimum(b1[spans], edges[ks + 1]) - np.maximum(b0[spans], edges[ks]), 0.0, None)
        busy = np.bincount(ks, weights=overlap, minlength=k_count).astype(float)
    if spec.staffing is None:
        staffed = np.full(k_count, float(len(spec.config.advisors)) * width)
    else:
        staffed = np.asarray(spec.staffing[:k_count], dtype=float) * width
    return Tally(**contacts(), busy_s=busy, staffed_s=staffed, events=events, per_stream=per_stream)


def replicate(spec: SimulationSpec, seeds: Sequence[int | Sequence[int]]) -> list[Tally]:
    """Run one replication per seed, one after the other (a process pool calls this on chunks)."""
    return [simulate_once(spec, s) for s in seeds]


def replication_seeds(seed: int, replications: int) -> list[list[int]]:
    """Independent streams for ``replications`` runs (numpy ``SeedSequence.spawn``), as picklable lists."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [[int(x) for x in c.generate_state(4)] for c in children]


@dataclass(frozen=True, slots=True)
class Estimate:
    """Mean over replications with a two-sided Student-t confidence interval (NaN for fewer than 2)."""

    mean: float
    low: float
    high: float
    replications: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def confidence_interval(values: Sequence[float], level: float = 0.95) -> Estimate:
    """Mean and ``level`` confidence interval of replication values (NaN values are left out)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n < 2:
        return Estimate(mean, math.nan, math.nan, n)
    # The Student t quantile from scipy.special (the same bits as scipy.stats.t.ppf): scipy.stats takes seconds to
    # import and this module is imported by every ``plateau wfm`` command.
    from scipy.special import stdtrit

    half = float(stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(n))
    return Estimate(mean, mean - half, mean + half, n)


@dataclass(frozen=True, slots=True)
class Summary:
    """KPIs over replications: the day as a whole, and per interval (means and CIs per interval)."""

    day: dict[str, Estimate]
    per_interval: list[dict[str, Estimate]]
    mean_offered: NDArray[np.float64]
    replications: int
    events: int


def summarise(tallies: Sequence[Tally], level: float = 0.95, skip: int = 0) -> Summary:
    """Confidence intervals of every KPI over independent replications.

    ``skip`` leaves out the first intervals (warm-up, when comparing with steady-state formulas).
    """
    if not tallies:
        raise InvalidParameter("Aucune réplication à résumer.")
    k_count = len(tallies[0].offered)
    window = slice(skip, None)
    day_values = [t.kpis(window) for t in tallies]
    day = {name: confidence_interval([v[name] for v in day_values], level) for name in KPI_NAMES}
    per_interval = []
    for k in range(k_count):
        values = [t.kpis(slice(k, k + 1)) for t in tallies]
        per_interval.append({name: confidence_interval([v[name] for v in values], level) for name in KPI_NAMES})
    mean_offered = np.mean([t.offered for t in tallies], axis=0)
    return Summary(day, per_interval, mean_offered, len(tallies), sum(t.events for t in tallies))
