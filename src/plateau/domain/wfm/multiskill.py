"""Multi-skill staffing: several queues sharing advisors, sized by simulation through the real routing engine.

Erlang formulas staff one pool for one queue. When advisors hold several skills (a bilingual advisor serves
the French and the English lines), the pooled team needs fewer people than the sum of single-skill teams,
but no closed formula says how many. The method here:

1. **Single-skill reference**: each queue alone, Erlang A (its calls, AHT, patience) for the target: ``N_q``.
2. **Start**: every queue's ``N_q`` goes to the group that serves it with the fewest skills (the specialists),
   so the start is the single-skill plan. It is simulated; while a queue misses the target, one advisor is
   added to that group.
3. **Descent**: every team with one advisor less is simulated — one fewer in a group, or two specialists of
   two groups replaced by one advisor of a group holding both skills (the pooling move) — with the same seeds
   for every candidate (common random numbers: differences are not noise); among the teams that still meet
   every queue's target, the one with the largest worst-queue margin is kept; repeat until none does. The
   result is a *local* minimum (no such move keeps the targets), found with ``O(groups^2 * steps)``
   simulations.
4. **Second start**: when a group holds every skill (and its ``available`` cap allows it), the descent also
   starts from one pool (Erlang A on the whole traffic, everyone in that group); the smaller result wins.

A team meets the target when, for every queue, the mean over replications of the simulated day (warm-up
interval left out) meets it: service level (answered within T / offered calls) and/or abandonment rate. The
routing is the engine's: one queue per skill, advisors hold the skills of their group, longest-idle first,
cross-queue fairness by waiting time (``priority_aging``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from plateau.domain.routing import AdvisorProfile, QueueConfig, RoutingConfig, SkillRequirement, Target
from plateau.domain.wfm.errors import InfeasibleTarget, InvalidParameter
from plateau.domain.wfm.simulation import Distribution, SimulationSpec, Stream, Tally, replicate, replication_seeds
from plateau.domain.wfm.staffing import Target as StaffingTarget
from plateau.domain.wfm.staffing import staff_erlang_a

PROGRAMME = "programme"
Runner = Callable[[SimulationSpec, Sequence[Sequence[int]]], list[Tally]]


@dataclass(frozen=True, slots=True)
class SkillQueue:
    """One queue and its skill: ``calls`` per interval (steady), mean handling time and patience (seconds)."""

    queue_id: str
    calls: float
    aht: float = 300.0
    patience: float = 120.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.calls) and self.calls >= 0):
            raise InvalidParameter(f"File « {self.queue_id} » : le volume doit être positif ou nul.")
        if not (self.aht > 0 and self.patience > 0 and math.isfinite(self.aht) and math.isfinite(self.patience)):
            raise InvalidParameter(f"File « {self.queue_id} » : DMT et patience doivent être positives.")


@dataclass(frozen=True, slots=True)
class SkillGroup:
    """Advisors who hold the same skills: they serve ``queues``; ``available`` caps their number."""

    name: str
    queues: tuple[str, ...]
    available: int | None = None  # at most this many advisors of the group (None: as many as needed)


@dataclass(frozen=True, slots=True)
class QueueTarget:
    """What every queue must achieve over the day: ``service_level`` within ``answer_time``, abandonment cap."""

    service_level: float | None = 0.8
    answer_time: float = 20.0
    max_abandon: float | None = None

    def __post_init__(self) -> None:
        StaffingTarget(
            service_level=self.service_level, answer_time=self.answer_time, max_abandon=self.max_abandon
        ).check()

    def margin(self, kpis: dict[str, float]) -> float:
        """How far the KPIs are inside the target (negative: missed; NaN KPIs, e.g. no call: met)."""
        margins = [math.inf]
        if self.service_level is not None and not math.isnan(kpis["sl_offered"]):
            margins.append(kpis["sl_offered"] - self.service_level)
        if self.max_abandon is not None and not math.isnan(kpis["abandon_rate"]):
            margins.append(self.max_abandon - kpis["abandon_rate"])
        return min(margins)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A team (advisors per group) and the simulated day KPIs of each queue (means over replications)."""

    team: dict[str, int]
    kpis: dict[str, dict[str, float]]
    margin: float  # worst queue's margin (>= 0: every queue meets the target)

    @property
    def size(self) -> int:
        return sum(self.team.values())


@dataclass(frozen=True, slots=True)
class MultiSkillResult:
    single_skill: dict[str, int]  # Erlang A per queue alone
    start: Evaluation  # the single-skill plan (plus what the simulation asked for)
    best: Evaluation  # the smallest team found
    evaluations: int  # simulated teams
    trail: list[Evaluation] = field(default_factory=list)  # accepted steps to best (from one of the two starts)


