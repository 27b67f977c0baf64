"""Load the SIP gateway like the telephony prototype was loaded, and print its figures.

    .venv/bin/python bench/sip_load.py bridge --calls 240 --seconds 20       # bridged calls (advisor phones answer)
    .venv/bin/python bench/sip_load.py hold --calls 600 --seconds 20         # callers on hold music
    .venv/bin/python bench/sip_load.py setup --calls 500                     # call set-up rate (INVITE..BYE)
    add --loop asyncio to run the gateway on the stdlib loop instead of uvloop

The gateway runs as ``plateau sip`` in its own process pinned to CPU 1; this load generator (callers and
advisor phones, 50 RTP packets/s per leg each way, send time stamped in the payload) is pinned to CPU 0.
Added latency = receive time - send time of each relayed packet (both clocks are this process's); loss =
relayed packets sent in the window that never came back; hold timing = |inter-arrival gap - 20 ms|.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import struct
import sys
import tempfile
import time
from pathlib import Path

from plateau.services.sip import message as sipmsg
from plateau.services.sip import rtp, sdp
from plateau.services.sip.message import SipMessage

HOST = "127.0.0.1"
MAGIC = b"PLBN"
STAMP = struct.Struct("!4sIId")  # magic, leg id, sequence, send time
FLOWS = {
    "bridge": {"start": "q", "nodes": {"q": {"type": "queue", "queue": "bench", "announce_position": False}}},
    "hold": {"start": "q", "nodes": {"q": {"type": "queue", "queue": "bench", "announce_every_s": 30}}},
    "setup": {"start": "h", "nodes": {"h": {"type": "hangup"}}},
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class Leg(asyncio.DatagramProtocol):
    """One RTP endpoint of the generator (a caller or an advisor phone)."""

    def __init__(self, bench: Bench, ident: int) -> None:
        self.bench, self.ident = bench, ident
        self.transport: asyncio.DatagramTransport | None = None
        self.remote: tuple[str, int] | None = None
        self.seq = 0
        self.ts = 0
        self.sending = False
        self.last_rx = 0.0
        self.first_seq: int | None = None
        self.rx_in_window = self.span = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        now = time.perf_counter()
        b = self.bench
        payload = data[12:]
        if payload[:4] == MAGIC:
            _, _, _, sent = STAMP.unpack_from(payload)
            if b.window[0] <= sent <= b.window[1]:
                b.latencies.append(now - sent)
                b.relayed_rx += 1
        elif b.window[0] <= now <= b.window[1]:
            if self.last_rx:
                b.gaps.append(abs(now - self.last_rx - 0.02))
            seq = struct.unpack_from("!H", data, 2)[0]
            if self.first_seq is None:
                self.first_seq = seq
            self.rx_in_window += 1
            self.span = ((seq - self.first_seq) & 0xFFFF) + 1
        self.last_rx = now

    def send(self, now: float) -> None:
        if not self.sending or self.transport is None or self.remote is None:
            return
        self.seq += 1
        payload = STAMP.pack(MAGIC, self.ident, self.seq, time.perf_counter()).ljust(rtp.FRAME_SAMPLES, b"\xd5")
        self.transport.sendto(rtp.pack(8, self.seq, self.ts, self.ident, payload), self.remote)
        self.ts += rtp.FRAME_SAMPLES
        if self.bench.window[0] <= now <= self.bench.window[1]:
            self.bench.sent_in_window += 1


class Bench(asyncio.DatagramProtocol):
    """SIP for both sides: callers (INVITE to the gateway) and advisor phones (answer the gateway's INVITEs)."""

    def __init__(self, mode: str, gateway: tuple[str, int]) -> None:
        self.mode, self.gateway = mode, gateway
        self.transport: asyncio.DatagramTransport | None = None
        self.port = 0
        self.legs: list[Leg] = []
        self.calls: dict[str, dict[str, object]] = {}
        self.window = (float("inf"), float("inf"))
        self.latencies: list[float] = []
        self.gaps: list[float] = []
        self.sent_in_window = self.relayed_rx = self.music_rx = 0
        self.answered = self.bridged = self.ended = self.failed = 0
        self.setup_times: list[float] = []
        self.done = asyncio.Event()
        self.target = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self.pending: set[str] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.port = transport.get_extra_info("sockname")[1]

    async def leg(self) -> Leg:
        leg = Leg(self, len(self.legs) + 1)
        await asyncio.get_running_loop().create_datagram_endpoint(lambda: leg, local_addr=(HOST, 0))
        self.legs.append(leg)
        return leg

    async def call(self) -> None:
        leg = await self.leg()
        assert leg.transport is not None and self.transport is not None
        port = leg.transport.get_extra_info("sockname")[1]
        call_id, tag, branch = sipmsg.new_call_id(HOST), sipmsg.new_tag(), sipmsg.new_branch()
        body = sdp.offer(HOST, port, sdp.Session(1), codec="PCMA")
        uri = f"sip:9000@{HOST}:{self.gateway[1]}"
        data = sipmsg.request(
            "INVITE",
            uri,
            via_host=HOST,
            via_port=self.port,
            branch=branch,
            from_=f"<sip:caller@{HOST}:{self.port}>;tag={tag}",
            to=f"<{uri}>",
            call_id=call_id,
            cseq=1,
            contact=f"<sip:caller@{HOST}:{self.port}>",
            body=body,
        )
        self.calls[call_id] = {"leg": leg, "tag": tag, "uri": uri, "start": time.perf_counter(), "caller": True}
        self.transport.sendto(data, self.gateway)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        msg = sipmsg.parse(data)
        if not isinstance(msg, SipMessage) or self.transport is None:
            return
        if not msg.is_request:
            self._response(msg)
        elif msg.method == "INVITE":
            if msg.call_id in self.calls or msg.call_id in self.pending:
                return  # a retransmission while we were answering (a slow generator, not the gateway)
            self.pending.add(msg.call_id)
            task = asyncio.get_running_loop().create_task(self._advisor_answer(msg, addr))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        elif msg.method == "ACK":
            call = self.calls.get(msg.call_id)
            if call and not call.get("acked"):
                call["acked"] = True
                call["leg"].sending = True  # type: ignore[union-attr]
                self.bridged += 1
        elif msg.method == "BYE":
            self.transport.sendto(sipmsg.response(msg, 200), addr)
            call = self.calls.pop(msg.call_id, None)
            if call:
                call["leg"].sending = False  # type: ignore[union-attr]
                self.ended += 1
                if self.mode == "setup":
                    self.setup_times.append(time.perf_counter() - call["start"])  # type: ignore[operator]
                    if self.ended >= self.target:
                        self.done.set()
        else:
            self.transport.sendto(sipmsg.response(msg, 200), addr)

    def _response(self, msg: SipMessage) -> None:
        call = self.calls.get(msg.call_id)
        if call is None or msg.cseq_method != "INVITE" or msg.code < 200 or call.get("acked"):
            return
        if msg.code >= 300:
            self.failed += 1
            self.calls.pop(msg.call_id, None)
            return
        call["acked"] = True
        call["to"] = msg.header("To")
        neg = sdp.negotiate(sdp.parse(msg.body))
        leg: Leg = call["leg"]  # type: ignore[assignment]
        leg.remote = (neg.remote_host, neg.remote_port)
        ack = sipmsg.request(
            "ACK",
            str(call["uri"]),
            via_host=HOST,
            via_port=self.port,
            branch=sipmsg.new_branch(),
            from_=f"<sip:caller@{HOST}:{self.port}>;tag={call['tag']}",
            to=str(call["to"]),
            call_id=msg.call_id,
            cseq=1,
        )
        assert self.transport is not None
        self.transport.sendto(ack, self.gateway)
        leg.sending = self.mode == "bridge"
        self.answered += 1

    async def _advisor_answer(self, invite: SipMessage, addr: tuple[str, int]) -> None:
        leg = await self.leg()
        assert leg.transport is not None and self.transport is not None
        neg = sdp.negotiate(sdp.parse(invite.body))
        leg.remote = (neg.remote_host, neg.remote_port)
        body = sdp.answer(neg, HOST, leg.transport.get_extra_info("sockname")[1], sdp.Session(2))
        self.calls[invite.call_id] = {"leg": leg, "start": time.perf_counter()}
        self.pending.discard(invite.call_id)
        reply = sipmsg.response(
            invite, 200, to_tag=sipmsg.new_tag(), contact=f"<sip:adv@{HOST}:{self.port}>", body=body
        )
        self.transport.sendto(reply, addr)

    def hangup_all(self) -> None:
        assert self.transport is not None
        for call_id, call in list(self.calls.items()):
            if call.get("caller") and call.get("to"):
                bye = sipmsg.request(
                    "BYE",
                    str(call["uri"]),
                    via_host=HOST,
                    via_port=self.port,
                    branch=sipmsg.new_branch(),
                    from_=f"<sip:caller@{HOST}:{self.port}>;tag={call['tag']}",
                    to=str(call["to"]),
                    call_id=call_id,
                    cseq=2,
                )
                self.transport.sendto(bye, self.gateway)


async def ticker(bench: Bench, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    next_tick = loop.time()
    while not stop.is_set():
        now = time.perf_counter()
        for leg in bench.legs:
            leg.send(now)
        next_tick += rtp.FRAME_SECONDS
        await asyncio.sleep(max(0.0, next_tick - loop.time()))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(args: argparse.Namespace) -> dict[str, object]:
    loop = asyncio.get_running_loop()
    bench = Bench(args.mode, (HOST, free_port()))
    await loop.create_datagram_endpoint(lambda: bench, local_addr=(HOST, 0))
    tmp = Path(tempfile.mkdtemp(prefix="sipbench"))
    (tmp / "flow.json").write_text(json.dumps(FLOWS[args.mode]))
    advisors = [
        f"--advisor=adv{i}=sip:adv{i}@{HOST}:{bench.port}" for i in range(args.calls if args.mode == "bridge" else 0)
    ]
    cmd = [
        "taskset",
        "-c",
        "1",
        sys.executable,
        "-m",
        "plateau.cli",
        "sip",
        "--port",
        str(bench.gateway[1]),
        "--var",
        str(tmp),
        "--flow",
        f"9000={tmp / 'flow.json'}",
        "--max-calls",
        str(args.calls + 10),
        "--loop",
        args.loop,
        *advisors,
    ]
    log = tmp / "gateway.log"  # a file, not a pipe: a full pipe would block the gateway's event log
    with log.open("w") as out:
        gateway = await asyncio.create_subprocess_exec(*cmd, stdout=out, stderr=asyncio.subprocess.DEVNULL)
    async with asyncio.timeout(120):
        while "listening" not in log.read_text():  # noqa: ASYNC110 (a child process's file)
            await asyncio.sleep(0.1)
    stop = asyncio.Event()
    tick = loop.create_task(ticker(bench, stop))
    result: dict[str, object] = {"mode": args.mode, "calls": args.calls, "loop": args.loop}
    bench_window = (float("inf"), float("inf"))
    try:
        started = time.perf_counter()
        if args.mode == "setup":
            bench.target = args.calls
            for i in range(args.calls):
                while len(bench.calls) >= args.concurrency:  # noqa: ASYNC110 (bounded by the outer timeout)
                    await asyncio.sleep(0.002)
                await bench.call()
                if i % 50 == 0:
                    await asyncio.sleep(0)
            async with asyncio.timeout(120):
                await bench.done.wait()
            elapsed = time.perf_counter() - started
            result |= {
                "calls_per_s": round(args.calls / elapsed, 1),
                "setup_p50_ms": round(1000 * pct(bench.setup_times, 0.5), 1),
                "setup_p99_ms": round(1000 * pct(bench.setup_times, 0.99), 1),
                "failed": bench.failed,
            }
            return result
        for _ in range(args.calls):
            await bench.call()
            await asyncio.sleep(1 / args.rate)
        await asyncio.sleep(3)  # settle: prompts end, every advisor answered
        cpu0, t0 = cpu_seconds(gateway.pid), time.perf_counter()
        bench.window = (t0, t0 + args.seconds)
        bench_window = (time.time(), time.time() + args.seconds)
        await asyncio.sleep(args.seconds + 1)
        cpu = (cpu_seconds(gateway.pid) - cpu0) / (time.perf_counter() - t0)
        result |= {"answered": bench.answered, "failed": bench.failed, "gateway_cpu_pct": round(100 * cpu, 1)}
        if args.mode == "bridge":
            expected = bench.sent_in_window
            result |= {
                "advisor_legs": bench.bridged,
                "relayed_pkts": bench.relayed_rx,
                "sent_pkts": expected,
                "loss_pct": round(100 * (1 - bench.relayed_rx / expected), 3) if expected else None,
                "latency_p50_ms": round(1000 * pct(bench.latencies, 0.5), 2),
                "latency_p99_ms": round(1000 * pct(bench.latencies, 0.99), 2),
                "latency_max_ms": round(1000 * max(bench.latencies, default=0), 2),
            }
        else:
            expected = sum(leg.span for leg in bench.legs)
            received = sum(leg.rx_in_window for leg in bench.legs)
            result |= {
                "music_pkts": received,
                "expected_pkts": expected,
                "loss_pct": round(100 * (1 - received / expected), 3) if expected else None,
                "timing_dev_p99_ms": round(1000 * pct(bench.gaps, 0.99), 2),
                "timing_dev_max_ms": round(1000 * max(bench.gaps, default=0), 2),
            }
        return result
    finally:
        bench.hangup_all()
        await asyncio.sleep(0.5)
        stop.set()
        await tick
        gateway.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(gateway.wait(), 10)
        except TimeoutError:
            gateway.kill()
        # the media clock of the gateway, 5 s intervals inside the measurement window
        windows = [json.loads(line) for line in log.read_text().splitlines() if '"media_clock"' in line]
        inside = [w for w in windows if bench_window[0] + 5 <= w["t"] <= bench_window[1] + 0.5]
        if inside:
            result |= {
                "tick_late_p99_ms_worst_5s": max(w["tick_late_p99_ms"] for w in inside),
                "tick_late_max_ms": max(w["tick_late_max_ms"] for w in inside),
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("bridge", "hold", "setup"))
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rate", type=float, default=40.0, help="new calls per second while ramping up")
    parser.add_argument("--concurrency", type=int, default=50, help="setup mode: calls in flight")
    parser.add_argument("--loop", choices=("auto", "asyncio"), default="auto")
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(run(args))), flush=True)


if __name__ == "__main__":
    main()
