"""Offers and answers inside confirmed dialogs (RFC 3261 §12-14, RFC 3264, RFC 3311, RFC 4028).

Part of the ``Gateway``: ACKs matched to their own INVITE transaction by CSeq, re-INVITE and UPDATE from
either party (the mirrored direction, new media address, codec change; what a change of direction does is
``hold.py``'s), our own re-INVITEs and UPDATEs (hold from the desk, session refresh) with glare handled both ways
(491, and the retry timers of §14.1), delayed offers (no SDP in the INVITE: our offer in the 200, their answer in
the ACK) and session timers on either leg (refresh, or end the call with a BYE).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

from plateau.services.sip import sdp, session_timer
from plateau.services.sip.calls import ALLOW, Call, Side
from plateau.services.sip.core import GatewayCore
from plateau.services.sip.dialog import Addr, Dialog
from plateau.services.sip.media import RtpLeg
from plateau.services.sip.message import SipMessage
from plateau.services.sip.transport import ServerTransaction

MAX_GLARE_RETRIES = 3


class Reoffers(GatewayCore):
    """The gateway's in-dialog offer/answer and session timers."""

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
