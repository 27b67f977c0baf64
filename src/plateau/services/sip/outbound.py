"""Legs we place: ring advisors one after another (ring timeout, CANCEL, next advisor), session timers asked of
the phone (422 → ask again with its Min-SE), bridge the first who answers; tear down an outbound leg."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip import sdp, session_timer
from plateau.services.sip.calls import ALLOW, Call, OutboundLeg, Side
from plateau.services.sip.core import GatewayCore
from plateau.services.sip.dialog import Addr, Dialog
from plateau.services.sip.message import SipMessage
from plateau.services.sip.transport import ClientTransaction


class Outbound(GatewayCore):
    """The gateway's outbound legs (advisors' phones, transfer targets)."""

    async def bridge(self, call_id: str, advisors: Sequence[str], *, ring_timeout: float | None = None) -> bool:
        """Ring each advisor in turn (ring timeout, then CANCEL) and bridge the first who answers."""
        call = self.calls.get(call_id)
        if call is None or call.state not in ("queued", "ringing"):
            return False
        call.state = "ringing"
        for advisor in advisors:
            if call.ended or advisor in self.busy:
                continue
            contact = self.registrar.lookup(advisor)
            if contact is None:
                continue
            self.busy.add(advisor)
            try:
                if await self._ring(call, advisor, *contact, ring_timeout=ring_timeout):
                    return True
            finally:
                if call.state != "bridged" or (call.outbound and call.outbound.target != advisor):
                    self._free(advisor)
        if not call.ended:
            call.state = "queued"
        return False

    def _free(self, advisor: str) -> None:
        if advisor in self.busy:
            self.busy.discard(advisor)
            self.idle_since[advisor] = time.time()

    async def _ring(self, call: Call, target: str, uri: str, addr: Addr, *, ring_timeout: float | None = None) -> bool:
        assert self.endpoint is not None and call.record is not None
        leg = await self.media.open_leg()
        from_tag, call_id = sipmsg.new_tag(), sipmsg.new_call_id(self.config.host)
        from_party = f"<sip:{call.number}@{self.config.host}:{self.port}>;tag={from_tag}"
        side = Side()
        out = OutboundLeg(target, call_id, b"", "", addr, uri, from_party, leg, side=side)
        call.outbound = out
        self.outbound[call_id] = call
        loop = asyncio.get_running_loop()
        ringing = loop.create_future()

        def provisional(msg: SipMessage) -> None:
            if msg.code in (180, 183) and not ringing.done():
                ringing.set_result(True)
                tried = call.record.advisors_tried if call.record else ()
                self._stamp(call, ringing_at=time.time(), advisors_tried=(*tried, target))
                self._emit(ev.AdvisorRinging(call.id, call.programme, time.time(), target))

        deadline = loop.time() + (ring_timeout or self.config.ring_timeout)
        expires, min_se = self.config.session_expires, self.config.min_se
        while True:
            tx = self._invite(call, out, expires, min_se)
            tx.on_provisional = provisional
            try:
                resp = await asyncio.wait_for(asyncio.shield(tx.result), max(0.0, deadline - loop.time()))
            except TimeoutError:
                self._cancel(out)
                resp = await tx.final()
                code = 408
                break
            code = resp.code if resp is not None else 408
            if code == 487 and out.cancel_code is not None:
                code = out.cancel_code  # the router withdrew the offer: its reason, not the race with our timer
            # 422: the phone wants a longer session interval (RFC 4028 §7.4): ask again with its (larger) Min-SE
            wanted = session_timer.min_se_of(resp) if resp is not None and resp.code == 422 else None
            if wanted is None or expires is None or wanted <= expires or call.ended or out.cancelled:
                break
            expires = min_se = wanted
        if resp is None or resp.code >= 300 or call.ended or out.cancelled:
            if resp is not None and 200 <= resp.code < 300:  # answered as we cancelled: hang it up
                self._confirm(out, resp)
                self._drop_outbound(call, bye=True)
            else:
                out.cancelled = out.cancelled or resp is not None  # a final answer (486…) leaves nothing to CANCEL
                self._drop_outbound(call, bye=False)
            self._emit(ev.AdvisorNoAnswer(call.id, call.programme, time.time(), target, 487 if call.ended else code))
            return False
        self._confirm(out, resp)
        side.allow = resp.header("Allow") or ""
        try:
            neg = sdp.negotiate(sdp.parse(resp.body), (call.leg.codec,))
        except sdp.SdpError:
            self._drop_outbound(call, bye=True)
            self._emit(ev.AdvisorNoAnswer(call.id, call.programme, time.time(), target, 488))
            return False
        leg.configure(neg)
        leg.on_digit = lambda digit: self._advisor_digit(call, digit)
        for handle in call.timers:
            handle.cancel()
        call.timers.clear()
        if call.queue and call.id in self.queues.get(call.queue, []):
            self.queues[call.queue].remove(call.id)
        call.leg.bridge(leg)
        call.state = "bridged"
        now = time.time()
        self._stamp(call, bridged_at=now, advisor=target)
        self._emit(ev.CallBridged(call.id, call.programme, now, target))
        assert out.dialog is not None
        self._arm_session(call, side, out.dialog, session_timer.answered(resp))  # the phone's 2xx says who refreshes
        if call.side.holding:  # the caller had put us on hold while queued: the advisor hears the music
            self._apply_hold(call)
        return True

    def _invite(self, call: Call, out: OutboundLeg, expires: int | None, min_se: int) -> ClientTransaction:
        """(Re)send the INVITE of an outbound leg: a new branch and CSeq each time (after a 422, RFC 4028 §7.4),
        our offer restricted to the caller's codec, a session timer asked when ``expires`` is set."""
        assert self.endpoint is not None
        out.cseq += 1
        out.branch = sipmsg.new_branch()
        body = sdp.offer(self.config.host, out.rtp.port, out.side.sdp, codec=call.leg.codec)
        extra = [("Allow", ALLOW), ("Supported", "timer"), ("X-Plateau-Call", call.id)]
        if expires is not None:
            extra += [("Session-Expires", str(max(expires, min_se))), ("Min-SE", str(min_se))]
        out.invite = sipmsg.request(
            "INVITE", out.uri, via_host=self.config.host, via_port=self.port, branch=out.branch,
            from_=out.from_party, to=f"<{out.uri}>", call_id=out.call_id, cseq=out.cseq, contact=f"<{self.uri}>",
            body=body, extra=extra,
        )  # fmt: skip
        return self.endpoint.request("INVITE", out.branch, out.invite, out.addr)

    def _confirm(self, out: OutboundLeg, resp: SipMessage) -> None:
        assert self.endpoint is not None
        contacts = resp.headers("Contact")
        target = sipmsg.uri_of(contacts[0]) if contacts else out.uri
        try:
            addr = sipmsg.hostport_of(target)
        except ValueError:
            addr = out.addr
        out.dialog = Dialog(out.call_id, out.from_party, resp.header("To") or "", target, addr,
                            self.config.host, self.port, out.cseq, f"<{self.uri}>")  # fmt: skip
        _, out.ack = out.dialog.request("ACK", cseq=out.cseq)
        self.endpoint.send(out.ack, addr)

    def _cancel(self, out: OutboundLeg) -> None:
        assert self.endpoint is not None
        if out.cancelled or out.dialog is not None:
            return
        out.cancelled = True
        parsed = sipmsg.parse(out.invite)
        assert isinstance(parsed, SipMessage)
        cancel = sipmsg.request(
            "CANCEL", out.uri, via_host=self.config.host, via_port=self.port, branch=out.branch,
            from_=out.from_party, to=f"<{out.uri}>", call_id=out.call_id, cseq=parsed.cseq,
        )  # fmt: skip
        self.endpoint.request("CANCEL", out.branch, cancel, out.addr)

    def _drop_outbound(self, call: Call, *, bye: bool) -> None:
        out = call.outbound
        if out is None:
            return
        if bye and out.dialog is not None:
            self._send(out.dialog, "BYE")
        elif out.dialog is None:
            self._cancel(out)
        out.rtp.close()
        if out.side.session_timer is not None:  # that leg's session timer must not end the call later
            out.side.session_timer.cancel()
        call.leg.unbridge()
        self._hold_over(call)
        if not call.ended:
            call.leg.start_clock()
        self.outbound.pop(out.call_id, None)
        call.outbound = None
        self._free(out.target)

    def stop_ringing(self, call_id: str, code: int = 487) -> None:
        """CANCEL the advisor's phone that rings for this call (the router withdrew the offer); ``code`` is the
        no-answer reported (``AdvisorNoAnswer``): 408 when the offer expired, as if our own ring timer had fired."""
        call = self.calls.get(call_id)
        if call is not None and call.outbound is not None and call.outbound.dialog is None:
            call.outbound.cancel_code = code
            self._cancel(call.outbound)