def _check(queues: Sequence[SkillQueue], groups: Sequence[SkillGroup]) -> None:
    ids = [q.queue_id for q in queues]
    if not ids or len(set(ids)) != len(ids):
        raise InvalidParameter("Indiquez des files, chacune une seule fois.")
    names = [g.name for g in groups]
    if not names or len(set(names)) != len(names):
        raise InvalidParameter("Indiquez des groupes de compétences, chacun une seule fois.")
    for g in groups:
        if not g.queues or any(q not in ids for q in g.queues):
            raise InvalidParameter(f"Groupe « {g.name} » : files inconnues ou absentes.")
    served = {q for g in groups for q in g.queues}
    orphan = [q for q in ids if q not in served]
    if orphan:
        raise InfeasibleTarget(f"Aucun groupe ne sert la file « {orphan[0]} ».")


def single_skill_staffing(queues: Sequence[SkillQueue], target: QueueTarget, interval_s: float) -> dict[str, int]:
    """Erlang A per queue alone (its own dedicated team)."""
    goal = StaffingTarget(
        service_level=target.service_level, answer_time=target.answer_time, max_abandon=target.max_abandon
    )
    return {
        q.queue_id: int(np.asarray(staff_erlang_a(q.calls / interval_s, q.aht, q.patience, goal)).reshape(-1)[0])
        for q in queues
    }


def _pooled_erlang_a(queues: Sequence[SkillQueue], target: QueueTarget, interval_s: float) -> int:
    """Erlang A for all the traffic in one pool (call-weighted mean handling time and patience)."""
    calls = sum(q.calls for q in queues)
    if calls <= 0:
        return 0
    aht = sum(q.calls * q.aht for q in queues) / calls
    patience = sum(q.calls * q.patience for q in queues) / calls
    goal = StaffingTarget(
        service_level=target.service_level, answer_time=target.answer_time, max_abandon=target.max_abandon
    )
    return int(np.asarray(staff_erlang_a(calls / interval_s, aht, patience, goal)).reshape(-1)[0])


def team_spec(
    queues: Sequence[SkillQueue],
    groups: Sequence[SkillGroup],
    team: dict[str, int],
    *,
    answer_time: float,
    interval_s: float = 1800.0,
    intervals: int = 5,
) -> SimulationSpec:
    """The routing configuration of ``team`` (one queue per skill) and steady traffic for ``intervals``."""
    configs = tuple(
        QueueConfig(
            q.queue_id, PROGRAMME, targets=(Target((SkillRequirement(q.queue_id, 1),)),), service_level_s=answer_time
        )
        for q in queues
    )
    advisors = tuple(
        AdvisorProfile(f"{g.name}-{k:04d}", skills=tuple((q, 1) for q in g.queues), programmes=(PROGRAMME,))
        for g in groups
        for k in range(team.get(g.name, 0))
    )
    config = RoutingConfig(skills=tuple(q.queue_id for q in queues), queues=configs, advisors=advisors)
    streams = tuple(
        Stream(
            q.queue_id,
            (q.calls,) * intervals,
            Distribution("exponential", q.aht),
            Distribution("exponential", q.patience),
        )
        for q in queues
    )
    return SimulationSpec(config, streams, interval_s=interval_s, answer_time_s=answer_time)


def evaluate(
    queues: Sequence[SkillQueue],
    groups: Sequence[SkillGroup],
    team: dict[str, int],
    target: QueueTarget,
    seeds: Sequence[Sequence[int]],
    *,
    interval_s: float = 1800.0,
    intervals: int = 5,
    runner: Runner = replicate,
) -> Evaluation:
    """Simulate ``team`` on every seed; the day's KPIs of each queue (first interval left out: warm-up)."""
    spec = team_spec(queues, groups, team, answer_time=target.answer_time, interval_s=interval_s, intervals=intervals)
    tallies = runner(spec, seeds)
    window = slice(1, None) if intervals > 1 else None
    kpis: dict[str, dict[str, float]] = {}
    for k, q in enumerate(queues):
        days = [t.stream(k).kpis(window) for t in tallies]
        kpis[q.queue_id] = {
            name: float(np.nanmean([d[name] for d in days])) if any(not math.isnan(d[name]) for d in days) else math.nan
            for name in ("sl_offered", "abandon_rate", "asa")
        }
    margin = min(target.margin(v) for v in kpis.values())
    return Evaluation(dict(team), kpis, margin)


