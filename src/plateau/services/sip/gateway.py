"""The SIP gateway: answers a programme's number, runs its voice menu, queues with music and position
announcements, bridges to advisors' phones (next advisor on no answer, CANCEL if the caller leaves),
transfers by REFER or by a new outbound leg, and emits typed call events with a CDR at the end.

Seams for the router and the advisor desktop: ``on_call_queued`` (called when the IVR queues a call; when
it is None an internal longest-idle dispatcher offers queued calls to registered advisors), ``bridge``,
``reject``, ``transfer`` and ``hangup``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from typing import Any

from plateau.domain.ivr import Flow, Interpreter
from plateau.domain.ivr import interpreter as ivr
from plateau.domain.ivr.line_rules import BLOCKED_CAUSE, BLOCKED_PROMPT, BLOCKED_STEP, PRICE_STEP, LineRules
from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip import recording, rtp, sdp, session_timer
from plateau.services.sip.calls import ALLOW, Call, GatewayConfig, OutboundLeg, Side
from plateau.services.sip.dialog import Addr, Dialog, Registrar
from plateau.services.sip.media import MediaEngine, RtpLeg
from plateau.services.sip.message import SipMessage
from plateau.services.sip.prompts import PromptMissing, PromptStore
from plateau.services.sip.reoffer import Reoffers
from plateau.services.sip.transport import ServerTransaction, SipEndpoint

log = logging.getLogger(__name__)


def _flow_failed(programme: str, call_id: str, step: str, exc: BaseException) -> None:
    """The alert when a voice menu fails during a call (the caller was sent to the fallback queue)."""
    log.error("ivr.flow_failed programme=%s call=%s step=%s: caller sent to the fallback queue", programme, call_id,
              step, exc_info=exc)  # fmt: skip


class Gateway(Reoffers):
    """A B2BUA: one caller dialog per call, plus at most one outbound leg at a time."""

    def __init__(
        self,
        programmes: dict[str, tuple[str, Flow]],
        prompts: PromptStore,
        config: GatewayConfig | None = None,
        registrar: Registrar | None = None,
        on_event: Callable[[ev.CallEvent], None] | None = None,
        on_call_queued: Callable[[ev.CallQueued], None] | None = None,
        rules: LineRules | None = None,
    ) -> None:
        self.programmes = programmes  # number -> (programme slug, flow)
        self.rules = rules or LineRules()  # price announcements and blocked callers (reloaded with the flows)
        self.prompts = prompts
        self.config = config or GatewayConfig()
        self.registrar = registrar or Registrar()
        self.on_event = on_event
        self.on_call_queued = on_call_queued
        self.calls: dict[str, Call] = {}
        self.outbound: dict[str, Call] = {}  # outbound call-id -> its call
        self.queues: dict[str, list[str]] = {}
        self.busy: set[str] = set()
        self.idle_since: dict[str, float] = {}
        self.media = MediaEngine(self.config.host)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.endpoint: SipEndpoint | None = None

    # life cycle -----------------------------------------------------------------------------------------------
    async def start(self) -> None:
        self.endpoint = SipEndpoint(self, self.config.timers, self.config.host, self.config.port)
        await self.endpoint.start()
        self.media.start()

    @property
    def port(self) -> int:
        assert self.endpoint is not None
        return self.endpoint.port

    @property
    def uri(self) -> str:
        return f"sip:plateau@{self.config.host}:{self.port}"

    async def close(self) -> None:
        for call in list(self.calls.values()):
            self._end(call, "shutdown", "gateway")
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.media.stop()
        if self.endpoint:
            self.endpoint.close()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("gateway task failed", exc_info=task.exception())

    def _emit(self, event: ev.CallEvent) -> None:
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:  # a subscriber must never break a call
                log.exception("event subscriber failed for %r", event)

    def _stamp(self, call: Call, **changes: Any) -> None:
        assert call.record is not None
        call.record = replace(call.record, **changes)

    def _send(self, dialog: Dialog, method: str, **kwargs: Any) -> None:
        assert self.endpoint is not None
        branch, data = dialog.request(method, **kwargs)
        self.endpoint.request(method, branch, data, dialog.addr)

    # transaction user ------------------------------------------------------------------------------------------
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

    def _ivr_start(self, call: Call) -> None:
        """The caller's ACK confirmed the call: the price announcement of a majoré number plays first (before
        anything is billed, not interruptible), then a blocked caller hears a short message and is hung up, and
        anyone else gets the voice menu."""
        call.leg.start_clock()
        if call.announcement:
            call.state = "announcing"
            call.pre_path.append(PRICE_STEP)
            self._play(call, call.announcement, lambda: self._after_announcement(call))
        else:
            self._after_announcement(call)

    def _after_announcement(self, call: Call) -> None:
        if call.ended:
            return
        if call.announcement:
            self._stamp(call, announced_at=time.time())
        if call.blocked:
            call.state = "blocked"
            call.pre_path.append(BLOCKED_STEP)
            self._play(call, BLOCKED_PROMPT, lambda: self._end(call, BLOCKED_CAUSE, "gateway"))
            return
        call.state = "ivr"
        self._run(call, call.interp.start())

    def on_cancel(self, invite: ServerTransaction) -> None:
        invite.respond(487)
        call = self.calls.get(invite.request.call_id)
        if call is not None:
            self._end(call, "cancelled", "caller", notify_caller=False)

    # incoming calls -------------------------------------------------------------------------------------------
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

    def _in_dialog(self, tx: ServerTransaction) -> None:
        """Call-ID and both tags name the dialog (RFC 3261 §12.2.2); anything else is 481 and touches nothing."""
        msg = tx.request
        call = self.calls.get(msg.call_id)
        if call is not None and call.dialog.matches(msg):
            self._from_caller(call, tx)
            return
        outbound = self.outbound.get(msg.call_id)
        out = outbound.outbound if outbound is not None else None
        if outbound is not None and out is not None and out.dialog is not None and out.dialog.matches(msg):
            self._from_advisor(outbound, tx)
            return
        tx.respond(481)

    def _from_caller(self, call: Call, tx: ServerTransaction) -> None:
        msg = tx.request
        if msg.method == "BYE":
            tx.respond(200)
            self._end(call, "hangup", "caller", notify_caller=False)
        elif msg.method == "INFO":
            digit = rtp.info_digit(msg.content_type, msg.body)
            tx.respond(200)
            if digit is not None:
                self._digit(call, digit, "info")
        elif msg.method == "NOTIFY":
            tx.respond(200)
            self._refer_progress(call, msg)
        elif msg.method in ("INVITE", "UPDATE"):  # hold, resume, new address or codec, session refresh
            self._offer(call, call.side, call.dialog, call.leg, tx)
        else:
            tx.respond(405, extra=[("Allow", ALLOW)])

    def _from_advisor(self, call: Call, tx: ServerTransaction) -> None:
        msg = tx.request
        if msg.method == "BYE":
            tx.respond(200)
            self._end(call, "hangup", "advisor", notify_advisor=False)
        elif msg.method == "REFER" and call.outbound and call.outbound.dialog:
            # the advisor transfers the caller (blind): accept, report success, leave the caller to the target
            target = sipmsg.uri_of(msg.header("Refer-To") or "")
            tx.respond(202)
            sipfrag = b"SIP/2.0 200 OK\r\n"
            extra = [("Event", "refer"), ("Subscription-State", "terminated;reason=noresource")]
            self._send(call.outbound.dialog, "NOTIFY", extra=extra, body=sipfrag, content_type="message/sipfrag")
            self._drop_outbound(call, bye=True)
            self._spawn(self.transfer(call.id, target, "refer"))
        elif msg.method == "INFO":
            digit = rtp.info_digit(msg.content_type, msg.body)
            tx.respond(200)
            if digit is not None:
                self._advisor_digit(call, digit)
        elif msg.method in ("INVITE", "UPDATE") and call.outbound and call.outbound.dialog:
            out = call.outbound
            assert out.dialog is not None
            self._offer(call, out.side, out.dialog, out.rtp, tx)
        else:
            tx.respond(200 if msg.method in ("INFO", "NOTIFY") else 405, extra=[("Allow", ALLOW)])

    def _advisor_digit(self, call: Call, digit: str) -> None:
        """A key pressed on the advisor's phone (not relayed to the caller): the router port reads commands."""
        if call.outbound is not None and not call.ended:
            self._emit(ev.AdvisorDigitReceived(call.id, call.programme, time.time(), call.outbound.target, digit))

    # the voice menu -------------------------------------------------------------------------------------------
    def _digit(self, call: Call, digit: str, method: str) -> None:
        if call.ended:
            return
        call.digits += digit
        self._emit(ev.DigitReceived(call.id, call.programme, time.time(), digit, method))
        if call.state == "ivr":
            self._run(call, call.interp.digit(digit))
        elif call.callback_offer is not None:
            self._callback_answer(call, digit)

    def _run(self, call: Call, actions: list[ivr.Action]) -> None:
        loop = asyncio.get_running_loop()
        for action in actions:
            if call.ended:
                return
            match action:
                case ivr.PlayPrompt(prompt=name):
                    self._play(call, name, lambda: self._run(call, call.interp.prompt_done()))
                case ivr.StopPrompt():
                    call.leg.stop_play()
                case ivr.StartTimer(timer=t, seconds=s):
                    call.timers.append(loop.call_later(s, self._timeout, call, t))
                case ivr.QueueCall():
                    self._enqueue(call, action)
                case ivr.TransferCall(target=target, method=how):
                    self._spawn(self.transfer(call.id, target, how))
                case ivr.RequestCallback(attributes=attrs):
                    self._emit(ev.CallbackRequested(call.id, call.programme, time.time(), attrs))
                case ivr.RecordVoicemail(max_seconds=seconds):
                    call.leg.recording = bytearray()
                    call.timers.append(loop.call_later(seconds, lambda: self._end(call, "voicemail", "gateway")))
                case ivr.HangUp(reason=reason):
                    self._end(call, f"ivr_{reason}", "gateway")

    def _timeout(self, call: Call, timer: int) -> None:
        self._run(call, call.interp.timeout(timer))

    def _music_frames(self, call: Call, leg: RtpLeg) -> list[bytes]:
        try:
            return self.prompts.frames(call.music, leg.codec)
        except PromptMissing:
            return []  # comfort silence

    def _play(self, call: Call, name: str, done: Callable[[], None] | None, *, loop: bool = False) -> None:
        try:
            frames = self.prompts.frames(name, call.leg.codec)
        except PromptMissing:
            log.warning("prompt %s missing: skipped", name)
            if done:
                asyncio.get_running_loop().call_soon(done)
            return
        call.leg.play(frames, loop=loop, on_done=done)

    # queue ----------------------------------------------------------------------------------------------------
    def _enqueue(self, call: Call, action: ivr.QueueCall) -> None:
        call.state, call.queue, call.attributes, call.music = "queued", action.queue, action.attributes, action.music
        waiting = self.queues.setdefault(action.queue, [])
        waiting.append(call.id)
        now = time.time()
        self._stamp(call, queued_at=now, path=tuple(call.interp.path))
        self._play(call, "queued", lambda: self._announce_wait(call))
        if action.announce_position:
            self._announce_every(call, action.announce_every_s)
        event = ev.CallQueued(call.id, call.programme, now, action.queue, dict(action.attributes), len(waiting))
        self._emit(event)
        if self.on_call_queued is not None:
            self.on_call_queued(event)
        else:
            self._dispatch()

    def position(self, call_id: str) -> int | None:
        """The place announced: the router's when it told one (``set_position``), else the order of arrival."""
        call = self.calls.get(call_id)
        if call is None or call.queue is None or call_id not in self.queues.get(call.queue, []):
            return None
        if call.router_position is not None:
            return call.router_position
        return self.queues[call.queue].index(call_id) + 1

    def set_position(self, call_id: str, position: int | None) -> None:
        """The router's position for this call (its order: priorities, callbacks' places), told from then on."""
        call = self.calls.get(call_id)
        if call is not None:
            call.router_position = position

    def _announce_every(self, call: Call, seconds: float) -> None:
        def announce() -> None:
            if call.state not in ("queued", "ringing"):
                return
            pos = self.position(call.id)
            if pos is not None and call.callback_offer is None:
                name = f"position_{pos}" if pos <= 9 else "position_many"
                self._play(call, name, lambda: self._announce_wait(call))
            call.timers.append(asyncio.get_running_loop().call_later(seconds, announce))

        call.timers.append(asyncio.get_running_loop().call_later(seconds, announce))

    def offer_callback(self, call_id: str, on_answer: Callable[[bool], None], *, wait_s: float = 8.0) -> bool:
        """Offer a waiting caller a callback (``callback_offer``: "press 1"). 1 → ``on_answer(True)``, then
        ``callback_ok`` and hang-up; another key, or nothing within ``wait_s`` after the prompt →
        ``on_answer(False)`` and the music again (the call keeps its place)."""
        call = self.calls.get(call_id)
        if call is None or call.ended or call.state != "queued" or call.callback_offer is not None:
            return False
        call.callback_offer = on_answer

        def wait() -> None:
            if call.callback_offer is on_answer:
                later = asyncio.get_running_loop().call_later(wait_s, self._callback_answer, call, "", on_answer)
                call.timers.append(later)

        self._play(call, "callback_offer", wait)
        return True

    def _callback_answer(
        self, call: Call, digit: str, offer: Callable[[bool], None] | None = None
    ) -> None:  # fmt: skip
        answer = call.callback_offer
        if answer is None or call.ended or (offer is not None and offer is not answer):
            return
        call.callback_offer = None
        if call.state != "queued":  # being offered to an advisor meanwhile: the offer lapses
            answer(False)
            return
        if digit != "1":
            answer(False)
            self._play(call, call.music, None, loop=True)
            return
        for handle in call.timers:
            handle.cancel()
        call.state = "closing"
        answer(True)
        self._play(call, "callback_ok", lambda: self._end(call, "callback", "gateway"))

    def set_estimated_wait(self, call_id: str, seconds: float | None) -> None:
        """The router's estimated wait for this call: told after the "queued" prompt and with the position."""
        call = self.calls.get(call_id)
        if call is not None:
            call.estimated_wait_s, call.estimate_at = seconds, time.time()

    def _announce_wait(self, call: Call) -> None:
        """The remaining estimated wait (rounded up to the minute, "more than ten" beyond), then the music."""

        def music() -> None:
            self._play(call, call.music, None, loop=True)

        if call.estimated_wait_s is None or call.state not in ("queued", "ringing"):
            music()
            return
        left = max(0.0, call.estimated_wait_s - (time.time() - call.estimate_at))
        minutes = max(1, -(-int(left) // 60))
        self._play(call, f"wait_{minutes}" if minutes <= 10 else "wait_many", music)

    def _dispatch(self) -> None:
        """Internal dispatcher (no router attached): head of each queue to the longest-idle free advisors."""
        if self.on_call_queued is not None:
            return
        for waiting in self.queues.values():
            for call_id in list(waiting):
                call = self.calls.get(call_id)
                if call is None or call.state != "queued":
                    continue
                free = [a for a in self.registrar.advisors() if a not in self.busy]
                if not free:
                    return
                free.sort(key=lambda a: self.idle_since.get(a, 0.0))
                call.state = "ringing"
                self._spawn(self._dispatch_one(call, free))

    async def _dispatch_one(self, call: Call, advisors: list[str]) -> None:
        if not await self.bridge(call.id, advisors) and not call.ended:
            call.state = "queued"
            loop = asyncio.get_running_loop()
            call.timers.append(loop.call_later(1.0, self._dispatch))  # retry once someone is free

    # seams: bridge, reject, transfer, hang up -----------------------------------------------------------------
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
        from_tag, call_id, branch = sipmsg.new_tag(), sipmsg.new_call_id(self.config.host), sipmsg.new_branch()
        from_party = f"<sip:{call.number}@{self.config.host}:{self.port}>;tag={from_tag}"
        side = Side()
        body = sdp.offer(self.config.host, leg.port, side.sdp, codec=call.leg.codec)
        invite = sipmsg.request(
            "INVITE", uri, via_host=self.config.host, via_port=self.port, branch=branch, from_=from_party,
            to=f"<{uri}>", call_id=call_id, cseq=1, contact=f"<{self.uri}>", body=body,
            extra=[("Allow", ALLOW), ("X-Plateau-Call", call.id)],
        )  # fmt: skip
        out = OutboundLeg(target, call_id, invite, branch, addr, uri, from_party, leg, side=side)
        call.outbound = out
        self.outbound[call_id] = call
        tx = self.endpoint.request("INVITE", branch, invite, addr)
        ringing = asyncio.get_running_loop().create_future()

        def provisional(msg: SipMessage) -> None:
            if msg.code in (180, 183) and not ringing.done():
                ringing.set_result(True)
                tried = call.record.advisors_tried if call.record else ()
                self._stamp(call, ringing_at=time.time(), advisors_tried=(*tried, target))
                self._emit(ev.AdvisorRinging(call.id, call.programme, time.time(), target))

        tx.on_provisional = provisional
        try:
            resp = await asyncio.wait_for(asyncio.shield(tx.result), ring_timeout or self.config.ring_timeout)
        except TimeoutError:
            self._cancel(out)
            resp = await tx.final()
            code = 408
        else:
            code = resp.code if resp is not None else 408
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
        if call.side.holding:  # the caller had put us on hold while queued: the advisor hears the music
            self._apply_hold(call)
        return True

    def _confirm(self, out: OutboundLeg, resp: SipMessage) -> None:
        assert self.endpoint is not None
        contacts = resp.headers("Contact")
        target = sipmsg.uri_of(contacts[0]) if contacts else out.uri
        try:
            addr = sipmsg.hostport_of(target)
        except ValueError:
            addr = out.addr
        out.dialog = Dialog(out.call_id, out.from_party, resp.header("To") or "", target, addr,
                            self.config.host, self.port, 1, f"<{self.uri}>")  # fmt: skip
        _, out.ack = out.dialog.request("ACK", cseq=1)
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

    def stop_ringing(self, call_id: str) -> None:
        """CANCEL the advisor's phone that rings for this call (the router withdrew the offer)."""
        call = self.calls.get(call_id)
        if call is not None and call.outbound is not None and call.outbound.dialog is None:
            self._cancel(call.outbound)

    def start_recording(self, call_id: str, advisor: str = "") -> bool:
        """Recording on demand (never systematic): both parties hear the announcement, then both directions are
        recorded until the call ends. False if the call is not bridged or already recorded."""
        call = self.calls.get(call_id)
        if call is None or call.state != "bridged" or call.outbound is None or call.recording_started_at is not None:
            return False
        other = call.outbound.rtp
        call.recording_started_at, call.recording_by = 0.0, advisor  # requested: the notice plays first
        call.leg.unbridge()
        call.leg.start_clock()
        other.start_clock()

        def begin() -> None:
            if call.state != "bridged" or call.outbound is None:
                return
            call.leg.recording, call.outbound.rtp.recording = bytearray(), bytearray()
            call.recording_started_at = time.time()
            call.leg.bridge(call.outbound.rtp)
            self._emit(ev.RecordingStarted(call.id, call.programme, time.time(), advisor))

        if "recording_notice" in self.prompts:
            other.play(self.prompts.frames("recording_notice", other.codec))
        self._play(call, "recording_notice", begin)
        return True

    def _save_recording(self, call: Call) -> None:
        caller = bytes(call.leg.recording or b"")
        advisor = bytes(call.outbound.rtp.recording or b"") if call.outbound else b""
        call.leg.recording = None
        if call.outbound is not None:
            call.outbound.rtp.recording = None
        assert call.recording_started_at is not None
        name = f"{int(call.recording_started_at)}-{secrets.token_hex(4)}.wav"
        path = self.config.var_dir / "recordings" / call.programme / name
        seconds = recording.write_stereo_wav(path, caller, advisor, call.leg.codec)
        saved = ev.RecordingSaved(call.id, call.programme, time.time(), str(path), call.recording_started_at, seconds,
                                  call.recording_by)  # fmt: skip
        self._emit(saved)

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

    async def transfer(self, call_id: str, target: str, method: str = "refer") -> bool:
        """Blind transfer: REFER the caller to ``target`` (NOTIFY 200 ends our part), or bridge a new leg to it."""
        call = self.calls.get(call_id)
        if call is None or call.ended:
            return False
        call.state = "transferring"
        self._stamp(call, transfer_target=target)
        if method == "refer":
            call.refer_result = asyncio.get_running_loop().create_future()
            assert self.endpoint is not None
            branch, data = call.dialog.request(
                "REFER", extra=[("Refer-To", f"<{target}>"), ("Referred-By", f"<{self.uri}>")]
            )
            resp = await self.endpoint.request("REFER", branch, data, call.dialog.addr).final()
            if resp is not None and resp.code < 300:
                try:
                    code = await asyncio.wait_for(asyncio.shield(call.refer_result), self.config.transfer_timeout)
                except TimeoutError:
                    code = 408
                ok = code < 300
                self._emit(
                    ev.CallTransferred(
                        call.id, call.programme, time.time(), target, "refer", "accepted" if ok else "failed"
                    )
                )
                self._end(call, "transferred" if ok else "transfer_failed", "gateway")
                return ok
            # the caller's phone cannot REFER: fall back to a new outbound leg
        try:
            host_port = sipmsg.hostport_of(target)
        except ValueError:
            self._end(call, "transfer_failed", "gateway")
            return False
        call.state = "ringing"
        ok = await self._ring(call, target, target, host_port, ring_timeout=self.config.transfer_timeout)
        self._emit(
            ev.CallTransferred(call.id, call.programme, time.time(), target, "bridge", "accepted" if ok else "failed")
        )
        if not ok and not call.ended:
            self._end(call, "transfer_failed", "gateway")
        return ok

    def _refer_progress(self, call: Call, msg: SipMessage) -> None:
        if call.refer_result is None or call.refer_result.done():
            return
        first = msg.body.split(b"\r\n", 1)[0].split(b"\n", 1)[0].decode("ascii", "replace").split()
        if len(first) >= 2 and first[0] == "SIP/2.0" and first[1].isdigit() and int(first[1]) >= 200:
            call.refer_result.set_result(int(first[1]))

    # tear down ------------------------------------------------------------------------------------------------
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
                    digits=call.digits,
                    hold_seconds=call.hold_seconds, holds=call.holds)  # fmt: skip
        assert call.record is not None
        self._emit(ev.CallEnded(call.id, call.programme, now, call.record))
        self._dispatch()

    def _save_voicemail(self, call: Call) -> None:
        assert call.leg.recording is not None
        folder = self.config.var_dir / "voicemail" / call.programme
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / recording.voicemail_name(call.id, time.time(), call.leg.codec)
        path.write_bytes(bytes(call.leg.recording))
        seconds = len(call.leg.recording) / 8000
        self._emit(ev.VoicemailRecorded(call.id, call.programme, time.time(), str(path), seconds))
