"""Waiting in a queue: music, position and estimated-wait announcements (the router's when told), the callback
offer, and the internal longest-idle dispatcher used when no router is attached."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from plateau.domain.ivr import interpreter as ivr
from plateau.services.sip import events as ev
from plateau.services.sip.calls import Call
from plateau.services.sip.core import GatewayCore


class Waiting(GatewayCore):
    """The gateway's queues and their announcements."""

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
