"""``plateau sip``: run the gateway (uvloop when available, ``gc.freeze`` after start-up)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from plateau.domain.ivr import Flow, parse_flow
from plateau.domain.ivr.line_rules import LineRules
from plateau.services.sip import events as ev
from plateau.services.sip.calls import GatewayConfig
from plateau.services.sip.dialog import Registrar
from plateau.services.sip.gateway import Gateway
from plateau.services.sip.prompts import PromptStore, generate

log = logging.getLogger(__name__)
NATIONAL_NUMBER = "3211"
T = TypeVar("T")


def national_line(urssaf: str) -> dict[str, Any]:
    """The national personal-services line (programme 1): CESU/law questions → URSSAF, providers → queue."""
    return {
        "start": "hours",
        "nodes": {
            "hours": {
                "type": "hours",
                "weekly": {d: [["08:30", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                "calendar": "france",
                "open": "menu",
                "closed": "closed",
            },
            "menu": {
                "type": "menu",
                "prompt": "welcome",
                "options": {"1": "urssaf", "2": "tag"},
                "timeout_s": 6,
                "retries": 2,
                "invalid_prompt": "invalid",
                "no_input_prompt": "no_input",
                "fallback": "callback",
            },
            "urssaf": {"type": "transfer", "target": urssaf, "prompt": "transfer"},
            "tag": {"type": "set", "values": {"need": "provider"}, "next": "queue"},
            "queue": {"type": "queue", "queue": "directory", "announce_every_s": 30},
            "callback": {
                "type": "callback",
                "prompt": "callback_offer",
                "next": "goodbye",
                "confirm_prompt": "callback_ok",
            },
            "goodbye": {"type": "hangup", "prompt": "goodbye"},
            "closed": {"type": "hangup", "prompt": "closed"},
        },
    }


def install_event_loop() -> str:
    """Use uvloop when installed (2-3x the media capacity), stdlib asyncio otherwise."""
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return "uvloop"


def _log_event(event: ev.CallEvent) -> None:
    data = asdict(event)
    data["event"] = type(event).__name__
    print(json.dumps(data, ensure_ascii=False, default=str), flush=True)


def clock_stats(gateway: Gateway) -> dict[str, object]:
    """Lateness of the media clock since the last call (then forgotten), for operators and benchmarks."""
    late = sorted(gateway.media.lateness)
    gateway.media.lateness.clear()
    if not late:
        return {}
    p99 = late[min(len(late) - 1, int(0.99 * len(late)))]
    return {"stats": "media_clock", "t": round(time.time(), 3), "ticks": len(late), "calls": len(gateway.calls),
            "tick_late_p99_ms": round(1000 * p99, 2), "tick_late_max_ms": round(1000 * late[-1], 2)}  # fmt: skip


async def _report(gateway: Gateway, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        stats = clock_stats(gateway)
        if stats:
            print(json.dumps(stats), flush=True)


def router_port(queues: list[str], stdout: bool) -> Any:
    """``--router``: calls become routed contacts (Django set up here, the router reached like the web does)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plateau.settings")
    import django

    django.setup()
    from django.conf import settings

    from plateau.startup import refuse_unsafe_start

    refuse_unsafe_start()
    if not settings.REDIS_URL:  # the router runs in another process (plateau router); Redis joins them
        raise SystemExit("plateau sip --router needs REDIS_URL (and plateau router running)")
    from plateau.calls import services as store
    from plateau.services.router.client import RouterClient
    from plateau.services.router.runtime import bus
    from plateau.services.sip.router_port import RouterPort

    mapping = dict(spec.partition("=")[::2] for spec in queues)
    return RouterPort(RouterClient(), bus(), store, queues=mapping, also=_log_event if stdout else None)


