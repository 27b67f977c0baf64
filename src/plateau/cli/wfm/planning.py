"""``plateau wfm schedule | forecast | simulate | multiskill``: shifts, forecasts and simulation."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.erlang_bc import erlang_c
from plateau.domain.wfm.forecast import backtest, bin_arrivals, forecast_days, holidays_between, profiles
from plateau.domain.wfm.shrinkage import Shrinkage

if TYPE_CHECKING:
    from plateau.domain.wfm.multiskill import SkillGroup, SkillQueue
    from plateau.domain.wfm.schedule import ShiftPattern
    from plateau.wfm.access import ProgrammeForecast


from . import _io as io


def _pattern(spec: str) -> ShiftPattern:
    """``NAME,HH:MM,DURATION_MIN[,BREAK_AFTER_MIN,BREAK_MIN]``."""
    from plateau.domain.wfm.schedule import ShiftPattern

    parts = spec.split(",")
    hours, minutes = parts[1].split(":")
    extra = [int(v) for v in parts[3:5]] + [0, 0]
    return ShiftPattern(parts[0], int(hours) * 60 + int(minutes), int(parts[2]), extra[0], extra[1])


def cmd_schedule(ns: argparse.Namespace) -> None:
    # OR-Tools (and the pandas it loads) takes seconds to import: only for this sub-command.
    from plateau.domain.wfm.schedule import default_patterns, schedule_shifts

    required = np.array([float(v) for v in io.read_column(ns.required, ["agents", "required", "besoin"])])
    # The patterns place the breaks: absence and training only (see plateau.domain.wfm.shrinkage).
    required = Shrinkage(absence=ns.absence, training=ns.training).heads(required).astype(float)
    patterns = (
        [_pattern(p) for p in ns.pattern] if ns.pattern else default_patterns(ns.interval_minutes, 7 * 60, 22 * 60)
    )
    result = schedule_shifts(
        required, ns.interval_minutes, patterns, ns.advisors, time_limit_s=ns.time_limit, workers=ns.workers
    )
    per_day = 1440 // ns.interval_minutes
    rows: list[io.Row] = [
        {
            "day": i // per_day,
            "time": f"{(i % per_day) * ns.interval_minutes // 60:02d}:{(i % per_day) * ns.interval_minutes % 60:02d}",
            "required": int(result.required[i]),
            "scheduled": int(result.coverage[i]),
            "under": int(result.under[i]),
            "over": int(result.over[i]),
        }
        for i in range(len(result.required))
        if result.required[i] or result.coverage[i]
    ]
    io.emit(rows, ns.csv)
    counts: dict[tuple[int, str], int] = {}
    for a in result.assignments:
        counts[a.day, a.pattern] = counts.get((a.day, a.pattern), 0) + 1
    print(
        f"shifts: {len(result.assignments)}  cost: {result.cost:.0f}  under: {int(result.under.sum())}  "
        f"over: {int(result.over.sum())}  {'optimal' if result.optimal else 'best found within the time limit'}"
    )
    for (day, name), count in sorted(counts.items()):
        print(f"  day {day}  {name}: {count}")


def _programme_forecast(ns: argparse.Namespace, targets: list[date], special: dict[date, str]) -> ProgrammeForecast:
    """A programme's forecast from the database: routing journal or contacts (needs Django; the only such case)."""
    from plateau.cli._django import setup_django

    setup_django()
    from plateau.tenants.models import Programme
    from plateau.wfm.access import forecast_programme

    programme = Programme.objects.filter(slug=ns.programme).first()
    if programme is None:
        raise ValueError(f"programme inconnu « {ns.programme} »")
    return forecast_programme(
        programme,
        targets,
        interval_minutes=ns.interval_minutes,
        weeks=ns.weeks,
        special_days=special,
        source=ns.source,
        queue=ns.queue,
        calendar=ns.calendar,
        backtest_weeks=ns.backtest_weeks,
    )


