"""`plateau sip --router` and `plateau router` as running processes joined by Redis and PostgreSQL: a sipp caller
dials the programme's number, becomes a routed contact, and the advisor's sipp phone rings and answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection

from plateau.calls.models import CallDetailRecord
from plateau.domain.routing import events as rev
from plateau.ivr.models import FlowStatus, IvrFlow
from plateau.routing.models import Queue
from plateau.services.router import bus as bus_module
from plateau.services.router import runtime
from plateau.services.router.client import RouterClient, new_id
from tests.routing.builders import demo_programmes
from tests.services.router.test_production import _database_url, fresh_journal
from tests.sip._isolated import run_isolated

from . import harness
from .harness import free_port, sipp
from .test_router_port import PROGRAMME, QUEUE_ID, db, experts, set_phone

pytestmark = [
    pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
]
REDIS_URL = "redis://127.0.0.1:6379/12"  # a database of its own for the inbox and status keys
STRAIGHT_TO_QUEUE = {"start": "q", "nodes": {"q": {"type": "queue", "queue": "appels", "announce_every_s": 60}}}


def _wait_line(proc: subprocess.Popen[bytes], text: str, limit: float = 20) -> None:
    """Read the process's output until ``text``, then keep draining it (a full pipe would block the process)."""
    assert proc.stdout is not None
    stdout = proc.stdout

    def read() -> None:
        while (line := stdout.readline()) and text not in line.decode(errors="replace"):
            pass

    run_isolated(asyncio.wait_for(asyncio.to_thread(read), limit))
    threading.Thread(target=stdout.read, daemon=True).start()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[int]:
    """`plateau router` then `plateau sip --router` on the test database; yields the gateway's UDP port."""
    if connection.vendor != "postgresql":
        pytest.skip("the gateway and router processes share the PostgreSQL test database")
    fresh_journal()
    programmes = demo_programmes()
    Queue.objects.filter(programme=programmes[PROGRAMME], code="appels").update(offer_timeout_s=10)
    IvrFlow.objects.create(programme=programmes[PROGRAMME], version=1, status=FlowStatus.PUBLISHED,
                           data=STRAIGHT_TO_QUEUE, published_at=dt.datetime.now(dt.UTC))  # fmt: skip
    r = redis.Redis.from_url(REDIS_URL)
    r.delete(runtime.inbox_key(), bus_module.status_key())
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DATABASE_URL": _database_url(), "REDIS_URL": REDIS_URL, "PLATEAU_VAR_DIR": str(tmp_path / "var")}
    cmd = [sys.executable, "-m", "plateau.cli"]
    port = free_port()
    out = subprocess.PIPE
    procs = [subprocess.Popen([*cmd, "router"], env=env, stdout=out, stderr=subprocess.STDOUT)]
    try:
        _wait_line(procs[0], "Plateau router ready")
        sip = [*cmd, "sip", "--router", "--port", str(port), "--var", str(tmp_path / "var"), "--reload-every", "60"]
        procs.append(subprocess.Popen(sip, env=env, stdout=out, stderr=subprocess.STDOUT))
        _wait_line(procs[1], "listening on udp")
        yield port
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
        r.delete(runtime.inbox_key(), bus_module.status_key())


def _status() -> dict[str, Any]:
    raw = redis.Redis.from_url(REDIS_URL).get(bus_module.status_key())
    return json.loads(raw) if raw else {}


def _cdr(advisor: str) -> CallDetailRecord | None:
    return CallDetailRecord.objects.filter(advisor=advisor, ended_at__isnull=False).select_related("programme").first()


def test_given_the_gateway_and_router_processes_when_a_caller_dials_then_the_advisors_phone_rings_and_answers(
    processes: int, tmp_path: Path
):
    advisor = experts()[0]
    voice = harness.voice_wav(tmp_path / "voice.wav")

    async def scenario() -> tuple[list[str], CallDetailRecord | None]:
        phone = await sipp("advisor_answer.xml", None, replace={"RINGMS": "200", "VOICE_WAV": voice}, tmp=tmp_path)
        await db(set_phone, advisor, f"sip:{advisor}@127.0.0.1:{phone.port}")
        await asyncio.to_thread(RouterClient(REDIS_URL).submit, rev.AdvisorLoggedIn(new_id(), 0, advisor))
        caller = await sipp("caller_queue.xml", processes, tmp=tmp_path, replace={"TALKMS": "1500", "VOICE_WAV": voice})
        busy: list[str] = []
        async with asyncio.timeout(15):
            while not busy:  # the router's status (published every second) shows the advisor with the call
                me = _status().get("advisors", {}).get(advisor) or {}
                busy = me.get("calls", []) if me.get("state") == "busy" else []
                await asyncio.sleep(0.2)
        for peer in (caller, phone):
            code, out = await peer.result()
            assert code == 0, (peer.name, out)
        cdr = None
        async with asyncio.timeout(10):
            while cdr is None:  # the gateway stores the call record when the caller hangs up
                cdr = await db(_cdr, advisor)
                await asyncio.sleep(0.2)
        return busy, cdr

    busy, cdr = run_isolated(asyncio.wait_for(scenario(), 40))
    assert cdr is not None and busy == [cdr.routing_contact_id] == [cdr.call_id]
    assert (cdr.programme.slug, cdr.queue, cdr.ended_by) == (PROGRAMME, QUEUE_ID, "caller")
    assert cdr.queued_at <= cdr.ringing_at <= cdr.bridged_at <= cdr.ended_at