class DatabaseFlows:
    """Flows published in the database (``plateau.ivr``), over the built-in or ``--flow`` ones; reloaded when
    a flow is published, a prompt recorded, a tariff edited or a caller blocked or lifted. Calls in progress keep
    the flow they started with. ``rules`` (price announcements, blocked callers) is the last load's."""

    def __init__(
        self, fallback: dict[str, tuple[str, Flow]], prompts: PromptStore, prompts_dir: Path | None = None
    ) -> None:  # fmt: skip
        self.fallback, self.base_prompts, self.prompts_dir = fallback, prompts, prompts_dir
        self.seen: tuple[object, ...] | None = None
        self.rules = LineRules()

    def load(self) -> tuple[dict[str, tuple[str, Flow]], PromptStore]:
        """Blocking (ORM): run it at start-up or in a worker thread, never on the event loop."""
        from plateau.ivr.lines import fingerprint, load_lines

        self.seen = fingerprint()
        lines = load_lines(self.prompts_dir)
        self.rules = lines.rules
        return {**self.fallback, **lines.programmes}, self.base_prompts.with_audio(lines.audio)

    def changed(self) -> bool:
        from plateau.ivr.lines import fingerprint

        return fingerprint() != self.seen

    @staticmethod
    def _in_worker(query: Callable[[], T]) -> T:
        from django.db import connections

        try:
            return query()
        finally:
            connections.close_all()  # executor threads come and go: leave no database session open in one

    async def watch(self, gateway: Gateway, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                if not await asyncio.wait_for(asyncio.to_thread(self._in_worker, self.changed), every * 4):
                    continue
                loaded = await asyncio.wait_for(asyncio.to_thread(self._in_worker, self.load), 60)
                gateway.programmes, gateway.prompts = loaded
                gateway.rules = self.rules
            except Exception:  # the database away for a while: keep serving the flows we have
                log.exception("voice menus not reloaded")
                continue
            print(f"voice menus reloaded: {', '.join(sorted(gateway.programmes))}", flush=True)


def _database_flows(
    fallback: dict[str, tuple[str, Flow]], prompts: PromptStore, prompts_dir: Path
) -> tuple[DatabaseFlows | None, dict[str, tuple[str, Flow]], PromptStore]:
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plateau.settings")
        import django

        django.setup()
        from plateau.startup import refuse_unsafe_start

        refuse_unsafe_start()
        source = DatabaseFlows(fallback, prompts, prompts_dir)
        programmes, store = source.load()
    except Exception as exc:  # no database (or not migrated): the built-in line still answers
        print(f"voice menus from the database unavailable ({type(exc).__name__}: {exc}); built-in flows", flush=True)
        return None, fallback, prompts
    return source, programmes, store


async def serve(
    gateway: Gateway, stop: asyncio.Event, stats_every: float = 5.0, flows: DatabaseFlows | None = None,
    reload_every: float = 5.0, port: Any = None,
) -> None:  # fmt: skip
    await gateway.start()
    if port is not None:
        port.attach(gateway)
        await port.start()
    gc.freeze()  # start-up objects never die: keep them out of the collector's generations
    log.info("SIP gateway listening on %s:%s", gateway.config.host, gateway.port)
    print(f"plateau sip: listening on udp {gateway.config.host}:{gateway.port}", flush=True)
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(_report(gateway, stats_every))]
    if flows is not None:
        tasks.append(loop.create_task(flows.watch(gateway, reload_every)))
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await gateway.close()
        if port is not None:
            await port.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="plateau sip", description="SIP gateway: voice menus, queues, bridging")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5060)
    parser.add_argument(
        "--var", type=Path, default=Path(os.environ.get("PLATEAU_VAR_DIR", "var")), help="prompts, voicemail"
    )
    parser.add_argument("--max-calls", type=int, default=500)
    parser.add_argument("--urssaf", default="sip:urssaf@127.0.0.1:5070", help="transfer target of menu choice 1")
    parser.add_argument("--flow", action="append", default=[], metavar="NUMBER=FILE.json",
                        help="a flow (default: national line on 3211); published DB flows win")  # fmt: skip
    parser.add_argument("--advisor", action="append", default=[], metavar="NAME=SIP-URI", help="static advisor phone")
    parser.add_argument("--account", action="append", default=[], metavar="NAME:PASSWORD", help="advisor REGISTER")
    parser.add_argument("--national-programme", default="national", help="programme slug of the built-in line")
    parser.add_argument("--router", action="store_true", help="calls become contacts of the router (REDIS_URL)")
    parser.add_argument("--queue", action="append", default=[], metavar="IVR=CODE",
                        help="IVR queue name -> routing queue code (default: the same code)")  # fmt: skip
    parser.add_argument("--events-stdout", action="store_true", help="with --router: also print events as JSON")
    parser.add_argument("--no-db", action="store_true", help="ignore the flows published in the database")
    parser.add_argument("--reload-every", type=float, default=5.0, help="seconds between checks for published flows")
    parser.add_argument("--prompts-only", action="store_true", help="generate the prompts and exit")
    parser.add_argument("--loop", choices=("auto", "asyncio"), default="auto", help="asyncio: never uvloop")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    prompts_dir = args.var / "prompts"
    made = generate(prompts_dir)
    if made:
        print(f"generated prompts: {', '.join(made)}", flush=True)
    if args.prompts_only:
        return 0
    programmes: dict[str, tuple[str, Flow]] = {}
    for spec in args.flow:
        number, _, path = spec.partition("=")
        programmes[number] = (number, parse_flow(number, json.loads(Path(path).read_text())))
    if not programmes:
        slug = args.national_programme
        programmes[NATIONAL_NUMBER] = (slug, parse_flow(slug, national_line(args.urssaf)))
    prompts = PromptStore.load(prompts_dir)
    flows: DatabaseFlows | None = None
    if not args.no_db:
        flows, programmes, prompts = _database_flows(programmes, prompts, prompts_dir)
    print(f"numbers: {', '.join(f'{n} ({p})' for n, (p, _) in sorted(programmes.items()))}", flush=True)
    registrar = Registrar()
    for spec in args.advisor:
        name, _, uri = spec.partition("=")
        registrar.static[name] = uri
    for spec in args.account:
        name, _, password = spec.partition(":")
        registrar.add_account(name, password)
    loop_kind = install_event_loop() if args.loop == "auto" else "asyncio"
    config = GatewayConfig(host=args.host, port=args.port, max_calls=args.max_calls, var_dir=args.var)
    port = router_port(args.queue, args.events_stdout) if args.router else None
    rules = flows.rules if flows is not None else None
    gateway = Gateway(programmes, prompts, config, registrar, on_event=_log_event, rules=rules)
    print(f"event loop: {loop_kind}", flush=True)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(gateway, stop, flows=flows, reload_every=args.reload_every, port=port)

    asyncio.run(run())
    return 0
