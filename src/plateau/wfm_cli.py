"""``plateau wfm ...``: Erlang calculators, staffing, shift scheduling and forecasts from the command line.

Needs no Django (except ``forecast --programme``, which reads the contacts table): maths and simulation from
``plateau.domain.wfm``; tables on stdout, ``--csv PATH`` (or ``-``) for a CSV.
Units: volumes in calls per interval, durations in seconds unless the option says minutes.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from plateau import csvexport
from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.erlang_bc import erlang_c
from plateau.domain.wfm.errors import WfmError
from plateau.domain.wfm.forecast import CALENDARS, backtest, bin_arrivals, forecast_days, holidays_between, profiles
from plateau.domain.wfm.shrinkage import Shrinkage
from plateau.domain.wfm.staffing import Target, staff_erlang_a, staff_erlang_c

if TYPE_CHECKING:
    from plateau.domain.wfm.multiskill import SkillGroup, SkillQueue
    from plateau.domain.wfm.schedule import ShiftPattern
    from plateau.wfm.access import ProgrammeForecast

Row = dict[str, object]


def _agents(spec: str) -> list[int]:
    """``25`` or ``20:30`` (inclusive range) or ``20,25,30``."""
    if ":" in spec:
        lo, hi = spec.split(":")
        return list(range(int(lo), int(hi) + 1))
    return [int(v) for v in spec.split(",")]


def _read_column(path: str, names: Sequence[str]) -> list[str]:
    """One column of a CSV file: the first header among ``names``, else the first column (header optional)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r]
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    for name in names:
        if name in header:
            index = header.index(name)
            return [r[index] for r in rows[1:]]
    try:
        float(rows[0][0])
    except ValueError:
        return [r[0] for r in rows[1:]]
    return [r[0] for r in rows]


def _volumes(ns: argparse.Namespace) -> np.ndarray:
    if ns.volumes:
        return np.array([float(v) for v in _read_column(ns.volumes, ["calls", "volume", "appels"])])
    return np.array([float(v) for v in ns.calls.split(",")])


def _fmt(value: object) -> str:
    if isinstance(value, float | np.floating):
        return "-" if np.isnan(value) else f"{value:.4f}"
    return str(value)


