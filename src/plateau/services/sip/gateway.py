"""The SIP gateway: answers a programme's number, runs its voice menu, queues with music and position
announcements, bridges to advisors' phones (next advisor on no answer, CANCEL if the caller leaves),
transfers by REFER or by a new outbound leg, and emits typed call events with a CDR at the end.

Seams for the router and the advisor desktop: ``on_call_queued`` (called when the IVR queues a call; when
it is None an internal longest-idle dispatcher offers queued calls to registered advisors), ``bridge``,
``reject``, ``transfer`` and ``hangup``.

This module holds the calls' beginning and end (INVITE to 200, tear-down and CDR); the other parts are mixins on
``core.GatewayCore``: ``in_dialog``, ``voice_menu``, ``waiting``, ``outbound``, ``transfer``, ``recorder``,
``hold`` and ``reoffer``.
"""

from __future__ import annotations

import time

from plateau.domain.ivr import Interpreter
from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip import sdp, session_timer
from plateau.services.sip.calls import ALLOW, Call
from plateau.services.sip.core import log
from plateau.services.sip.dialog import Dialog
from plateau.services.sip.hold import Holds
from plateau.services.sip.in_dialog import InDialog
from plateau.services.sip.outbound import Outbound
from plateau.services.sip.recorder import Recordings
from plateau.services.sip.reoffer import Reoffers
from plateau.services.sip.transfer import Transfers
from plateau.services.sip.transport import ServerTransaction, SipEndpoint
from plateau.services.sip.voice_menu import VoiceMenu
from plateau.services.sip.waiting import Waiting


def _flow_failed(programme: str, call_id: str, step: str, exc: BaseException) -> None:
    """The alert when a voice menu fails during a call (the caller was sent to the fallback queue)."""
    log.error("ivr.flow_failed programme=%s call=%s step=%s: caller sent to the fallback queue", programme, call_id,
              step, exc_info=exc)  # fmt: skip


