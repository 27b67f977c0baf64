"""The ``plateau`` command: parses the first word and hands over to the module of its command group.

``plateau run``      embedded mode: migrate, load the demo programmes, serve web (+ in-process services).
``plateau web``      one web process (production: several behind a load balancer).
``plateau router``   the routing service alone (production: journal in PostgreSQL, REDIS_URL for the web).
``plateau simulate`` traffic generator: a programme's day in virtual time, or live callers in real time.
``plateau manage …`` any Django management command (``plateau manage import_communes``…).
``plateau wfm …``    workforce management (Erlang C/A, staffing, shifts, simulation, forecasts)...
``plateau sip …``    the SIP gateway (voice menus, queues, bridging to advisors' phones); see docs/sip.md.
``plateau fake-api``  a local fake of API Particulier (eligibility checks); see docs/eligibility.md.
"""

from __future__ import annotations

import argparse
import os
import sys

from ._django import setup_django


def _serve(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    uvicorn.run("plateau.asgi:application", host=host, port=port, workers=workers, log_level="info")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="plateau", description="Plateau contact-centre platform")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="embedded mode: migrate, load demo data, serve on localhost")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--no-demo", action="store_true", help="do not load the demo programmes")
    run.add_argument("--demo-scale", type=float, default=1.0, help="shrink the demo volumes (e.g. 0.1)")
    run.add_argument("--simulate", default="", help="play live traffic for these programme slugs (comma-separated)")
    run.add_argument(
        "--expose-demo",
        action="store_true",
        help="serve on a non-loopback address although demo accounts still have the shared demo password",
    )
    run.add_argument(
        "--no-fake-api",
        action="store_true",
        help="do not start the local fake of API Particulier (PLATEAU_API_PARTICULIER_URL set: never started)",
    )
    fake = sub.add_parser("fake-api", help="serve a local fake of API Particulier v3 (tests, demo)")
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=int(os.environ.get("PLATEAU_API_PARTICULIER_FAKE_PORT", "8790")))
    sub.add_parser("router", help="run the routing service (production, needs REDIS_URL)")
    sim = sub.add_parser("simulate", help="traffic generator (Poisson arrivals, intraday profile)")
    sim.add_argument("programmes", nargs="*", help="programme slugs (default: all)")
    sim.add_argument("--realtime", action="store_true", help="live callers through the running router (REDIS_URL)")
    sim.add_argument("--volume", type=float, default=2000, help="contacts per programme over the day (virtual time)")
    sim.add_argument("--per-hour", type=float, default=120, help="arrivals per hour per programme (real time)")
    sim.add_argument("--virtual-advisors", type=int, default=0, help="add N virtual advisors per programme")
    sim.add_argument("--duration", type=float, default=0, help="stop after N seconds (real time; 0: never)")
    sim.add_argument("--seed", type=int, default=1)
    web = sub.add_parser("web", help="serve the web application (ASGI)")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=8000)
    web.add_argument("--workers", type=int, default=1)
    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    wfm = sub.add_parser(
        "wfm",
        help="workforce management: erlang-c, erlang-a, staff, trunks, schedule, simulate, forecast, multiskill",
        add_help=False,
    )
    wfm.add_argument("args", nargs=argparse.REMAINDER)
    sip = sub.add_parser("sip", help="SIP gateway: voice menus, queues, bridging to advisors' phones", add_help=False)
    sip.add_argument("args", nargs=argparse.REMAINDER)
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["wfm"]:  # before argparse: REMAINDER would swallow the sub-command's own --help badly
        from plateau.cli.wfm import main as wfm_main

        return wfm_main(args[1:])
    if args[:1] == ["sip"]:
        from plateau.services.sip.server import main as sip_main

        return sip_main(args[1:])
    ns = parser.parse_args(args)
    if ns.command == "fake-api":  # no Django: the fake is a plain ASGI application
        from plateau.eligibility.fake_api import serve

        serve(ns.host, ns.port)
        return 0

    setup_django()
    from django.core.management import call_command, execute_from_command_line

    if ns.command == "manage":
        execute_from_command_line(["plateau manage", *ns.args])
        return 0
    if ns.command == "run":
        call_command("migrate", interactive=False, verbosity=1)
        if not ns.no_demo:
            call_command("load_demo", scale=ns.demo_scale)
        from plateau.startup import refuse_exposed_demo

        refuse_exposed_demo(ns.host, allow=ns.expose_demo or os.environ.get("PLATEAU_EXPOSE_DEMO") == "1")
        from plateau.services.router.runtime import start_embedded

        start_embedded()  # the router thread of the single embedded process
        from plateau.services.scheduler import start_embedded as start_scheduler

        start_scheduler()  # lead deadlines, reminders, surveys and webhook retries, swept every minute
        if not ns.no_fake_api:
            from plateau.eligibility.embedded import start_fake_api

            start_fake_api()  # the eligibility line's benefits checks answered locally (docs/eligibility.md)
        if ns.simulate:
            from plateau.routing.simulate import start_realtime_thread

            start_realtime_thread(ns.simulate.split(","))
        print(f"Plateau is serving on http://{ns.host}:{ns.port}/ (embedded mode, SQLite)", flush=True)
        _serve(ns.host, ns.port)
        return 0
    if ns.command == "router":
        from plateau.services.router.runtime import run_forever

        run_forever()
        return 0
    if ns.command == "simulate":
        from plateau.routing.simulate import main as simulate_main

        return simulate_main(ns)
    if ns.command == "web":
        _serve(ns.host, ns.port, ns.workers)
        return 0
    return 2
