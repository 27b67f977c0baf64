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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from plateau.domain.routing import AdvisorProfile, QueueConfig, RoutingConfig, validate_config
from plateau.domain.routing import events as ev
from plateau.domain.wfm.errors import InvalidParameter

DistKind = Literal["exponential", "lognormal", "deterministic", "gamma", "none"]

# Outcome codes of a contact (index into the tallies).
ANSWERED, ABANDONED, DEFLECTED, CALLBACK, UNSERVED = range(5)


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
    from plateau.domain.wfm._driver import Driver  # imports this module: loaded on first use

    return Driver(spec, day, journal).play()


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
