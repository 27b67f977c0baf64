"""What every part of the gateway shares: its state (calls, outbound legs, queues, advisors, media, endpoint),
its life cycle and small helpers (tasks, events, CDR stamps, in-dialog requests, prompts and music).

The gateway is one class (``gateway.Gateway``) assembled from cohesive parts, each a mixin on this core:
``in_dialog`` (requests inside a dialog), ``voice_menu`` and ``waiting`` (IVR, queue, announcements, internal
dispatcher), ``outbound`` (ringing advisors, bridging), ``transfer``, ``recorder``, ``hold`` and ``reoffer``
(offer/answer inside dialogs, session timers). The methods one part calls on another are declared below for the
type checker only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from plateau.domain.ivr import Flow
from plateau.domain.ivr import interpreter as ivr
from plateau.domain.ivr.line_rules import LineRules
from plateau.services.sip import events as ev
from plateau.services.sip import sdp, session_timer
from plateau.services.sip.calls import Call, GatewayConfig, OutboundLeg, Side
from plateau.services.sip.dialog import Addr, Dialog, Registrar
from plateau.services.sip.media import MediaEngine, RtpLeg
from plateau.services.sip.message import SipMessage
from plateau.services.sip.prompts import PromptMissing, PromptStore
from plateau.services.sip.transport import ServerTransaction, SipEndpoint

log = logging.getLogger("plateau.services.sip.gateway")  # one logger for every part of the gateway


class GatewayCore:
    """The gateway's state, life cycle and shared helpers."""

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

    def _play(self, call: Call, name: str, done: Callable[[], None] | None, *, loop: bool = False) -> None:
        try:
            frames = self.prompts.frames(name, call.leg.codec)
        except PromptMissing:
            log.warning("prompt %s missing: skipped", name)
            if done:
                asyncio.get_running_loop().call_soon(done)
            return
        call.leg.play(frames, loop=loop, on_done=done)

    def _music_frames(self, call: Call, leg: RtpLeg) -> list[bytes]:
        try:
            return self.prompts.frames(call.music, leg.codec)
        except PromptMissing:
            return []  # comfort silence

    if TYPE_CHECKING:  # provided by the other parts of the gateway (see the module's docstring)

        def _advisor_digit(self, call: Call, digit: str) -> None: ...
        def _apply_hold(self, call: Call) -> None: ...
        def _arm_session(self, call: Call, side: Side, dialog: Dialog, timer: session_timer.Agreed | None) -> None: ...
        def _bridged(self, call: Call) -> bool: ...
        def _callback_answer(self, call: Call, digit: str, offer: Callable[[bool], None] | None = None) -> None: ...
        def _cancel(self, out: OutboundLeg) -> None: ...
        def _digit(self, call: Call, digit: str, method: str) -> None: ...
        def _direction(self, call: Call, side: Side, leg: RtpLeg, offer: sdp.MediaOffer) -> None: ...
        def _dispatch(self) -> None: ...
        def _drop_outbound(self, call: Call, *, bye: bool) -> None: ...
        def _end(
            self, call: Call, cause: str, by: str, *, notify_caller: bool = True, notify_advisor: bool = True
        ) -> None: ...
        def _enqueue(self, call: Call, action: ivr.QueueCall) -> None: ...
        def _free(self, advisor: str) -> None: ...
        def _hold_over(self, call: Call) -> None: ...
        def _in_dialog(self, tx: ServerTransaction) -> None: ...
        def _ivr_start(self, call: Call) -> None: ...
        def _offer(self, call: Call, side: Side, dialog: Dialog, leg: RtpLeg, tx: ServerTransaction) -> None: ...
        def _other(self, call: Call, leg: RtpLeg) -> RtpLeg: ...
        def _refer_progress(self, call: Call, msg: SipMessage) -> None: ...
        async def _reoffer(
            self,
            dialog: Dialog,
            side: Side,
            method: str,
            body: bytes,
            *,
            owner: bool,
            extra: Sequence[tuple[str, str]] = (),
        ) -> SipMessage | None: ...
        async def _ring(
            self, call: Call, target: str, uri: str, addr: Addr, *, ring_timeout: float | None = None
        ) -> bool: ...
        def _save_recording(self, call: Call) -> None: ...
        def _save_voicemail(self, call: Call) -> None: ...
        def _stop_sessions(self, call: Call) -> None: ...
        def _timer_headers(self, msg: SipMessage, timer: session_timer.Agreed | None) -> list[tuple[str, str]]: ...
        async def bridge(self, call_id: str, advisors: Sequence[str], *, ring_timeout: float | None = None) -> bool: ...
        async def transfer(self, call_id: str, target: str, method: str = "refer") -> bool: ...