def _emit(rows: list[Row], csv_path: str | None) -> None:
    if not rows:
        return
    columns = list(rows[0])
    if csv_path:
        out = sys.stdout if csv_path == "-" else open(csv_path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        try:
            writer = csvexport.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        finally:
            if out is not sys.stdout:
                out.close()
        if csv_path == "-":
            return
    cells = [[_fmt(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def _rate(calls: float | np.ndarray, interval_minutes: float) -> float | np.ndarray:
    return calls / (interval_minutes * 60.0)


def cmd_erlang_c(ns: argparse.Namespace) -> None:
    agents = _agents(ns.agents)
    r = erlang_c(agents, _rate(ns.calls, ns.interval_minutes), ns.aht, ns.answer_time, strict=False)
    rows: list[Row] = []
    for i, n in enumerate(agents):
        stable = bool(r.stable[i])
        rows.append(
            {
                "agents": n,
                "load_erl": float(r.load[i]),
                "p_wait": float(r.p_wait[i]) if stable else "unstable",
                "service_level": float(r.service_level[i]) if stable else "unstable",
                "asa_s": float(r.asa[i]) if stable else "unstable",
                "occupancy": float(r.occupancy[i]) if stable else "unstable",
            }
        )
    _emit(rows, ns.csv)


def cmd_erlang_a(ns: argparse.Namespace) -> None:
    agents = _agents(ns.agents)
    r = erlang_a(agents, _rate(ns.calls, ns.interval_minutes), ns.aht, ns.patience, ns.answer_time)
    rows: list[Row] = [
        {
            "agents": n,
            "load_erl": float(r.load[i]),
            "p_wait": float(r.p_wait[i]),
            "p_abandon": float(r.p_abandon[i]),
            "sl_offered": float(r.sl_offered[i]),
            "sl_answered": float(r.sl_answered[i]),
            "sl_handled": float(r.sl_handled[i]),
            "asa_s": float(r.asa[i]),
            "occupancy": float(r.occupancy[i]),
        }
        for i, n in enumerate(agents)
    ]
    _emit(rows, ns.csv)


def _target(ns: argparse.Namespace) -> Target:
    return Target(
        service_level=ns.sl,
        answer_time=ns.answer_time,
        max_asa=ns.max_asa,
        max_abandon=ns.max_abandon,
        max_occupancy=ns.max_occupancy,
        sl_definition=ns.sl_definition,
    )


def cmd_staff(ns: argparse.Namespace) -> None:
    calls = _volumes(ns)
    rate = _rate(calls, ns.interval_minutes)
    target = _target(ns)
    if ns.patience is None:
        n = staff_erlang_c(rate, ns.aht, target)
        r = erlang_c(n, rate, ns.aht, ns.answer_time)
        metrics = {"load_erl": r.load, "agents": n, "service_level": r.service_level, "asa_s": r.asa}
        metrics["occupancy"] = r.occupancy
    else:
        n = staff_erlang_a(rate, ns.aht, ns.patience, target)
        ra = erlang_a(n, rate, ns.aht, ns.patience, ns.answer_time)
        metrics = {"load_erl": ra.load, "agents": n, "sl_offered": ra.sl_offered, "p_abandon": ra.p_abandon}
        metrics |= {"asa_s": ra.asa, "occupancy": ra.occupancy}
    shrinkage = Shrinkage(ns.breaks, ns.absence, ns.training)
    if shrinkage.total:
        metrics["heads"] = shrinkage.heads(n)
    rows: list[Row] = [
        {"interval": i, "calls": float(calls[i]), **{k: v[i].item() for k, v in metrics.items()}}
        for i in range(len(calls))
    ]
    _emit(rows, ns.csv)
    if not ns.csv or ns.csv != "-":
        print(f"total agent-intervals: {int(np.sum(n))}  peak: {int(np.max(n, initial=0))}")
        if shrinkage.total:
            heads = metrics["heads"]
            print(
                f"to schedule with {100 * shrinkage.total:g} % shrinkage: {int(np.sum(heads))} agent-intervals  "
                f"peak: {int(np.max(heads, initial=0))}"
            )


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

    required = np.array([float(v) for v in _read_column(ns.required, ["agents", "required", "besoin"])])
    # The patterns place the breaks: absence and training only (see plateau.domain.wfm.shrinkage).
    required = Shrinkage(absence=ns.absence, training=ns.training).heads(required).astype(float)
    patterns = (
        [_pattern(p) for p in ns.pattern] if ns.pattern else default_patterns(ns.interval_minutes, 7 * 60, 22 * 60)
    )
    result = schedule_shifts(
        required, ns.interval_minutes, patterns, ns.advisors, time_limit_s=ns.time_limit, workers=ns.workers
    )
    per_day = 1440 // ns.interval_minutes
    rows: list[Row] = [
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
    _emit(rows, ns.csv)
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
    from plateau.cli import _setup_django

    _setup_django()
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
        stamps = [datetime.fromisoformat(v) for v in _read_column(ns.arrivals, ["timestamp", "arrived_at", "date"])]
        history = bin_arrivals(stamps, ns.interval_minutes)
        if history:
            special = holidays_between(min(history), max(targets), ns.calendar) | special
        predicted = forecast_days(history, targets, weeks=ns.weeks, decay=ns.decay, special_days=special)
        if ns.backtest_weeks:
            check = backtest(
                history, test_weeks=ns.backtest_weeks, weeks=ns.weeks, decay=ns.decay, special_days=special
            )
        source = ns.arrivals
    rows: list[Row] = []
    for d in targets:
        for i, value in enumerate(predicted[d]):
            minute = i * ns.interval_minutes
            rows.append({"date": d.isoformat(), "time": f"{minute // 60:02d}:{minute % 60:02d}", "calls": float(value)})
    _emit([r for r in rows if float(str(r["calls"])) > 0] or rows, ns.csv)
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

    calls = _volumes(ns)
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
    rate = _rate(calls, ns.interval_minutes)
    if ns.patience is None:
        ec = erlang_c(np.asarray(agents), rate, ns.aht, ns.answer_time, strict=False)
        formula = {"sl": ec.service_level, "abandon": np.zeros(len(calls)), "asa": ec.asa, "p_wait": ec.p_wait}
    else:
        ea = erlang_a(np.asarray(agents), rate, ns.aht, ns.patience, ns.answer_time)
        formula = {"sl": ea.sl_offered, "abandon": ea.p_abandon, "asa": ea.asa, "p_wait": ea.p_wait}
    rows: list[Row] = []
    for i, est in enumerate(summary.per_interval):
        row: Row = {"interval": i, "calls": float(calls[i]), "agents": agents[i]}
        for name, key in (("sl_offered", "sl"), ("abandon_rate", "abandon"), ("asa", "asa"), ("p_wait", "p_wait")):
            e = est[name]
            row |= {f"{name}": e.mean, f"{name}_ci": e.half_width, f"{name}_erlang": float(formula[key][i])}
        row["occupancy"] = est["occupancy"].mean
        rows.append(row)
    _emit(rows, ns.csv)
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
    rows: list[Row] = []
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
    _emit(rows, ns.csv)
    if ns.csv != "-":
        print(f"single-skill (Erlang A per queue, then simulated): {_team(result.start.team)} = {result.start.size}")
        print(f"smallest team meeting every queue's target (simulated): {_team(result.best.team)} = {result.best.size}")
        print(f"{result.evaluations} teams simulated, {ns.replications} days each (same seeds for every team)")


def cmd_trunks(ns: argparse.Namespace) -> None:
    """SIP lines for a blocking target at a busy-hour load (``--calls``), or the load ``--lines`` carry."""
    from plateau.domain.wfm.trunks import blocking_probability, channel_load, lines_for_blocking, max_load

    hold = ns.ivr + ns.talk
    wait, source = ns.wait, "--wait"
    if ns.calls is not None and ns.agents is not None:  # the queue's mean wait from the advisors' model
        rate = float(_rate(ns.calls, ns.interval_minutes))
        aht = ns.talk + ns.wrap_up
        if ns.patience is None:
            wait, source = float(erlang_c(ns.agents, rate, aht, 0.0).asa), "Erlang C"
        else:
            wait, source = float(erlang_a(ns.agents, rate, aht, ns.patience, 0.0).mean_wait), "Erlang A"
    rows: list[Row] = []
    if ns.calls is not None:
        load = channel_load(float(_rate(ns.calls, ns.interval_minutes)), ns.talk, ivr_s=ns.ivr, wait_s=wait)
        lines = lines_for_blocking(load, ns.blocking)
        rows.append(
            {
                "calls": ns.calls,
                "hold_s": hold + wait,
                "wait_s": wait,
                "load_erl": load,
                "lines": lines,
                "blocking": blocking_probability(lines, load),
                "max_load_erl": max_load(lines, ns.blocking),
            }
        )
    for n in _agents(ns.lines) if ns.lines else []:
        carried = max_load(n, ns.blocking)
        per_interval = carried / (hold + wait) * 60 * ns.interval_minutes if hold + wait > 0 else float("nan")
        rows.append({"lines": n, "max_load_erl": carried, "max_calls": per_interval, "hold_s": hold + wait})
    if not rows:
        raise ValueError("--calls ou --lines est nécessaire")
    _emit(rows, ns.csv)
    if ns.csv != "-":
        print(
            f"lines held in the voice menu ({ns.ivr:g} s), in the queue ({wait:.1f} s, {source}) and in talk "
            f"({ns.talk:g} s); blocking target {ns.blocking:g} (Erlang B); calls per {ns.interval_minutes:g} min"
        )


def _team(team: dict[str, int]) -> str:
    return " + ".join(f"{name} {n}" for name, n in team.items())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plateau wfm", description="Workforce management: Erlang, staffing, shifts")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--interval-minutes", type=float, default=30.0, help="interval length (default 30)")
        p.add_argument("--aht", type=float, required=True, help="average handling time, seconds")
        p.add_argument("--answer-time", type=float, default=20.0, help="service-level threshold T, seconds")
        p.add_argument("--csv", help="write a CSV to this path ('-' for stdout)")

    def shrink(p: argparse.ArgumentParser, *, breaks: bool) -> None:
        if breaks:
            p.add_argument("--breaks", type=float, default=0.0, help="shrinkage: share of time on breaks (0.1)")
        p.add_argument("--absence", type=float, default=0.0, help="shrinkage: share of time absent (0.08)")
        p.add_argument("--training", type=float, default=0.0, help="shrinkage: share in training/meetings")

    ec = sub.add_parser("erlang-c", help="Erlang C metrics for a range of agents")
    common(ec)
    ec.add_argument("--calls", type=float, required=True, help="calls per interval")
    ec.add_argument("--agents", required=True, help="N, N1:N2 or N1,N2,...")
    ec.set_defaults(func=cmd_erlang_c)

    ea = sub.add_parser("erlang-a", help="Erlang A metrics (with abandonment) for a range of agents")
    common(ea)
    ea.add_argument("--calls", type=float, required=True, help="calls per interval")
    ea.add_argument("--agents", required=True, help="N, N1:N2 or N1,N2,...")
    ea.add_argument("--patience", type=float, required=True, help="mean patience before hanging up, seconds")
    ea.set_defaults(func=cmd_erlang_a)

    st = sub.add_parser("staff", help="agents needed per interval (Erlang C, or Erlang A with --patience)")
    common(st)
    src = st.add_mutually_exclusive_group(required=True)
    src.add_argument("--calls", help="comma-separated calls per interval")
    src.add_argument("--volumes", help="CSV with a 'calls' column (or one number a line)")
    st.add_argument("--patience", type=float, help="mean patience, seconds: use Erlang A")
    st.add_argument("--sl", type=float, help="service-level target, fraction (0.8)")
    st.add_argument("--max-asa", type=float, help="maximum ASA, seconds")
    st.add_argument("--max-abandon", type=float, help="maximum abandonment rate, fraction (Erlang A)")
    st.add_argument("--max-occupancy", type=float, help="maximum occupancy, fraction")
    st.add_argument("--sl-definition", choices=["offered", "answered", "handled"], default="offered")
    shrink(st, breaks=True)
    st.set_defaults(func=cmd_staff)

    sc = sub.add_parser("schedule", help="shift schedule covering a staffing curve (OR-Tools CP-SAT)")
    sc.add_argument("--required", required=True, help="CSV with an 'agents' column: days x intervals, in order")
    sc.add_argument("--interval-minutes", type=int, default=30)
    sc.add_argument("--advisors", type=int, required=True, help="advisors available")
    sc.add_argument("--pattern", action="append", help="NAME,HH:MM,DURATION_MIN[,BREAK_AFTER_MIN,BREAK_MIN]")
    sc.add_argument("--time-limit", type=float, default=10.0, help="solver time limit, seconds")
    sc.add_argument("--workers", type=int, default=2)
    sc.add_argument("--csv", help="write the per-interval table as CSV ('-' for stdout)")
    shrink(sc, breaks=False)
    sc.set_defaults(func=cmd_schedule)

    si = sub.add_parser("simulate", help="simulate days through the real routing engine (replications, CIs)")
    common(si)
    src = si.add_mutually_exclusive_group(required=True)
    src.add_argument("--calls", help="comma-separated calls per interval (one value: see --intervals)")
    src.add_argument("--volumes", help="CSV with a 'calls' column (or one number a line)")
    si.add_argument("--intervals", type=int, default=1, help="repeat a single --calls value this many times")
    si.add_argument("--agents", required=True, help="advisors logged in: one number, or one per interval")
    si.add_argument("--patience", type=float, help="mean patience, seconds (default: callers never hang up)")
    si.add_argument("--patience-dist", choices=["exponential", "lognormal", "gamma", "deterministic"])
    si.add_argument("--handle-dist", default="exponential", choices=["exponential", "lognormal", "gamma"])
    si.add_argument("--handle-cv", type=float, default=1.0, help="coefficient of variation of handling")
    si.add_argument("--wrap-up", type=float, default=0.0, help="wrap-up seconds (part of --aht)")
    si.add_argument("--callback-after", type=float, help="offer a callback after this many seconds of waiting")
    si.add_argument("--callback-acceptance", type=float, default=0.5, help="share of callers accepting it")
    si.add_argument("--replications", type=int, default=20)
    si.add_argument("--workers", type=int, help="processes (default: CPU count)")
    si.add_argument("--seed", type=int, default=0)
    si.set_defaults(func=cmd_simulate, patience_dist="exponential")

    ms = sub.add_parser("multiskill", help="several queues sharing advisors: smallest team per skill group")
    ms.add_argument("--queue", action="append", required=True, help="CODE,CALLS[,AHT[,PATIENCE]] (per interval)")
    ms.add_argument("--group", action="append", required=True, help="NAME=QUEUE[+QUEUE...][:MAX] (skills held)")
    ms.add_argument("--sl", type=float, help="service-level target for every queue, fraction (0.8)")
    ms.add_argument("--answer-time", type=float, default=20.0)
    ms.add_argument("--max-abandon", type=float, help="abandonment cap for every queue, fraction")
    ms.add_argument("--interval-minutes", type=float, default=30.0)
    ms.add_argument("--intervals", type=int, default=5, help="steady intervals simulated (the first is warm-up)")
    ms.add_argument("--replications", type=int, default=8)
    ms.add_argument("--workers", type=int, help="processes (default: CPU count)")
    ms.add_argument("--seed", type=int, default=0)
    ms.add_argument("--csv", help="write a CSV ('-' for stdout)")
    ms.set_defaults(func=cmd_multiskill)

    tr = sub.add_parser("trunks", help="SIP lines (channels) for a blocking target: Erlang B inverse")
    tr.add_argument("--calls", type=float, help="calls in the busy interval (default: an hour)")
    tr.add_argument("--interval-minutes", type=float, default=60.0, help="length of --calls' interval (60)")
    tr.add_argument("--talk", type=float, default=0.0, help="seconds a caller talks to an advisor (no wrap-up)")
    tr.add_argument("--ivr", type=float, default=0.0, help="seconds in the voice menu before queueing")
    tr.add_argument("--wait", type=float, default=0.0, help="mean seconds waiting in queue (all calls)")
    tr.add_argument("--agents", type=int, help="advisors: the mean wait from Erlang C, or A with --patience")
    tr.add_argument("--patience", type=float, help="mean patience, seconds (with --agents: Erlang A)")
    tr.add_argument("--wrap-up", type=float, default=0.0, help="wrap-up seconds (advisors' model only)")
    tr.add_argument("--blocking", type=float, default=0.01, help="share of calls refused for want of a line")
    tr.add_argument("--lines", help="N, N1:N2 or N1,N2,...: the load these lines carry")
    tr.add_argument("--csv", help="write a CSV ('-' for stdout)")
    tr.set_defaults(func=cmd_trunks)

    fc = sub.add_parser("forecast", help="calls per interval for future dates from arrival timestamps")
    source = fc.add_mutually_exclusive_group(required=True)
    source.add_argument("--arrivals", help="CSV with a 'timestamp' column (ISO 8601, local time)")
    source.add_argument("--programme", help="slug of a programme: its routing journal or contacts (Django)")
    fc.add_argument("--dates", required=True, help="comma-separated ISO dates to forecast")
    fc.add_argument("--interval-minutes", type=int, default=30)
    fc.add_argument("--weeks", type=int, default=6)
    fc.add_argument("--decay", type=float, default=0.7)
    fc.add_argument("--special", action="append", help="YYYY-MM-DD=label (bank holiday, launch...)")
    fc.add_argument("--backtest-weeks", type=int, default=1, help="weeks of WAPE backtest (0: none)")
    fc.add_argument("--source", choices=["auto", "journal", "contacts"], default="auto", help="with --programme")
    fc.add_argument("--queue", help="with --programme and the journal: one queue code")
    fc.add_argument("--calendar", choices=CALENDARS, default="france", help="public holidays as special days")
    fc.add_argument("--csv", help="write a CSV ('-' for stdout)")
    fc.set_defaults(func=cmd_forecast)
    return parser


def main(argv: list[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    try:
        ns.func(ns)
    except WfmError as exc:
        print(f"erreur ({exc.error_id}) : {exc.message}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    return 0
