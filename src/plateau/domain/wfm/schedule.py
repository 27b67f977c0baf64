"""Shift scheduling with OR-Tools CP-SAT: cover a staffing curve at minimum cost within legal limits.

Model (one boolean per advisor, day and shift pattern):

* each advisor works at most one shift a day; a shift is a :class:`ShiftPattern` (start, length, one unpaid
  break) that starts and ends on the same day and is aligned to the interval grid;
* legal limits (:class:`LegalLimits`, French defaults: 10 h a day, 11 h of rest between two shifts, 48 h and 6
  days per 7 consecutive days): patterns longer than the daily maximum are refused; two shifts on consecutive
  days that leave less rest than the minimum are forbidden for the same advisor;
* coverage: in each interval, the advisors on shift and not on break, plus the under-staffing slack, reach the
  requirement; objective = Σ shift costs (paid minutes by default) + ``under_cost`` * Σ under-staffing.

The solve is bounded by ``time_limit_s``; the result says whether it is proven optimal. Residual under- and
over-staffing are reported per interval. Advisors are interchangeable here (skills come with the simulation).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from plateau.domain.wfm._arrays import Int
from plateau.domain.wfm.errors import InvalidParameter, ScheduleInfeasible

DAY_MINUTES = 1440


@dataclass(frozen=True)
class ShiftPattern:
    """A shift: ``start`` (minutes after midnight), ``duration`` (minutes, break included), one unpaid break."""

    name: str
    start: int
    duration: int
    break_start: int = 0  # minutes after the shift start
    break_duration: int = 0
    cost: float | None = None  # default: paid minutes

    @property
    def paid_minutes(self) -> int:
        return self.duration - self.break_duration

    @property
    def shift_cost(self) -> float:
        return float(self.paid_minutes) if self.cost is None else self.cost

    def working(self, interval_minutes: int) -> npt.NDArray[np.bool_]:
        """Which intervals of the day the advisor is on shift and not on break."""
        starts = np.arange(0, DAY_MINUTES, interval_minutes)
        on = (starts >= self.start) & (starts < self.start + self.duration)
        brk = self.start + self.break_start
        return on & ~((starts >= brk) & (starts < brk + self.break_duration))


@dataclass(frozen=True)
class LegalLimits:
    """Working-time limits per advisor (defaults: French Code du travail maxima)."""

    max_daily_minutes: int = 600
    min_rest_minutes: int = 660
    max_weekly_minutes: int = 2880
    max_days_per_week: int = 6


@dataclass(frozen=True)
class Assignment:
    advisor: int
    day: int
    pattern: str


def default_patterns(interval_minutes: int, opens: int = 7 * 60, closes: int = 22 * 60) -> list[ShiftPattern]:
    """8-hour shifts with a one-hour break after 4 hours, and 4-hour shifts, starting every hour (or interval)
    so that they fit between ``opens`` and ``closes`` (minutes after midnight)."""
    step = max(60, interval_minutes)
    full = [ShiftPattern(f"8h-{m // 60:02d}:{m % 60:02d}", m, 480, 240, 60) for m in range(opens, closes - 479, step)]
    half = [ShiftPattern(f"4h-{m // 60:02d}:{m % 60:02d}", m, 240) for m in range(opens, closes - 239, step)]
    return full + half


@dataclass(frozen=True)
class ScheduleResult:
    """Assignments and, per interval (days * intervals a day, flattened), coverage and residual gaps."""

    assignments: list[Assignment]
    required: Int
    coverage: Int
    under: Int
    over: Int
    cost: float
    objective: float  # cost + under_cost * under-staffing, what the solver minimises
    optimal: bool
    lower_bound: float  # proven lower bound of the objective (shift costs + under-staffing penalty)


def _check(patterns: list[ShiftPattern], interval_minutes: int, limits: LegalLimits) -> None:
    if interval_minutes <= 0 or DAY_MINUTES % interval_minutes:
        raise InvalidParameter("La durée d'intervalle doit diviser la journée.", parameter="interval_minutes")
    if not patterns:
        raise InvalidParameter("Indiquez au moins un modèle de vacation.", parameter="patterns")
    if len({p.name for p in patterns}) != len(patterns):
        raise InvalidParameter("Les modèles de vacation doivent avoir des noms distincts.", parameter="patterns")
    for p in patterns:
        times = (p.start, p.duration, p.break_start, p.break_duration)
        if any(v % interval_minutes for v in times) or min(times) < 0 or p.duration <= 0:
            raise InvalidParameter(f"Vacation {p.name} : horaires hors de la grille d'intervalles.", pattern=p.name)
        if p.start + p.duration > DAY_MINUTES:
            raise InvalidParameter(f"Vacation {p.name} : elle doit finir le jour même.", pattern=p.name)
        if p.break_duration and p.break_start + p.break_duration > p.duration:
            raise InvalidParameter(f"Vacation {p.name} : pause hors de la vacation.", pattern=p.name)
        if p.paid_minutes > limits.max_daily_minutes:
            raise InvalidParameter(f"Vacation {p.name} : dépasse la durée quotidienne maximale.", pattern=p.name)


def _windows(days: int) -> list[range]:
    """The 7-day windows of the weekly limits (the whole horizon when shorter than a week)."""
    return [range(first, min(days, first + 7)) for first in range(max(1, days - 6))]


class _Problem:
    """Shared data of the two models: requirement, patterns, masks, limits, cost scaling (CP-SAT needs ints)."""

    def __init__(
        self,
        need: Int,
        patterns: list[ShiftPattern],
        masks: list[npt.NDArray[np.bool_]],
        advisors: int,
        limits: LegalLimits,
        under_cost: float,
    ) -> None:
        self.need, self.patterns, self.masks, self.advisors, self.limits = need, patterns, masks, advisors, limits
        self.days, self.per_day = need.shape
        self.costs = [round(p.shift_cost * 100) for p in patterns]
        self.under_cost = round(under_cost * 100)

    def rest_ok(self, k: int, q: int) -> bool:
        """May one advisor work pattern k one day and pattern q the next?"""
        p, n = self.patterns[k], self.patterns[q]
        return DAY_MINUTES + n.start - (p.start + p.duration) >= self.limits.min_rest_minutes

    def cover(
        self, model: cp_model.CpModel, on_shift: Mapping[tuple[int, int], cp_model.LinearExprT]
    ) -> list[cp_model.IntVar]:
        """Coverage constraints with under-staffing slacks; returns the slack variables."""
        slacks: list[cp_model.IntVar] = []
        for d in range(self.days):
            for i in range(self.per_day):
                if self.need[d, i] == 0:
                    continue
                slack = model.new_int_var(0, int(self.need[d, i]), f"u{d}_{i}")
                covering = [on_shift[d, k] for k in range(len(self.patterns)) if self.masks[k][i]]
                model.add(cp_model.LinearExpr.sum([*covering, slack]) >= int(self.need[d, i]))
                slacks.append(slack)
        return slacks


def _solver(time_limit_s: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
    return solver


def _aggregate(pb: _Problem, time_limit_s: float, workers: int) -> tuple[list[list[int]], bool, float]:
    """Shifts per day and pattern, ignoring who works them: a relaxation, so its optimum bounds the real one."""
    model = cp_model.CpModel()
    count = {
        (d, k): model.new_int_var(0, pb.advisors, f"x{d}_{k}") for d in range(pb.days) for k in range(len(pb.patterns))
    }
    for d in range(pb.days):
        model.add(sum(count[d, k] for k in range(len(pb.patterns))) <= pb.advisors)
    for window in _windows(pb.days):
        shifts = [count[d, k] for d in window for k in range(len(pb.patterns))]
        model.add(sum(shifts) <= pb.advisors * pb.limits.max_days_per_week)
    slacks = pb.cover(model, count)
    model.minimize(sum(pb.costs[k] * v for (_, k), v in count.items()) + pb.under_cost * sum(slacks))
    solver = _solver(time_limit_s, workers)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ScheduleInfeasible("Aucun planning trouvé dans le temps imparti.", status=solver.status_name(status))
    counts = [[solver.value(count[d, k]) for k in range(len(pb.patterns))] for d in range(pb.days)]
    return counts, status == cp_model.OPTIMAL, solver.best_objective_bound


def _assign(pb: _Problem, counts: list[list[int]]) -> tuple[list[tuple[int, int, int]], bool]:
    """Give the counted shifts to advisors day by day, least-worked first, within the legal limits."""
    shifts: list[list[tuple[int, int]]] = [[] for _ in range(pb.advisors)]
    out: list[tuple[int, int, int]] = []
    complete = True
    windows = _windows(pb.days)
    for d in range(pb.days):
        busy: set[int] = set()
        for k in sorted(range(len(pb.patterns)), key=lambda k: pb.patterns[k].start):
            for _ in range(counts[d][k]):
                best = None
                for a in range(pb.advisors):
                    if a in busy or (shifts[a] and shifts[a][-1][0] == d - 1 and not pb.rest_ok(shifts[a][-1][1], k)):
                        continue
                    worked = [(e, q) for e, q in shifts[a]]
                    if any(
                        d in w
                        and (
                            sum(1 for e, _ in worked if e in w) + 1 > pb.limits.max_days_per_week
                            or sum(pb.patterns[q].paid_minutes for e, q in worked if e in w)
                            + pb.patterns[k].paid_minutes
                            > pb.limits.max_weekly_minutes
                        )
                        for w in windows
                    ):
                        continue
                    if best is None or len(shifts[a]) < len(shifts[best]):
                        best = a
                if best is None:
                    complete = False
                    continue
                busy.add(best)
                shifts[best].append((d, k))
    # Relabel so that advisor a works at least as many shifts as a + 1 (the full model's symmetry breaking).
    ranked = sorted(range(pb.advisors), key=lambda a: -len(shifts[a]))
    for new, a in enumerate(ranked):
        out.extend((new, d, k) for d, k in shifts[a])
    return out, complete


def _full(
    pb: _Problem, hint: list[tuple[int, int, int]], time_limit_s: float, workers: int
) -> tuple[list[tuple[int, int, int]], bool, float]:
    """One boolean per advisor, day and pattern, with every legal limit; warm-started from ``hint``."""
    model = cp_model.CpModel()
    npat = len(pb.patterns)
    work = {
        (a, d, k): model.new_bool_var(f"w{a}_{d}_{k}")
        for a in range(pb.advisors)
        for d in range(pb.days)
        for k in range(npat)
    }
    for a in range(pb.advisors):
        for d in range(pb.days):
            model.add_at_most_one(work[a, d, k] for k in range(npat))
            if d + 1 < pb.days:
                for k in range(npat):
                    for q in range(npat):
                        if not pb.rest_ok(k, q):
                            model.add_bool_or([work[a, d, k].Not(), work[a, d + 1, q].Not()])
        for window in _windows(pb.days):
            cells = [(d, k) for d in window for k in range(npat)]
            model.add(
                sum(pb.patterns[k].paid_minutes * work[a, d, k] for d, k in cells) <= pb.limits.max_weekly_minutes
            )
            model.add(sum(work[a, d, k] for d, k in cells) <= pb.limits.max_days_per_week)
    total = [sum(work[a, d, k] for d in range(pb.days) for k in range(npat)) for a in range(pb.advisors)]
    for a in range(pb.advisors - 1):
        model.add(total[a] >= total[a + 1])  # interchangeable advisors: symmetry breaking
    on_shift = {(d, k): sum(work[a, d, k] for a in range(pb.advisors)) for d in range(pb.days) for k in range(npat)}
    slacks = pb.cover(model, on_shift)
    model.minimize(sum(pb.costs[k] * v for (_, _, k), v in work.items()) + pb.under_cost * sum(slacks))
    chosen = set(hint)
    for key, var in work.items():
        model.add_hint(var, key in chosen)
    solver = _solver(time_limit_s, workers)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ScheduleInfeasible("Aucun planning trouvé dans le temps imparti.", status=solver.status_name(status))
    picked = [key for key, var in work.items() if solver.boolean_value(var)]
    return picked, status == cp_model.OPTIMAL, solver.best_objective_bound


def schedule_shifts(
    required: npt.ArrayLike,
    interval_minutes: int,
    patterns: list[ShiftPattern],
    advisors: int,
    *,
    limits: LegalLimits | None = None,
    under_cost: float = 10_000.0,
    time_limit_s: float = 10.0,
    workers: int = 2,
) -> ScheduleResult:
    """Cover ``required`` (agents per interval, shape ``(days, intervals_per_day)`` or one day) with at most
    ``advisors`` advisors at minimum cost; raises :class:`ScheduleInfeasible` if no solution within the limit.

    Two stages within ``time_limit_s``: the optimal number of shifts per day and pattern (a relaxation that
    ignores who works them), handed out to advisors within the legal limits; when that succeeds the schedule
    is optimal. Otherwise the full per-advisor model is solved, warm-started with the partial hand-out.
    """
    limits = limits or LegalLimits()
    _check(patterns, interval_minutes, limits)
    per_day = DAY_MINUTES // interval_minutes
    need = np.asarray(required, dtype=np.float64).reshape(-1, per_day) if np.size(required) else np.zeros((0, 0))
    if need.size == 0 or np.any(~np.isfinite(need)) or np.any(need < 0):
        raise InvalidParameter("Besoin invalide : nombres de conseillers >= 0 par intervalle.", parameter="required")
    if advisors <= 0:
        raise InvalidParameter("Il faut au moins un conseiller.", parameter="advisors")
    need_int = np.ceil(need).astype(np.int64)
    masks = [p.working(interval_minutes) for p in patterns]
    pb = _Problem(need_int, patterns, masks, advisors, limits, under_cost)
    started = time.monotonic()
    counts, optimal, bound = _aggregate(pb, time_limit_s / 2, workers)
    picked, complete = _assign(pb, counts)
    if not complete:
        remaining = time_limit_s - (time.monotonic() - started)
        picked, optimal, full_bound = _full(pb, picked, remaining, workers)
        bound = max(bound, full_bound)
    coverage = np.zeros_like(need_int)
    for _, d, k in picked:
        coverage[d] += masks[k]
    gap = coverage - need_int
    under = np.maximum(-gap, 0)
    cost = float(sum(patterns[k].shift_cost for _, _, k in picked))
    return ScheduleResult(
        assignments=sorted(
            (Assignment(a, d, patterns[k].name) for a, d, k in picked), key=lambda s: (s.day, s.advisor)
        ),
        required=need_int.ravel(),
        coverage=coverage.ravel(),
        under=under.ravel(),
        over=np.maximum(gap, 0).ravel(),
        cost=cost,
        objective=cost + under_cost * float(under.sum()),
        optimal=optimal,
        lower_bound=bound / 100.0,
    )
