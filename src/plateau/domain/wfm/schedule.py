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


@dataclass(frozen=True)
class ScheduleResult:
    """Assignments and, per interval (days * intervals a day, flattened), coverage and residual gaps."""

    assignments: list[Assignment]
    required: Int
    coverage: Int
    under: Int
    over: Int
    cost: float
    optimal: bool


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
    """
    limits = limits or LegalLimits()
    _check(patterns, interval_minutes, limits)
    per_day = DAY_MINUTES // interval_minutes
    need = np.asarray(required, dtype=np.float64).reshape(-1, per_day) if np.size(required) else np.zeros((0, 0))
    if need.size == 0 or np.any(~np.isfinite(need)) or np.any(need < 0):
        raise InvalidParameter("Besoin invalide : nombres de conseillers >= 0 par intervalle.", parameter="required")
    need_int = np.ceil(need).astype(np.int64)
    days = need_int.shape[0]
    if advisors <= 0:
        raise InvalidParameter("Il faut au moins un conseiller.", parameter="advisors")

    model = cp_model.CpModel()
    work = {
        (a, d, k): model.new_bool_var(f"w{a}_{d}_{k}")
        for a in range(advisors)
        for d in range(days)
        for k in range(len(patterns))
    }
    masks = [p.working(interval_minutes) for p in patterns]
    for a in range(advisors):
        for d in range(days):
            model.add_at_most_one(work[a, d, k] for k in range(len(patterns)))
            if d + 1 < days:
                for k, p in enumerate(patterns):
                    for q_index, q in enumerate(patterns):
                        if DAY_MINUTES + q.start - (p.start + p.duration) < limits.min_rest_minutes:
                            model.add_bool_or([work[a, d, k].Not(), work[a, d + 1, q_index].Not()])
        for first in range(max(1, days - 6)):
            window = [(d, k) for d in range(first, min(days, first + 7)) for k in range(len(patterns))]
            model.add(sum(patterns[k].paid_minutes * work[a, d, k] for d, k in window) <= limits.max_weekly_minutes)
            model.add(sum(work[a, d, k] for d, k in window) <= limits.max_days_per_week)
    # Interchangeable advisors: advisor a works at least as many shifts as a+1 (symmetry breaking).
    for a in range(advisors - 1):
        model.add(
            sum(work[a, d, k] for d in range(days) for k in range(len(patterns)))
            >= sum(work[a + 1, d, k] for d in range(days) for k in range(len(patterns)))
        )
    under = {}
    for d in range(days):
        for i in range(per_day):
            covering = [k for k in range(len(patterns)) if masks[k][i]]
            if need_int[d, i] == 0:
                continue
            under[d, i] = model.new_int_var(0, int(need_int[d, i]), f"u{d}_{i}")
            model.add(
                sum(work[a, d, k] for a in range(advisors) for k in covering) + under[d, i] >= int(need_int[d, i])
            )
    model.minimize(
        sum(round(patterns[k].shift_cost * 100) * var for (_, _, k), var in work.items())
        + round(under_cost * 100) * sum(under.values())
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ScheduleInfeasible("Aucun planning trouvé dans le temps imparti.", status=solver.status_name(status))
    assignments = [Assignment(a, d, patterns[k].name) for (a, d, k), var in work.items() if solver.boolean_value(var)]
    coverage = np.zeros_like(need_int)
    cost = 0.0
    for item in assignments:
        k = next(i for i, p in enumerate(patterns) if p.name == item.pattern)
        coverage[item.day] += masks[k]
        cost += patterns[k].shift_cost
    gap = coverage - need_int
    return ScheduleResult(
        assignments=sorted(assignments, key=lambda s: (s.day, s.advisor)),
        required=need_int.ravel(),
        coverage=coverage.ravel(),
        under=np.maximum(-gap, 0).ravel(),
        over=np.maximum(gap, 0).ravel(),
        cost=cost,
        optimal=status == cp_model.OPTIMAL,
    )