def _smaller_teams(team: dict[str, int], groups: Sequence[SkillGroup], step: int) -> list[dict[str, int]]:
    """Teams with ``step`` advisors less: ``step`` fewer in a group, or ``step`` pairs of specialists of two
    groups replaced by ``step`` advisors of a group holding both their skills (the pooling move, which single-skill
    staffing cannot see). Plain removals come first."""
    out = [{**team, g.name: team[g.name] - step} for g in groups if team[g.name] >= step]
    for i, a in enumerate(groups):
        for b in groups[i + 1 :]:
            if team[a.name] < step or team[b.name] < step:
                continue
            both = set(a.queues) | set(b.queues)
            wider = [h for h in groups if both <= set(h.queues)]
            if wider:
                h = min(wider, key=lambda h: len(h.queues))  # the narrowest group that can stand in for both
                out.append(
                    {**team, a.name: team[a.name] - step, b.name: team[b.name] - step, h.name: team[h.name] + step}
                )
    return out


def search_team(
    queues: Sequence[SkillQueue],
    groups: Sequence[SkillGroup],
    target: QueueTarget,
    *,
    interval_s: float = 1800.0,
    intervals: int = 5,
    replications: int = 8,
    seed: int = 0,
    max_team: int = 2000,
    runner: Runner = replicate,
) -> MultiSkillResult:
    """The smallest team per skill group meeting ``target`` on every queue (see the module docstring)."""
    _check(queues, groups)
    if replications < 1 or intervals < 1 or interval_s <= 0:
        raise InvalidParameter("Réplications, intervalles et durée d'intervalle doivent être positifs.")
    single = single_skill_staffing(queues, target, interval_s)
    seeds = replication_seeds(seed, replications)
    specialists = {
        q.queue_id: min((g for g in groups if q.queue_id in g.queues), key=lambda g: len(g.queues)) for q in queues
    }
    team = {g.name: 0 for g in groups}
    for q in queues:
        team[specialists[q.queue_id].name] += single[q.queue_id]
    count = 0

    def run(candidate: dict[str, int]) -> Evaluation:
        nonlocal count
        count += 1
        return evaluate(
            queues, groups, candidate, target, seeds, interval_s=interval_s, intervals=intervals, runner=runner
        )

    def feasible(team: dict[str, int], grow: Callable[[str], str]) -> Evaluation:
        """Simulate ``team``; while a queue misses the target, add one advisor to ``grow(worst queue)``."""
        current = run(team)
        while current.margin < 0:  # the simulation disagrees with the formula (routing, noise): add people
            worst = min(current.kpis, key=lambda q: target.margin(current.kpis[q]))
            team = dict(current.team)
            team[grow(worst)] += 1
            if sum(team.values()) > max_team:
                raise InfeasibleTarget("Objectif inatteignable sous le plafond de conseillers.", max_agents=max_team)
            current = run(team)
        return current

    def descend(current: Evaluation) -> list[Evaluation]:
        trail = [current]
        step = max(1, current.size // 8)  # big steps first, halved when none keeps the targets, down to one
        while step >= 1:
            candidates = [
                t for t in _smaller_teams(current.team, groups, step) if all(n <= cap[name] for name, n in t.items())
            ]
            removals = [t for t in candidates if sum(t.values()) == current.size - step]
            found = None
            for batch in (removals, [t for t in candidates if t not in removals]):
                options = [e for e in map(run, batch) if e.margin >= 0]
                if options:  # the safest of them (largest worst-queue margin)
                    found = max(options, key=lambda e: (e.margin, [-e.team[g.name] for g in groups]))
                    break
            if found is None:
                step //= 2
                continue
            current = found
            trail.append(current)
        return trail

    cap = {g.name: math.inf if g.available is None else g.available for g in groups}
    start = feasible(team, lambda q: specialists[q].name)
    trail = descend(start)
    # Second start: everyone in the narrowest group serving every queue (one pool, Erlang A on the whole
    # traffic), when it may be that large: the descent from separate teams can stop before pooling pays.
    everything = [g for g in groups if set(g.queues) >= {q.queue_id for q in queues}]
    if everything:
        pool = min(everything, key=lambda g: len(g.queues))
        n = _pooled_erlang_a(queues, target, interval_s)
        if n <= cap[pool.name]:
            pooled = descend(feasible({**{g.name: 0 for g in groups}, pool.name: n}, lambda q: pool.name))
            if (pooled[-1].size, -pooled[-1].margin) < (trail[-1].size, -trail[-1].margin):
                trail = pooled
    current = trail[-1]
    return MultiSkillResult(single, start, current, count, trail)