def cmd_forecast(ns: argparse.Namespace) -> None:
    special = {}
    for spec in ns.special or []:
        day, label = spec.split("=", 1)
        special[date.fromisoformat(day)] = label
    targets = [date.fromisoformat(d) for d in ns.dates.split(",")]
    check = None
    if ns.programme:
        made = _programme_forecast(ns, targets, special)
        history, predicted, check, special = made.history, made.forecast, made.backtest, made.special_days
        source = f"programme {ns.programme}, {made.source}"
    else:
        stamps = [datetime.fromisoformat(v) for v in io.read_column(ns.arrivals, ["timestamp", "arrived_at", "date"])]
        history = bin_arrivals(stamps, ns.interval_minutes)
        if history:
            special = holidays_between(min(history), max(targets), ns.calendar) | special
        predicted = forecast_days(history, targets, weeks=ns.weeks, decay=ns.decay, special_days=special)
        if ns.backtest_weeks:
            check = backtest(
                history, test_weeks=ns.backtest_weeks, weeks=ns.weeks, decay=ns.decay, special_days=special
            )
        source = ns.arrivals
    rows: list[io.Row] = []
    for d in targets:
        for i, value in enumerate(predicted[d]):
            minute = i * ns.interval_minutes
            rows.append({"date": d.isoformat(), "time": f"{minute // 60:02d}:{minute % 60:02d}", "calls": float(value)})
    io.emit([r for r in rows if float(str(r["calls"])) > 0] or rows, ns.csv)
    if ns.csv == "-":
        return
    shape = profiles(history, special_days=special)
    print(f"history: {len(history)} days from {source}; {sum(1 for d in history if d in special)} special days")
    print(
        "weekly profile (mean calls, share of the week): "
        + "  ".join(
            f"{name} {shape.weekly[k]:.1f} ({100 * shape.weekly_share[k]:.1f} %)"
            for k, name in enumerate(("lun", "mar", "mer", "jeu", "ven", "sam", "dim"))
            if not np.isnan(shape.weekly[k])
        )
    )
    for d in targets:
        label = special.get(d)
        print(
            f"{d.isoformat()}: {float(np.sum(predicted[d])):.1f} calls" + (f" (special day: {label})" if label else "")
        )
    if check is not None:
        print(f"backtest WAPE over {len(check.weekly_wape)} weeks: {check.wape:.3f}  weekly: {check.weekly_wape}")
    elif ns.backtest_weeks:
        print("backtest: history too short")


def _per_interval(spec: str, count: int) -> list[float]:
    values = [float(v) for v in spec.split(",")]
    if len(values) == 1:
        return values * count
    if len(values) != count:
        raise ValueError(f"{len(values)} valeurs pour {count} intervalles")
    return values


def cmd_simulate(ns: argparse.Namespace) -> None:
    from plateau.domain.routing import Overflow, OverflowKind, QueueConfig, RoutingConfig
    from plateau.domain.wfm.simulation import Distribution, SimulationSpec, Stream, single_queue_config
    from plateau.services.wfm_simulation import simulate

    calls = io.volumes(ns)
    if len(calls) == 1 and ns.intervals > 1:
        calls = np.repeat(calls, ns.intervals)
    agents = [int(v) for v in _per_interval(ns.agents, len(calls))]
    config = single_queue_config(max(agents), wrap_up_s=ns.wrap_up, service_level_s=ns.answer_time)
    if ns.callback_after is not None:
        queue = QueueConfig(
            "file",
            "programme",
            wrap_up_s=ns.wrap_up,
            service_level_s=ns.answer_time,
            overflow=Overflow(OverflowKind.CALLBACK),
            overflow_after_s=ns.callback_after,
        )
        config = RoutingConfig(queues=(queue,), advisors=config.advisors)
    patience = Distribution("none") if ns.patience is None else Distribution(ns.patience_dist, ns.patience, 1.0)
    stream = Stream(
        "file",
        tuple(float(c) for c in calls),
        handling=Distribution(ns.handle_dist, ns.aht - ns.wrap_up, ns.handle_cv),
        patience=patience,
        callback_acceptance=ns.callback_acceptance,
    )
    spec = SimulationSpec(
        config, (stream,), interval_s=ns.interval_minutes * 60, staffing=tuple(agents), answer_time_s=ns.answer_time
    )
    summary = simulate(spec, ns.replications, seed=ns.seed, workers=ns.workers)
    rate = io.rate(calls, ns.interval_minutes)
    if ns.patience is None:
        ec = erlang_c(np.asarray(agents), rate, ns.aht, ns.answer_time, strict=False)
        formula = {"sl": ec.service_level, "abandon": np.zeros(len(calls)), "asa": ec.asa, "p_wait": ec.p_wait}
    else:
        ea = erlang_a(np.asarray(agents), rate, ns.aht, ns.patience, ns.answer_time)
        formula = {"sl": ea.sl_offered, "abandon": ea.p_abandon, "asa": ea.asa, "p_wait": ea.p_wait}
    rows: list[io.Row] = []
    for i, est in enumerate(summary.per_interval):
        row: io.Row = {"interval": i, "calls": float(calls[i]), "agents": agents[i]}
        for name, key in (("sl_offered", "sl"), ("abandon_rate", "abandon"), ("asa", "asa"), ("p_wait", "p_wait")):
            e = est[name]
            row |= {f"{name}": e.mean, f"{name}_ci": e.half_width, f"{name}_erlang": float(formula[key][i])}
        row["occupancy"] = est["occupancy"].mean
        rows.append(row)
    io.emit(rows, ns.csv)
    if ns.csv != "-":
        day = summary.day
        parts = [f"{k} {day[k].mean:.4f} [{day[k].low:.4f}, {day[k].high:.4f}]" for k in day]
        print(f"day ({summary.replications} replications, {summary.events} engine events, 95 % CI):")
        print("  " + "\n  ".join(parts))