class Gateway(InDialog, VoiceMenu, Waiting, Outbound, Transfers, Recordings, Holds, Reoffers):
    """A B2BUA: one caller dialog per call, plus at most one outbound leg at a time."""

    async def start(self) -> None:
        self.endpoint = SipEndpoint(self, self.config.timers, self.config.host, self.config.port)
        await self.endpoint.start()
        self.media.start()

    def on_request(self, tx: ServerTransaction) -> None:
        msg = tx.request
        method = msg.method
        if method == "INVITE" and msg.to_tag is None:
            self._incoming(tx)
        elif method == "REGISTER":
            code, extra, user = self.registrar.register(msg, tx.addr)
            tx.respond(code, extra=extra)
            if user is not None:
                self._dispatch()
        elif method == "OPTIONS":
            tx.respond(200, extra=[("Allow", ALLOW), ("Accept", "application/sdp")])
        elif method in ("BYE", "INFO", "NOTIFY", "REFER", "INVITE", "UPDATE"):
            self._in_dialog(tx)
        else:
            tx.respond(405, extra=[("Allow", ALLOW)])

    def on_cancel(self, invite: ServerTransaction) -> None:
        invite.respond(487)
        call = self.calls.get(invite.request.call_id)
        if call is not None:
            self._end(call, "cancelled", "caller", notify_caller=False)

    def _incoming(self, tx: ServerTransaction) -> None:
        msg = tx.request
        number = sipmsg.user_of(msg.uri)
        if msg.call_id in self.calls:
            return
        if number not in self.programmes:
            tx.respond(404)
            return
        if len(self.calls) >= self.config.max_calls:
            tx.respond(503, extra=[("Retry-After", "30")])
            return
        timer = session_timer.negotiate(msg, self.config.min_se)
        if isinstance(timer, session_timer.TooSmall):
            tx.respond(422, extra=[("Min-SE", str(timer.min_se))])
            return
        neg = None  # no SDP: a delayed offer, we offer in the 200 and the answer comes in the ACK
        if msg.body:
            try:
                neg = sdp.negotiate(sdp.parse(msg.body))
            except sdp.SdpError as exc:
                tx.respond(488, extra=[("Warning", f'304 plateau "{exc}"')])
                return
        tx.respond(100)
        self._spawn(self._answer(tx, number, neg, timer))

    async def _answer(
        self, tx: ServerTransaction, number: str, neg: sdp.Negotiated | None, timer: session_timer.Agreed | None
    ) -> None:  # fmt: skip
        msg = tx.request
        leg = await self.media.open_leg()
        if tx.final_code:  # CANCELled while we opened the media port
            leg.close()
            return
        if neg is not None:
            leg.configure(neg)
        programme, flow = self.programmes[number]
        dialog = Dialog.as_uas(msg, tx.to_tag, tx.addr, self.config.host, self.port)
        dialog.contact = f"<{self.uri}>"
        now = time.time()
        caller = sipmsg.uri_of(msg.header("From") or "")
        interp = Interpreter(flow, self.config.clock, on_failure=lambda step, exc: _flow_failed(programme, msg.call_id,
                                                                                             step, exc))  # fmt: skip
        call = Call(msg.call_id, programme, number, caller, dialog, leg, tx, interp)
        call.record = ev.CallRecord(msg.call_id, programme, caller, started_at=now)
        call.side.allow = msg.header("Allow") or ""
        try:
            today = self.config.clock()
            call.blocked = self.rules.is_blocked(programme, sipmsg.user_of(caller), today)
            call.announcement = self.rules.price_announcement(number, today)
        except Exception:  # the rules must never break the line: the menu answers as if there were none
            log.exception("line rules failed for %s on %s: menu without them", msg.call_id, number)
        self.calls[call.id] = call
        leg.on_digit = lambda digit: self._digit(call, digit, "rfc4733")
        self._emit(ev.CallStarted(call.id, programme, now, number, caller))
        tx.respond(180)
        if neg is not None:
            body = sdp.answer(neg, self.config.host, leg.port, call.side.sdp)
        else:
            call.side.offer_in_200 = True
            body = sdp.offer(self.config.host, leg.port, call.side.sdp)
        extra = [("Allow", ALLOW), *self._timer_headers(msg, timer)]
        tx.respond(200, contact=dialog.contact, extra=extra, body=body)
        call.side.awaiting[msg.cseq] = tx
        self._arm_session(call, call.side, dialog, timer)
        self._stamp(call, answered_at=time.time())

    def reject(self, call_id: str, prompt: str = "goodbye") -> None:
        """Play ``prompt`` then hang up (the router found nobody to take the call)."""
        call = self.calls.get(call_id)
        if call is None or call.ended:
            return
        for handle in call.timers:
            handle.cancel()
        call.state = "rejecting"
        self._play(call, prompt, lambda: self._end(call, "rejected", "gateway"))

    def hangup(self, call_id: str) -> None:
        call = self.calls.get(call_id)
        if call is not None:
            self._end(call, "hangup", "gateway")

    def _end(self, call: Call, cause: str, by: str, *, notify_caller: bool = True, notify_advisor: bool = True) -> None:
        if call.ended:
            return
        if call.state == "answering" and not call.invite.final_code:
            call.invite.respond(487)
        if call.recording_started_at:
            self._save_recording(call)
        call.state = "ended"
        self._stop_sessions(call)
        self._hold_over(call)
        for handle in call.timers:
            handle.cancel()
        call.timers.clear()
        if call.queue and call.id in self.queues.get(call.queue, []):
            self.queues[call.queue].remove(call.id)
        if call.refer_result is not None and not call.refer_result.done():
            call.refer_result.set_result(487)
        if notify_caller and call.invite.final_code and 200 <= call.invite.final_code < 300:
            self._send(call.dialog, "BYE")
        out = call.outbound
        if out is not None:
            advisor = out.target
            if out.dialog is not None and notify_advisor:
                self._send(out.dialog, "BYE")
            elif out.dialog is None:
                self._cancel(out)
            out.rtp.close()
            self.outbound.pop(out.call_id, None)
            self._free(advisor)
        if call.leg.recording:
            self._save_voicemail(call)
        call.leg.close()
        self.calls.pop(call.id, None)
        now = time.time()
        self._stamp(call, ended_at=now, cause=cause, ended_by=by, path=(*call.pre_path, *call.interp.path),
                    digits=call.digits, hold_seconds=call.hold_seconds, holds=call.holds)  # fmt: skip
        assert call.record is not None
        self._emit(ev.CallEnded(call.id, call.programme, now, call.record))
        self._dispatch()
