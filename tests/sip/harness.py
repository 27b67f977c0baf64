"""Run our gateway in-process and real sipp peers as subprocesses, all on 127.0.0.1 and ephemeral ports."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plateau.domain.ivr import Flow, parse_flow
from plateau.services.sip import events as ev
from plateau.services.sip.calls import GatewayConfig
from plateau.services.sip.dialog import Registrar
from plateau.services.sip.gateway import Gateway
from plateau.services.sip.prompts import PromptStore
from plateau.services.sip.transport import Timers

SCENARIOS = Path(__file__).parent / "scenarios"
SIPP = shutil.which("sipp")
NUMBER = "3211"
WEDNESDAY_10H = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def tone(seconds: float, byte: int) -> bytes:
    """A recognisable prompt: a constant A-law/µ-law byte (each prompt its own)."""
    return bytes([byte]) * int(8000 * seconds)


def tone_prompts() -> PromptStore:
    names = ["welcome", "invalid", "no_input", "transfer", "queued", "music", "goodbye", "one", "two", "closed"]
    names += [f"position_{n}" for n in range(1, 10)]
    audio = {}
    for i, name in enumerate(names):
        seconds = 3.0 if name == "welcome" else 0.4
        for codec in ("PCMA", "PCMU"):
            audio[(name, codec)] = tone(seconds, 0x10 + i)
    return PromptStore(audio)


def menu_flow(
    transfer_target: str = "sip:urssaf@127.0.0.1:9", method: str = "refer", four: str = "queue"
) -> dict[str, Any]:
    flow: dict[str, Any] = {
        "start": "menu",
        "nodes": {
            "menu": {
                "type": "menu",
                "prompt": "welcome",
                "options": {"1": "one", "2": "two", "3": "urssaf", "4": four},
                "timeout_s": 8,
                "retries": 0,
            },
            "one": {"type": "hangup", "prompt": "one"},
            "two": {"type": "hangup", "prompt": "two"},
            "urssaf": {"type": "transfer", "target": transfer_target, "prompt": "transfer", "method": method},
            "queue": {"type": "queue", "queue": "directory", "announce_every_s": 5},
        },
    }
    if four != "queue":
        del flow["nodes"]["queue"]
    return flow


def voice_wav(path: Path) -> str:
    """A 30 s A-law 440 Hz WAV the sipp peers stream (sipp ends nothing when it runs out; it loops with -1)."""
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-e", "a-law", str(path), "synth", "30", "sine", "440",
                    "vol", "0.3"], check=True, timeout=30)  # fmt: skip
    return str(path)


def free_port() -> int:
    """A free even UDP port whose +1..+3 are free too (sipp uses media port, +2)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1] & ~1
        if port > 65000:
            continue
        try:
            socks = []
            for p in range(port, port + 4):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(sock)
                sock.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no free port")


@dataclass
class Run:
    gateway: Gateway
    events: list[ev.CallEvent] = field(default_factory=list)

    def of(self, kind: type[ev.CallEvent]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    async def wait_for(self, kind: type[ev.CallEvent], count: int = 1, limit: float = 10) -> list[Any]:
        async with asyncio.timeout(limit):
            while len(self.of(kind)) < count:  # noqa: ASYNC110 (events come from callbacks)
                await asyncio.sleep(0.02)
        return self.of(kind)


@contextlib.asynccontextmanager
async def gateway(flow: dict[str, Any] | Flow | None = None, **config: Any) -> AsyncIterator[Run]:
    registrar = config.pop("registrar", None) or Registrar()
    on_call_queued = config.pop("on_call_queued", None)
    run: Run | None = None
    config.setdefault("timers", Timers(t1=0.1, t2=0.4, t4=0.5))
    cfg = GatewayConfig(clock=lambda: WEDNESDAY_10H, **config)
    parsed = flow if isinstance(flow, Flow) else parse_flow("national", flow or menu_flow())
    gw = Gateway({NUMBER: ("national", parsed)}, tone_prompts(), cfg, registrar,
                 on_event=lambda e: run.events.append(e) if run else None, on_call_queued=on_call_queued)  # fmt: skip
    run = Run(gw)
    await gw.start()
    try:
        yield run
    finally:
        await asyncio.wait_for(gw.close(), 5)


@dataclass
class Sipp:
    proc: asyncio.subprocess.Process
    port: int
    media_port: int
    name: str

    async def result(self, limit: float = 20) -> tuple[int, str]:
        try:
            out, err = await asyncio.wait_for(self.proc.communicate(), limit)
        except TimeoutError:
            self.proc.kill()
            out, err = await self.proc.communicate()
            return -1, (out + err).decode(errors="replace")
        return self.proc.returncode or 0, (out + err).decode(errors="replace")


async def sipp(
    scenario: str, gateway_port: int | None, *, replace: dict[str, str] | None = None, extra: list[str] | None = None,
    tmp: Path, calls: int = 1,
) -> Sipp:  # fmt: skip
    """Start sipp with one of our scenarios (``gateway_port`` None: a UAS waiting for our calls)."""
    assert SIPP is not None, "sipp missing: make test-system-deps"
    text = (SCENARIOS / scenario).read_text()
    for key, value in (replace or {}).items():
        text = text.replace(key, value)
    path = tmp / f"{scenario}.{free_port()}.xml"
    path.write_text(text)
    port, media = free_port(), free_port()
    cmd = [SIPP, "-sf", str(path), "-i", "127.0.0.1", "-p", str(port), "-mi", "127.0.0.1", "-mp", str(media),
           "-m", str(calls), "-l", str(calls), "-s", NUMBER, "-timeout", "30s", "-timeout_error", "-nostdin",
           "-bind_local", "-trace_msg", *(extra or [])]  # fmt: skip
    if gateway_port is not None:
        cmd.append(f"127.0.0.1:{gateway_port}")
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=str(tmp),
    )
    await asyncio.sleep(0.15)  # let a UAS bind before anyone calls it
    return Sipp(proc, port, media, scenario)
