"""Hold (RFC 3264 §8.4): a party's sendonly/inactive offer, or the desk's hold re-INVITE to the advisor's phone,
splits the relay and plays music to the held party; sendrecv joins it again. Hold time is counted for the CDR."""

from __future__ import annotations

import time

from plateau.services.sip import events as ev
from plateau.services.sip import sdp
from plateau.services.sip.calls import Call, Side
from plateau.services.sip.core import GatewayCore
from plateau.services.sip.media import RtpLeg


class Holds(GatewayCore):
    """The gateway's hold and resume, from either party or the desk."""

    def _direction(self, call: Call, side: Side, leg: RtpLeg, offer: sdp.MediaOffer) -> None:
        holding = sdp.holds(offer.direction) or offer.host == "0.0.0.0"  # noqa: S104 (RFC 2543 hold)
        leg.muted = holding or (leg is not call.leg and call.desk_hold)
        if holding != side.holding:
            side.holding = holding
            self._apply_hold(call)

    def _bridged(self, call: Call) -> bool:
        return call.state == "bridged" and call.outbound is not None and call.outbound.dialog is not None

    def _other(self, call: Call, leg: RtpLeg) -> RtpLeg:
        assert call.outbound is not None
        return call.outbound.rtp if leg is call.leg else call.leg

    def _apply_hold(self, call: Call) -> None:
        """Split or join the relay after a change of direction: while on hold the held party (whose leg is
        not muted) hears the call's music (the queue node's, "music" by default), the holding one gets nothing."""
        if not self._bridged(call) or call.outbound is None:
            return
        out = call.outbound
        on_hold = call.side.holding or out.side.holding or call.desk_hold
        now = time.time()
        if on_hold and call.hold_since is None:
            call.hold_since, call.holds = now, call.holds + 1
            call.leg.unbridge()
            for leg in (call.leg, out.rtp):
                if not leg.muted:
                    leg.start_clock()
                    leg.play(self._music_frames(call, leg), loop=True)
            by = "caller" if call.side.holding else "advisor"
            self._emit(ev.CallHeld(call.id, call.programme, now, by, self._on_hold(call.programme)))
        elif not on_hold and call.hold_since is not None:
            seconds = now - call.hold_since
            call.hold_seconds += seconds
            call.hold_since = None
            call.leg.engine.clocked.discard(call.leg)
            call.leg.bridge(out.rtp)
            self._emit(ev.CallResumed(call.id, call.programme, now, seconds, self._on_hold(call.programme)))

    def _on_hold(self, programme: str) -> int:
        return sum(1 for c in self.calls.values() if c.programme == programme and c.hold_since is not None)

    def _hold_over(self, call: Call) -> None:
        """The advisor leg is gone (hang-up, transfer, end): a running hold is counted and over."""
        call.desk_hold = False
        if call.hold_since is not None:
            seconds = time.time() - call.hold_since
            call.hold_seconds += seconds
            call.hold_since = None
            self._emit(ev.CallResumed(call.id, call.programme, time.time(), seconds, self._on_hold(call.programme)))

    async def hold(self, call_id: str, on: bool = True) -> bool:
        """Hold (``on``) or resume a bridged call from the desk: a re-INVITE to the advisor's phone (sendonly,
        then sendrecv); the caller hears the music meanwhile. False if the call is not bridged or the phone
        refused."""
        call = self.calls.get(call_id)
        if call is None or not self._bridged(call) or call.outbound is None or call.outbound.dialog is None:
            return False
        if call.desk_hold == on:
            return True
        out = call.outbound
        assert out.dialog is not None
        direction = "sendonly" if on else "sendrecv"
        body = sdp.offer(self.config.host, out.rtp.port, out.side.sdp, codec=out.rtp.codec, direction=direction)
        resp = await self._reoffer(out.dialog, out.side, "INVITE", body, owner=True)
        if resp is None or not 200 <= resp.code < 300 or call.ended or call.outbound is not out:
            return False
        try:
            answer = sdp.parse(resp.body)
            out.rtp.configure(sdp.negotiate(answer, (call.leg.codec,)))
        except sdp.SdpError:
            pass  # the phone kept its media as it was: hold is ours to apply
        call.desk_hold = on
        out.rtp.muted = on
        self._apply_hold(call)
        return True
