"""Offers and answers inside confirmed dialogs (RFC 3261 §12-14, RFC 3264, RFC 3311, RFC 4028).

Mixed into the ``Gateway``: ACKs matched to their own INVITE transaction by CSeq, re-INVITE and UPDATE from
either party (hold and resume with the mirrored direction, new media address, codec change), our own
re-INVITEs (hold from the desk, session refresh) with glare handled both ways (491, and the retry timers of
§14.1), delayed offers (no SDP in the INVITE: our offer in the 200, their answer in the ACK) and session
timers (refresh or end the call with a BYE).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from plateau.services.sip import events as ev
from plateau.services.sip import sdp, session_timer
from plateau.services.sip.calls import ALLOW, Call, GatewayConfig, Side
from plateau.services.sip.dialog import Addr, Dialog
from plateau.services.sip.media import RtpLeg
from plateau.services.sip.message import SipMessage
from plateau.services.sip.transport import ServerTransaction, SipEndpoint

MAX_GLARE_RETRIES = 3


class Reoffers:
    """The gateway's in-dialog offer/answer, hold and session-timer behaviour."""

    if TYPE_CHECKING:  # provided by the Gateway
        config: GatewayConfig
        endpoint: SipEndpoint | None
        calls: dict[str, Call]
        outbound: dict[str, Call]

        def _end(
            self, call: Call, cause: str, by: str, *, notify_caller: bool = ..., notify_advisor: bool = ...
        ) -> None: ...
        def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]: ...
        def _emit(self, event: ev.CallEvent) -> None: ...
        def _play(self, call: Call, name: str, done: Callable[[], None] | None, *, loop: bool = False) -> None: ...
        def _ivr_start(self, call: Call) -> None: ...
        def _music_frames(self, call: Call, leg: RtpLeg) -> list[bytes]: ...

    # ACK ------------------------------------------------------------------------------------------------------
    def on_ack(self, msg: SipMessage, addr: Addr) -> None:
        """An ACK for a 2xx: it belongs to the dialog with these exact tags and to the INVITE with its CSeq."""
        call = self.calls.get(msg.call_id)
        if call is not None:
            if call.dialog.matches(msg):  # wrong tags: ignored, the live call is untouched
                self._acked(call, call.side, call.leg, msg)
            return
        call = self.outbound.get(msg.call_id)
        out = call.outbound if call is not None else None
        if call is not None and out is not None and out.dialog is not None and out.dialog.matches(msg):
            self._acked(call, out.side, out.rtp, msg)

    def _acked(self, call: Call, side: Side, leg: RtpLeg, msg: SipMessage) -> None:
        tx = side.awaiting.pop(msg.cseq, None)
        if tx is None:
            return  # a retransmitted ACK, or one for no INVITE of this dialog
        tx.acked()
        if side.offer_in_200:  # delayed offer: the answer is in this ACK (RFC 3264 §5, RFC 3261 §13.2.1)
            side.offer_in_200 = False
            try:
                answer = sdp.parse(msg.body)
                neg = sdp.negotiate(answer, (self._other(call, leg).codec,) if self._bridged(call) else sdp.SUPPORTED)
            except sdp.SdpError:
                self._end(call, "bad_sdp", "gateway")  # §13.3.1.4: no acceptable answer, BYE
                return
            leg.configure(neg)
            self._direction(call, side, leg, answer)
        if leg is call.leg and call.state == "answering":
            self._ivr_start(call)

    def on_no_ack(self, invite: ServerTransaction) -> None:
        msg = invite.request
        call = self.calls.get(msg.call_id) or self.outbound.get(msg.call_id)
        if call is None:
            return
        sides = [call.side] + ([call.outbound.side] if call.outbound else [])
        if any(side.awaiting.get(msg.cseq) is invite for side in sides):
            self._end(call, "no_ack", "gateway")  # §13.3.1.4: a 2xx never ACKed ends the session

    # offers from the caller or the advisor's phone -------------------------------------------------------------
    def _offer(self, call: Call, side: Side, dialog: Dialog, leg: RtpLeg, tx: ServerTransaction) -> None:
        """A re-INVITE or UPDATE in a confirmed dialog (RFC 3261 §14.2, RFC 3311)."""
        msg = tx.request
        side.allow = msg.header("Allow") or side.allow
        if side.reoffering:
            tx.respond(491)  # glare: our own re-INVITE/UPDATE is in progress on this dialog
            return
        if msg.method == "INVITE" and side.awaiting:
            tx.respond(500, extra=[("Retry-After", str(random.randint(0, 10)))])  # noqa: S311 (jitter)
            return
        timer = session_timer.negotiate(msg, self.config.min_se)
        if isinstance(timer, session_timer.TooSmall):
            tx.respond(422, extra=[("Min-SE", str(timer.min_se))])
            return
        extra = [("Allow", ALLOW), *self._timer_headers(msg, timer)]
        if not msg.body:
            if msg.method == "UPDATE":  # a pure session refresh (RFC 4028 §7.4 allows UPDATE without SDP)
                tx.respond(200, contact=dialog.contact, extra=extra)
            else:  # re-INVITE without SDP: we offer the current description, the answer comes in the ACK
                side.offer_in_200 = True
                body = sdp.offer(self.config.host, leg.port, side.sdp, codec=leg.codec)
                tx.respond(200, contact=dialog.contact, extra=extra, body=body)
                side.awaiting[msg.cseq] = tx
            self._arm_session(call, side, dialog, timer)
            return
        preferred = (self._other(call, leg).codec,) if self._bridged(call) else sdp.SUPPORTED
        try:
            offer = sdp.parse(msg.body)
            neg = sdp.negotiate(offer, preferred)  # bridged: the other party's codec only (no transcoding)
        except sdp.SdpError as exc:
            tx.respond(488, extra=[("Warning", f'304 plateau "{exc}"')])
            return
        leg.configure(neg)
        body = sdp.answer(neg, self.config.host, leg.port, side.sdp, offer.direction)
        tx.respond(200, contact=dialog.contact, extra=extra, body=body)
        if msg.method == "INVITE":
            side.awaiting[msg.cseq] = tx
        self._arm_session(call, side, dialog, timer)
        self._direction(call, side, leg, offer)

    def _timer_headers(self, msg: SipMessage, timer: session_timer.Agreed | None) -> list[tuple[str, str]]:
        if timer is None:
            return [("Supported", "timer")]
        headers = [("Session-Expires", timer.header())]
        if session_timer.supports_timer(msg):
            headers.append(("Require", "timer"))
        return headers

    def _direction(self, call: Call, side: Side, leg: RtpLeg, offer: sdp.MediaOffer) -> None:
        holding = sdp.holds(offer.direction) or offer.host == "0.0.0.0"  # noqa: S104 (RFC 2543 hold)
        leg.muted = holding or (leg is not call.leg and call.desk_hold)
        if holding != side.holding:
            side.holding = holding
            self._apply_hold(call)

    # hold -----------------------------------------------------------------------------------------------------
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

    async def _reoffer(
        self, dialog: Dialog, side: Side, method: str, body: bytes, *, owner: bool,
        extra: Sequence[tuple[str, str]] = (),
    ) -> SipMessage | None:  # fmt: skip
        """Our re-INVITE or UPDATE: a 2xx to an INVITE is ACKed; a 491 is retried after the RFC 3261 §14.1 delay
        (2.1 to 4 s when we chose the Call-ID, else 0 to 2 s), a few times at most. None: no answer (timer B/F)."""
        assert self.endpoint is not None
        for _ in range(MAX_GLARE_RETRIES):
            side.reoffering = True
            try:
                branch, data = dialog.request(method, body=body, extra=[("Allow", ALLOW), *extra])
                cseq = dialog.local_cseq
                resp = await self.endpoint.request(method, branch, data, dialog.addr).final()
            finally:
                side.reoffering = False
            if resp is not None and method == "INVITE" and 200 <= resp.code < 300:
                _, side.ack = dialog.request("ACK", cseq=cseq)
                self.endpoint.send(side.ack, dialog.addr)
            if resp is None or resp.code != 491:
                return resp
            await asyncio.sleep(random.uniform(2.1, 4.0) if owner else random.uniform(0.0, 2.0))  # noqa: S311
        return None

    def on_stray_response(self, msg: SipMessage, addr: Addr) -> None:
        """A retransmitted 2xx to one of our INVITEs: the dialog sends its ACK again (RFC 3261 §13.2.2.4)."""
        if msg.method != "INVITE" or not 200 <= msg.code < 300:
            return
        assert self.endpoint is not None
        call = self.outbound.get(msg.call_id)
        out = call.outbound if call is not None else None
        if out is not None:
            ack = out.side.ack if out.side.ack and out.dialog and msg.cseq > out.cseq else out.ack
            if ack:
                self.endpoint.send(ack, out.dialog.addr if out.dialog else addr)
            return
        call = self.calls.get(msg.call_id)
        if call is not None and call.side.ack:
            self.endpoint.send(call.side.ack, call.dialog.addr)

    # session timers (RFC 4028) --------------------------------------------------------------------------------
    def _arm_session(self, call: Call, side: Side, dialog: Dialog, timer: session_timer.Agreed | None) -> None:
        if side.session_timer is not None:
            side.session_timer.cancel()
            side.session_timer = None
        side.session = timer
        if timer is None or call.ended:
            return
        loop = asyncio.get_running_loop()
        if timer.we_refresh:
            side.session_timer = loop.call_later(timer.refresh_after, self._refresh_due, call, side, dialog)
        else:
            side.session_timer = loop.call_later(timer.give_up_after, self._session_expired, call, side)

    def _session_expired(self, call: Call, side: Side) -> None:
        if not call.ended:
            self._end(call, "session_expired", "gateway")

    def _refresh_due(self, call: Call, side: Side, dialog: Dialog) -> None:
        if not call.ended:
            self._spawn(self._refresh(call, side, dialog))

    async def _refresh(self, call: Call, side: Side, dialog: Dialog) -> None:
        """We are the refresher: UPDATE without SDP when the peer allows it, else re-INVITE with our last SDP."""
        timer = side.session
        if timer is None:
            return
        method = "UPDATE" if "UPDATE" in side.allow.upper() else "INVITE"
        body = side.sdp.last if method == "INVITE" else b""
        extra = [("Session-Expires", timer.refresh_header()), ("Supported", "timer")]
        resp = await self._reoffer(dialog, side, method, body, owner=side is not call.side, extra=extra)
        if call.ended:
            return
        if resp is None or resp.code >= 300:
            self._end(call, "session_expired", "gateway")  # the peer is gone or refused: end cleanly
            return
        self._arm_session(call, side, dialog, session_timer.answered(resp) or timer)

    def _stop_sessions(self, call: Call) -> None:
        for side in (call.side, call.outbound.side if call.outbound else None):
            if side is not None and side.session_timer is not None:
                side.session_timer.cancel()
                side.session_timer = None
