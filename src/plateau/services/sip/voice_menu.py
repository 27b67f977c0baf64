"""The voice menu: the interpreter's actions carried out (prompts, timers, queue, transfer, callback, voicemail,
hang-up) and the caller's keys (RFC 4733 or INFO) fed to it."""

from __future__ import annotations

import asyncio
import time

from plateau.domain.ivr import interpreter as ivr
from plateau.domain.ivr.line_rules import BLOCKED_CAUSE, BLOCKED_PROMPT, BLOCKED_STEP, PRICE_STEP
from plateau.services.sip import events as ev
from plateau.services.sip.calls import Call
from plateau.services.sip.core import GatewayCore


class VoiceMenu(GatewayCore):
    """The gateway's voice menu."""

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
