"""Wiring of the router service to Django settings: journal, bus, embedded thread, ``plateau router``.

Embedded (``plateau run``, no ``REDIS_URL``): the service runs in a daemon thread with its own event loop
inside the web process; views reach it through :class:`plateau.services.router.client.RouterClient`, the
SSE views through the in-process bus. Production (``REDIS_URL`` set): ``plateau router`` runs the service
alone; web processes push commands on a Redis list and read decisions from Redis pub/sub.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from plateau.domain.routing.codec import event_from_dict, event_to_dict
from plateau.domain.routing.journal import EventJournal
from plateau.services.router.bus import Bus, InProcessBus, RedisBus, redis_key
from plateau.services.router.journaled import JournaledRouter
from plateau.services.router.service import RouterService

log = logging.getLogger(__name__)

_embedded: RouterService | None = None
_bus: Bus | None = None


def inbox_key() -> str:
    """The Redis list web processes push routing commands on (namespaced by ``PLATEAU_REDIS_PREFIX``)."""
    return redis_key("inbox")


def open_journal() -> EventJournal:
    """PostgreSQL tables in the Django database, or a SQLite file next to it."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "postgresql":
        from plateau.services.router.journal_postgres import PostgresJournal

        parts = {
            "dbname": s["NAME"],
            "user": s.get("USER"),
            "password": s.get("PASSWORD"),
            "host": s.get("HOST"),
            "port": s.get("PORT"),
        }
        conninfo = " ".join(f"{k}={v}" for k, v in parts.items() if v)
        return PostgresJournal(conninfo)
    from plateau.services.router.journal_sqlite import SqliteJournal

    name = str(s["NAME"])
    if "memory" in name:  # e.g. the test database "file:memorydb_default?mode=memory&cache=shared": not a path
        path = Path(tempfile.gettempdir()) / f"plateau-{os.getpid()}-routing.sqlite3"
    else:
        path = Path(name).with_name(Path(name).stem + "-routing.sqlite3")
    return SqliteJournal(path, synchronous="NORMAL")


def bus() -> Bus:
    """The process-wide bus (Redis when ``REDIS_URL`` is set)."""
    global _bus
    if _bus is None:
        from django.conf import settings

        _bus = RedisBus(settings.REDIS_URL) if settings.REDIS_URL else InProcessBus()
    return _bus


def reset_bus() -> None:
    """Tests switch between modes."""
    global _bus
    _bus = None


def build_service(journal: EventJournal | None = None, **kwargs: Any) -> RouterService:
    """Recover from the journal and apply the configuration in the database if it changed (ORM: here only)."""
    from plateau.routing.configuration import build_config

    router = JournaledRouter(journal if journal is not None else open_journal())
    return RouterService(router, bus(), config=build_config(), **kwargs)


def embedded() -> RouterService | None:
    return _embedded


def start_embedded(service: RouterService | None = None) -> RouterService:
    """Run the service in a daemon thread with its own event loop; returns once it accepts events."""
    global _embedded
    svc = service if service is not None else build_service()
    ready = threading.Event()

    def main() -> None:
        async def go() -> None:
            task = asyncio.create_task(svc.run())
            while not svc.ready:  # noqa: ASYNC110 - ``ready`` is set by run() in this same loop
                await asyncio.sleep(0.005)
            ready.set()
            await task

        asyncio.run(go())

    threading.Thread(target=main, name="plateau-router", daemon=True).start()
    if not ready.wait(10):
        raise RuntimeError("router did not start")
    _embedded = svc
    return svc


def stop_embedded() -> None:
    global _embedded
    if _embedded is not None:
        _embedded.stop()
        _embedded = None


async def serve_redis_inbox(service: RouterService, url: str) -> None:
    """Production: commands from web processes (``{"events": [...], "reply": key}`` on :func:`inbox_key`)."""
    import redis.asyncio as aioredis

    inbox = inbox_key()
    client = aioredis.Redis.from_url(url)
    try:
        while True:
            item = await client.blpop([inbox], timeout=1)
            if item is None:
                continue
            request = json.loads(item[1])
            reply: dict[str, Any]
            try:
                decisions = await service.submit([event_from_dict(e) for e in request["events"]])
                reply = {"decisions": [event_to_dict(d) for d in decisions]}
            except Exception as exc:
                log.exception("routing command failed")
                reply = {"decisions": [], "error": str(exc)}
            if request.get("reply"):
                await client.rpush(request["reply"], json.dumps(reply))
                await client.expire(request["reply"], 30)
    finally:
        await client.aclose()


def run_forever() -> None:
    """``plateau router``: the production service (journal in the database, Redis for commands and events)."""
    from django.conf import settings

    if not settings.REDIS_URL:
        raise SystemExit("plateau router needs REDIS_URL (the embedded mode runs the router inside plateau run)")
    service = build_service()

    async def go() -> None:
        inbox = asyncio.create_task(serve_redis_inbox(service, settings.REDIS_URL))
        try:
            await service.run()
        finally:
            inbox.cancel()

    log.info("router ready at seq %s", service.router.seq)
    print(f"Plateau router ready (journal seq {service.router.seq})", flush=True)
    asyncio.run(go())
