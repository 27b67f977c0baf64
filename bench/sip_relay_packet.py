"""CPU cost of one relayed RTP packet in the gateway's hot path (``RtpLeg.datagram_received`` → ``relay``),
without sockets (a transport that drops what it is given), so the figure does not depend on the machine's load
as much as the end-to-end ``sip_load.py`` does. Best of 7 repeats of 100,000 packets.

    .venv/bin/python bench/sip_relay_packet.py
    PYTHONPATH=<other checkout>/src .venv/bin/python bench/sip_relay_packet.py   # the same for another version
"""

from __future__ import annotations

import timeit

from plateau.services.sip import rtp
from plateau.services.sip.media import MediaEngine, RtpLeg


class _Sink:
    def sendto(self, data: bytes, addr: tuple[str, int]) -> None:
        pass

    def is_closing(self) -> bool:
        return False


def main() -> None:
    leg, peer = RtpLeg(MediaEngine()), RtpLeg(MediaEngine())
    for one, port in ((leg, 4000), (peer, 4002)):
        one.transport = _Sink()  # type: ignore[assignment]
        one.remote = ("127.0.0.1", port)
    leg.peer = peer
    packet = rtp.pack(8, 1, 160, 1234, b"\x55" * 160, False)
    best = min(timeit.repeat(lambda: leg.datagram_received(packet, ("127.0.0.1", 4000)), number=100_000, repeat=7))
    print(f"{best / 100_000 * 1e9:.0f} ns per relayed packet")


if __name__ == "__main__":
    main()
