"""baresip as a real caller and a real advisor phone: its sndfile recordings prove what each side heard."""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from plateau.services.sip import events as ev
from plateau.services.sip.dialog import Registrar
from tests.sip._isolated import run_isolated

from .harness import NUMBER, free_port, gateway

BARESIP = shutil.which("baresip")
pytestmark = pytest.mark.skipif(BARESIP is None or shutil.which("sox") is None, reason="make test-system-deps")
CONFIG = """poll_method epoll
sip_listen 127.0.0.1:{sip}
call_local_timeout 60
audio_player aubridge,sink
audio_source aufile,{source}
audio_alert aubridge,alert
audio_buffer 20-160
rtp_ports {rtp}-{rtp_end}
rtcp_mux no
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module sndfile.so
module_tmp uuid.so
module_tmp account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{ctrl}
snd_path {rec}
net_interface 127.0.0.1
net_af ipv4
sip_transports udp
"""


class Phone:
    """One baresip instance driven through ctrl_tcp (JSON netstrings)."""

    def __init__(self, root: Path, name: str, hz: int, answer: str, *, keys: bool = False) -> None:
        self.dir, self.rec = root / name, root / f"{name}-rec"
        self.dir.mkdir()
        self.rec.mkdir()
        source = root / f"{name}.wav"
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(source), "synth", "60", "sine", str(hz),
                        "vol", "0.5"], check=True, timeout=30)  # fmt: skip
        self.sip, self.ctrl, rtp = free_port(), free_port(), free_port()
        config = CONFIG.format(sip=self.sip, source=source, rtp=rtp, rtp_end=rtp + 3, ctrl=self.ctrl, rec=self.rec)
        # hold and resume are key commands only (x, X): the stdio module reads them from our pipe
        (self.dir / "config").write_text(config + ("module stdio.so\n" if keys else ""))
        (self.dir / "accounts").write_text(f"<sip:{name}@127.0.0.1:{self.sip}>;regint=0;answermode={answer};"
                                           "audio_codecs=PCMA\n")  # fmt: skip
        (self.dir / "contacts").write_text("")
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            BARESIP, "-f", str(self.dir), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        async with asyncio.timeout(10):
            while True:
                try:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.ctrl)
                    return
                except OSError:
                    await asyncio.sleep(0.1)

    async def command(self, cmd: str, params: str = "") -> None:
        data = json.dumps({"command": cmd, "params": params, "token": cmd}).encode()
        self.writer.write(str(len(data)).encode() + b":" + data + b",")
        await asyncio.wait_for(self.writer.drain(), 5)

    async def key(self, key: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(key.encode())
        await asyncio.wait_for(self.proc.stdin.drain(), 5)

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        try:  # "quit" closes the recordings (their WAV headers are written on close)
            await self.command("quit")
            await asyncio.wait_for(self.proc.wait(), 3)
        except (TimeoutError, OSError, AttributeError):
            self.proc.kill()
            await self.proc.wait()

    def heard(self) -> np.ndarray:
        """Samples of the decoded (received) recording."""
        (path,) = [p for p in self.rec.glob("*.wav") if "dec" in p.name]
        # 16-bit mono samples after a 44-byte header, read as such: a header not finalised can count fewer
        data = path.read_bytes()[44:]
        return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(float)


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / 8000)[int(np.argmax(spectrum[5:])) + 5])


def test_given_baresip_phones_when_the_caller_queues_then_each_side_hears_the_other(tmp_path):
    async def scenario():
        caller = Phone(tmp_path, "caller", 440, "manual")
        advisor = Phone(tmp_path, "advisor", 880, "auto")
        registrar = Registrar(static={"advisor": f"sip:advisor@127.0.0.1:{advisor.sip}"})
        try:
            async with gateway(registrar=registrar) as gw:
                await advisor.start()
                await caller.start()
                await caller.command("dial", f"sip:{NUMBER}@127.0.0.1:{gw.gateway.port}")
                await gw.wait_for(ev.CallStarted)
                await asyncio.sleep(1.0)
                await caller.command("sndcode", "4")
                await gw.wait_for(ev.CallBridged)
                await asyncio.sleep(2.5)
                await caller.command("hangup")
                (ended,) = await gw.wait_for(ev.CallEnded)
                assert (ended.record.advisor, ended.record.ended_by) == ("advisor", "caller")
                assert [d.digit for d in gw.of(ev.DigitReceived)] == ["4"]
        finally:
            await caller.stop()
            await advisor.stop()
        heard_by_caller, heard_by_advisor = caller.heard(), advisor.heard()
        assert abs(dominant_hz(heard_by_caller[-8000:]) - 880) < 20  # the advisor's voice, at the end
        assert abs(dominant_hz(heard_by_advisor[-8000:]) - 440) < 20  # the caller's voice
        assert np.abs(heard_by_caller[:4000]).mean() > 100  # the prompt before it, not silence

    run_isolated(asyncio.wait_for(scenario(), 60))


