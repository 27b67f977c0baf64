"""``plateau wfm erlang-c | erlang-a | staff | trunks``: Erlang calculators and staffing per interval."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import numpy as np

from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.erlang_bc import erlang_c
from plateau.domain.wfm.shrinkage import Shrinkage
from plateau.domain.wfm.staffing import Target, staff_erlang_a, staff_erlang_c

if TYPE_CHECKING:
    pass


from . import _io as io


def cmd_erlang_c(ns: argparse.Namespace) -> None:
    agents = io.agents(ns.agents)
    r = erlang_c(agents, io.rate(ns.calls, ns.interval_minutes), ns.aht, ns.answer_time, strict=False)
    rows: list[io.Row] = []
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
    io.emit(rows, ns.csv)


def cmd_erlang_a(ns: argparse.Namespace) -> None:
    agents = io.agents(ns.agents)
    r = erlang_a(agents, io.rate(ns.calls, ns.interval_minutes), ns.aht, ns.patience, ns.answer_time)
    rows: list[io.Row] = [
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
    io.emit(rows, ns.csv)


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
    calls = io.volumes(ns)
    rate = io.rate(calls, ns.interval_minutes)
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
    rows: list[io.Row] = [
        {"interval": i, "calls": float(calls[i]), **{k: v[i].item() for k, v in metrics.items()}}
        for i in range(len(calls))
    ]
    io.emit(rows, ns.csv)
    if not ns.csv or ns.csv != "-":
        print(f"total agent-intervals: {int(np.sum(n))}  peak: {int(np.max(n, initial=0))}")
        if shrinkage.total:
            heads = metrics["heads"]
            print(
                f"to schedule with {100 * shrinkage.total:g} % shrinkage: {int(np.sum(heads))} agent-intervals  "
                f"peak: {int(np.max(heads, initial=0))}"
            )


def cmd_trunks(ns: argparse.Namespace) -> None:
    """SIP lines for a blocking target at a busy-hour load (``--calls``), or the load ``--lines`` carry."""
    from plateau.domain.wfm.trunks import blocking_probability, channel_load, lines_for_blocking, max_load

    hold = ns.ivr + ns.talk
    wait, source = ns.wait, "--wait"
    if ns.calls is not None and ns.agents is not None:  # the queue's mean wait from the advisors' model
        rate = float(io.rate(ns.calls, ns.interval_minutes))
        aht = ns.talk + ns.wrap_up
        if ns.patience is None:
            wait, source = float(erlang_c(ns.agents, rate, aht, 0.0).asa), "Erlang C"
        else:
            wait, source = float(erlang_a(ns.agents, rate, aht, ns.patience, 0.0).mean_wait), "Erlang A"
    rows: list[io.Row] = []
    if ns.calls is not None:
        load = channel_load(float(io.rate(ns.calls, ns.interval_minutes)), ns.talk, ivr_s=ns.ivr, wait_s=wait)
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
    for n in io.agents(ns.lines) if ns.lines else []:
        carried = max_load(n, ns.blocking)
        per_interval = carried / (hold + wait) * 60 * ns.interval_minutes if hold + wait > 0 else float("nan")
        rows.append({"lines": n, "max_load_erl": carried, "max_calls": per_interval, "hold_s": hold + wait})
    if not rows:
        raise ValueError("--calls ou --lines est nécessaire")
    io.emit(rows, ns.csv)
    if ns.csv != "-":
        print(
            f"lines held in the voice menu ({ns.ivr:g} s), in the queue ({wait:.1f} s, {source}) and in talk "
            f"({ns.talk:g} s); blocking target {ns.blocking:g} (Erlang B); calls per {ns.interval_minutes:g} min"
        )
