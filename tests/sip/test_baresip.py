"""baresip as a real caller and a real advisor phone: its sndfile recordings prove what each side heard."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from plateau.services.sip import events as ev
from plateau.services.sip.dialog import Registrar

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

    def __init__(self, root: Path, name: str, hz: int, answer: str) -> None:
        self.dir, self.rec = root / name, root / f"{name}-rec"
        self.dir.mkdir()
        self.rec.mkdir()
        source = root / f"{name}.wav"
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(source), "synth", "60", "sine", str(hz),
                        "vol", "0.5"], check=True, timeout=30)  # fmt: skip
        self.sip, self.ctrl, rtp = free_port(), free_port(), free_port()
        (self.dir / "config").write_text(CONFIG.format(sip=self.sip, source=source, rtp=rtp, rtp_end=rtp + 3,
                                                       ctrl=self.ctrl, rec=self.rec))  # fmt: skip
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
        try:
            with wave.open(str(path)) as w:
                return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float)
        except (wave.Error, EOFError):  # header not finalised: 16-bit mono samples follow a 44-byte header
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

    asyncio.run(asyncio.wait_for(scenario(), 60))