def longest_constant_run(samples: np.ndarray) -> tuple[int, int]:
    """Start and length of the longest run of equal non-zero samples after the first second (the welcome
    prompt): a constant A-law byte, our test music, decodes to one value."""
    change = np.flatnonzero(np.diff(samples) != 0)
    bounds = np.concatenate(([0], change + 1, [len(samples)]))
    runs = [(int(a), int(b - a)) for a, b in itertools.pairwise(bounds) if a > 8000 and samples[a]]
    return max(runs, key=lambda run: run[1], default=(0, 0))


def test_given_a_bridged_baresip_call_when_held_and_resumed_by_desk_and_by_the_caller_then_music_then_voices(
    tmp_path,
):
    """baresip's sndfile stops writing a stream at its first re-INVITE on that phone, so the recordings prove the
    desk hold (the caller hears the music, then the advisor again); the caller's own hold is proved at the
    gateway's legs (music clocked to the advisor, then packets relayed both ways again)."""

    async def scenario():
        caller = Phone(tmp_path, "caller", 440, "manual", keys=True)
        advisor = Phone(tmp_path, "advisor", 880, "auto")
        registrar = Registrar(static={"advisor": f"sip:advisor@127.0.0.1:{advisor.sip}"})
        try:
            async with gateway(registrar=registrar) as gw:
                await advisor.start()
                await caller.start()
                await caller.command("dial", f"sip:{NUMBER}@127.0.0.1:{gw.gateway.port}")
                await gw.wait_for(ev.CallStarted)
                await asyncio.sleep(1.0)
                await caller.command("sndcode", "4")
                (bridged,) = await gw.wait_for(ev.CallBridged)
                call = gw.gateway.calls[bridged.call_id]
                assert call.outbound is not None
                advisor_leg = call.outbound.rtp
                await asyncio.sleep(1.0)
                assert await asyncio.wait_for(gw.gateway.hold(bridged.call_id, True), 10)  # from the desk
                await asyncio.sleep(1.5)
                assert await asyncio.wait_for(gw.gateway.hold(bridged.call_id, False), 10)
                await asyncio.sleep(1.5)
                await caller.key("x")  # the caller's phone holds (re-INVITE sendonly)
                await gw.wait_for(ev.CallHeld, 2)
                await asyncio.sleep(0.5)
                assert call.leg.muted and advisor_leg.playing and call.leg.peer is None  # music to the advisor
                await caller.key("X")  # and resumes
                await gw.wait_for(ev.CallResumed, 2)
                relayed = (call.leg.stats.relayed, advisor_leg.stats.relayed)
                await asyncio.sleep(1.5)
                assert call.leg.peer is advisor_leg and not call.leg.muted
                assert call.leg.stats.relayed > relayed[0] + 25 and advisor_leg.stats.relayed > relayed[1] + 25
                await caller.command("hangup")
                (ended,) = await gw.wait_for(ev.CallEnded)
                assert [h.by for h in gw.of(ev.CallHeld)] == ["advisor", "caller"]
                assert ended.record.holds == 2 and ended.record.hold_seconds > 1.5
        finally:
            await caller.stop()
            await advisor.stop()
        heard = caller.heard()
        start, length = longest_constant_run(heard)
        assert length > 8000  # > 1 s of the (constant test) music while the desk held the call
        assert abs(dominant_hz(heard[:start][-4000:]) - 880) < 20  # the advisor before the hold
        assert abs(dominant_hz(heard[start + length :][:4000]) - 880) < 20  # and after the resume

    run_isolated(asyncio.wait_for(scenario(), 60))
