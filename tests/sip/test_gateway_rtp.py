"""The caller's RTP stream at packet level, received by a plain UDP socket: exact prompt bytes, one SSRC,
consecutive sequence numbers, timestamps +160 per packet, 20 ms pacing."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

from plateau.services.sip import message as sipmsg
from plateau.services.sip import rtp, sdp
from plateau.services.sip.message import SipMessage
from tests.sip._isolated import run_isolated

from .harness import NUMBER, gateway, tone_prompts


class Peer(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: list[tuple[float, bytes]] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        self.received.append((time.perf_counter(), data))


def test_given_a_call_then_the_welcome_prompt_arrives_byte_for_byte_in_one_paced_stream():
    async def scenario():
        loop = asyncio.get_running_loop()
        async with gateway() as gw:
            sip, media = Peer(), Peer()
            await loop.create_datagram_endpoint(lambda: sip, local_addr=("127.0.0.1", 0))
            await loop.create_datagram_endpoint(lambda: media, local_addr=("127.0.0.1", 0))
            assert sip.transport is not None and media.transport is not None
            sip_port = sip.transport.get_extra_info("sockname")[1]
            rtp_port = media.transport.get_extra_info("sockname")[1]
            uri = f"sip:{NUMBER}@127.0.0.1:{gw.gateway.port}"
            invite = sipmsg.request(
                "INVITE", uri, via_host="127.0.0.1", via_port=sip_port, branch=sipmsg.new_branch(),
                from_=f"<sip:caller@127.0.0.1:{sip_port}>;tag=abc", to=f"<{uri}>", call_id="rtp-1", cseq=1,
                contact=f"<sip:caller@127.0.0.1:{sip_port}>",
                body=sdp.offer("127.0.0.1", rtp_port, sdp.Session(1), codec="PCMU"),
            )  # fmt: skip
            sip.transport.sendto(invite, ("127.0.0.1", gw.gateway.port))
            async with asyncio.timeout(5):
                while not any(b" 200 OK" in d[:20] for _, d in sip.received):  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            ok = next(
                m for m in (sipmsg.parse(d) for _, d in sip.received) if isinstance(m, SipMessage) and m.code == 200
            )
            ack = sipmsg.request("ACK", uri, via_host="127.0.0.1", via_port=sip_port, branch=sipmsg.new_branch(),
                                 from_=f"<sip:caller@127.0.0.1:{sip_port}>;tag=abc", to=ok.header("To") or "",
                                 call_id="rtp-1", cseq=1)  # fmt: skip
            sip.transport.sendto(ack, ("127.0.0.1", gw.gateway.port))
            # The whole 3 s welcome prompt and a little silence, however slowly this machine sends it.
            frames = len(tone_prompts().frames("welcome", "PCMU")) + 10
            async with asyncio.timeout(30):
                while len(media.received) < frames:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
        packets = [(t, rtp.unpack(d)) for t, d in media.received]
        assert all(p is not None for _, p in packets)
        pkts = [p for _, p in packets if p is not None]
        welcome = b"".join(tone_prompts().frames("welcome", "PCMU"))
        assert b"".join(p.payload for p in pkts[: len(welcome) // 160]) == welcome  # exact bytes, in order
        assert {p.ssrc for p in pkts} == {pkts[0].ssrc}
        assert {p.payload_type for p in pkts} == {0}
        assert all((b.sequence - a.sequence) & 0xFFFF == 1 for a, b in pairwise(pkts))
        assert all((b.timestamp - a.timestamp) & 0xFFFFFFFF == 160 for a, b in pairwise(pkts))
        times = [t for t, _ in packets]
        duration = times[-1] - times[0]
        assert abs(duration - 0.02 * (len(times) - 1)) < 0.5  # paced at 20 ms, no drift (generous: shared CI)

    run_isolated(asyncio.wait_for(scenario(), 30))
