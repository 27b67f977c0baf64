"""``plateau wfm ...``: Erlang calculators, staffing, shift scheduling and forecasts from the command line.

Needs no Django (except ``forecast --programme``, which reads the contacts table): maths and simulation from
``plateau.domain.wfm``; tables on stdout, ``--csv PATH`` (or ``-``) for a CSV.
Units: volumes in calls per interval, durations in seconds unless the option says minutes.
"""

from __future__ import annotations

import argparse
import sys

from plateau.domain.wfm.errors import WfmError
from plateau.domain.wfm.forecast import CALENDARS

from .erlang import cmd_erlang_a, cmd_erlang_c, cmd_staff, cmd_trunks
from .planning import cmd_forecast, cmd_multiskill, cmd_schedule, cmd_simulate


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