def _skill_queue(spec: str) -> SkillQueue:
    """``CODE,CALLS[,AHT[,PATIENCE]]`` (calls per interval)."""
    # The multi-skill search brings the routing engine: imported by this sub-command only (start-up time).
    from plateau.domain.wfm.multiskill import SkillQueue

    parts = spec.split(",")
    numbers = [float(v) for v in parts[1:4]]
    return SkillQueue(parts[0], *numbers)


def _skill_group(spec: str) -> SkillGroup:
    """``NAME=QUEUE[+QUEUE...][:MAX]``."""
    from plateau.domain.wfm.multiskill import SkillGroup

    name, rest = spec.split("=", 1)
    queues, _, cap = rest.partition(":")
    return SkillGroup(name, tuple(q for q in queues.split("+") if q), int(cap) if cap else None)


def cmd_multiskill(ns: argparse.Namespace) -> None:
    from plateau.domain.wfm.multiskill import QueueTarget, search_team
    from plateau.services.wfm_simulation import run_seeds

    queues = [_skill_queue(q) for q in ns.queue]
    groups = [_skill_group(g) for g in ns.group]
    target = QueueTarget(ns.sl, ns.answer_time, ns.max_abandon)
    result = search_team(
        queues,
        groups,
        target,
        interval_s=60 * ns.interval_minutes,
        intervals=ns.intervals,
        replications=ns.replications,
        seed=ns.seed,
        runner=lambda spec, seeds: run_seeds(spec, seeds, workers=ns.workers),
    )
    rows: list[io.Row] = []
    for q in queues:
        best = result.best.kpis[q.queue_id]
        start = result.start.kpis[q.queue_id]
        rows.append(
            {
                "queue": q.queue_id,
                "calls": q.calls,
                "erlang_a_alone": result.single_skill[q.queue_id],
                "sl_single_skill_sim": start["sl_offered"],
                "sl_pooled_sim": best["sl_offered"],
                "abandon_pooled_sim": best["abandon_rate"],
                "asa_pooled_sim": best["asa"],
            }
        )
    io.emit(rows, ns.csv)
    if ns.csv != "-":
        print(f"single-skill (Erlang A per queue, then simulated): {_team(result.start.team)} = {result.start.size}")
        print(f"smallest team meeting every queue's target (simulated): {_team(result.best.team)} = {result.best.size}")
        print(f"{result.evaluations} teams simulated, {ns.replications} days each (same seeds for every team)")


def _team(team: dict[str, int]) -> str:
    return " + ".join(f"{name} {n}" for name, n in team.items())
