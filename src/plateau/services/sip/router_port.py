"""Calls are contacts: the bridge between the SIP gateway and the router.

- A queued call (``Gateway(on_call_queued=...)``) becomes a routed contact (``ContactArrived``, channel call):
  its routing id is the SIP Call-ID, its queue ``<programme>.<code>`` (IVR queue names mapped by ``queues``),
  its attributes the IVR's, its caller the number of the From URI.
- ``OfferMade`` rings the advisor's SIP phone (``CallStore.phone_of``) until the offer expires; the phone
  answering is the acceptance (``OfferAccepted``), no answer or a refusal (486…) is ``OfferDeclined`` and the
  router offers the call to the next advisor. ``OfferWithdrawn`` (expired, taken, abandoned) CANCELs the phone.
- Accepting on the web desk (``ContactAnswered`` for a call still ringing or not yet bridged) keeps the advisor's
  phone ringing: the desk and the phone are two ways to take the same offer. If that ring ends unanswered
  (offer's remaining time, else the gateway's ``ring_timeout``), the contact is given back (``ContactReleased``):
  it waits again at its place and the router offers it to the next advisor; the desk shows the no-answer.
- ``ContactQueued.estimated_wait_s`` is told to the caller (``Gateway.set_estimated_wait``); then the router's
  status (``positions``: each waiting call's place in the router's order and its EWT) updates what the caller
  hears with each announcement (``Gateway.set_position``), not the gateway's order of arrival.
- The caller hanging up before the bridge is ``ContactAbandoned``; a bridged call that ends is
  ``ContactCompleted`` (the advisor goes to wrap-up) with the call's time on hold (``hold_s``, from the CDR), which
  the router's KPIs count.
- Every gateway event is published on the router's bus (in-process or Redis) as a
  :class:`~plateau.services.router.bus.RoutingMessage` tagged with its programme and advisor; CDRs and
  recordings are stored through ``CallStore`` in a worker thread (never the ORM on the event loop).
- ``CallbackOffered`` (the queue's overflow is a callback): the waiting caller hears ``callback_offer``; 1 books
  the callback on the caller's number (``CallbackRequested``, window now .. ``callback_window_s``), the caller
  hears ``callback_ok`` and the call ends without abandoning the contact (the promise keeps its place).
- ``RecordingRequested`` on the bus (the desk's button), or ``*1`` pressed on the advisor's phone (RFC 4733 or
  INFO), starts a recording of the advisor's bridged call.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from plateau.domain.routing import events as rev
from plateau.services.router.bus import Bus, RoutingMessage
from plateau.services.router.client import RouterUnavailableError, new_id
from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip.gateway import Gateway

log = logging.getLogger(__name__)
T = TypeVar("T")
RECORDING_REQUESTED = ev.RECORDING_REQUESTED
RECORD_KEYS = "*1"  # pressed on the advisor's phone during a call: record it (announced first)


class Router(Protocol):
    """What the port needs of :class:`plateau.services.router.client.RouterClient` (blocking calls)."""

    def submit(self, *events: rev.RoutingEvent) -> list[dict[str, Any]]: ...

    def enqueue(
        self, queue_id: str, *, contact_id: str | None = None, skills: tuple[str, ...] = (), caller: str = "",
        priority: float = 0.0, attributes: dict[str, str] | None = None,
    ) -> list[dict[str, Any]]: ...  # fmt: skip


class CallStore(Protocol):
    """Database side (``plateau.calls.services``), called from a worker thread."""

    def phone_of(self, username: str) -> str | None: ...

    def close_connection(self) -> None: ...

    def store_call_record(self, record: ev.CallRecord, *, number: str, queue: str, routing_contact_id: str) -> None: ...

    def store_recording(
        self, *, programme_slug: str, call_id: str, advisor: str, path: Any, started_at: float, seconds: float
    ) -> Any: ...


@dataclass
class _Routed:
    call_id: str
    programme: str
    queue_id: str
    number: str = ""
    offers: list[tuple[str, str, float]] = field(default_factory=list)  # pending (offer, advisor, expires_at)
    withdrawn: set[str] = field(default_factory=set)
    ringing: tuple[str, str] | None = None  # (offer, advisor)
    desk_accepted: str = ""  # advisor who accepted on the desk
    advisor: str = ""  # advisor bridged
    advisor_keys: str = ""  # keys pressed on the advisor's phone
    caller: str = ""  # the number of the From URI (a callback is booked on it)
    callback: bool = False  # the caller accepted a callback: the promise stays in the router after the hang-up
    worker: asyncio.Task[None] | None = None


class RouterPort:
    def __init__(
        self,
        router: Router,
        bus: Bus,
        store: CallStore,
        *,
        queues: dict[str, str] | None = None,
        publish_events: bool = True,
        also: Callable[[ev.CallEvent], None] | None = None,
        callback_window_s: float = 4 * 3600,
    ) -> None:
        self.router, self.bus, self.store = router, bus, store
        self.queues = queues or {}
        self.publish_events = publish_events
        self.also = also  # e.g. JSON lines on stdout for debugging
        self.callback_window_s = callback_window_s  # a callback accepted on the phone: from now to now + this
        self.gateway: Gateway | None = None
        self.routed: dict[str, _Routed] = {}
        self.numbers: dict[str, str] = {}  # call id -> number dialled (for the CDR)
        self.targets: dict[str, str] = {}  # gateway advisor name -> router advisor id
        self._offers_seen: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._publisher = ThreadPoolExecutor(1, thread_name_prefix="sip-bus")  # one thread: events stay in order
        self._db = ThreadPoolExecutor(1, thread_name_prefix="sip-db")  # one database connection, closed at the end
        self._listener: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    # life cycle -----------------------------------------------------------------------------------------------
    def attach(self, gateway: Gateway) -> None:
        self.gateway = gateway
        gateway.on_event = self.on_event
        gateway.on_call_queued = self.on_call_queued

    async def start(self) -> None:
        self._listener = asyncio.get_running_loop().create_task(self._listen())
        await asyncio.wait_for(self.listening.wait(), 5)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        tasks = list(self._tasks)
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        self._publisher.shutdown(wait=True)
        await self._in_db(self.store.close_connection)
        self._db.shutdown(wait=True)

    async def _in_db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, functools.partial(fn, *args, **kwargs))

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("router port task failed", exc_info=task.exception())

    async def _submit(self, *events: rev.RoutingEvent) -> list[dict[str, Any]]:
        """Send events; their decisions are handled at once (the bus brings them too: offers are deduplicated)."""
        try:
            decisions = await asyncio.to_thread(self.router.submit, *events)
        except RouterUnavailableError:
            log.exception("router unavailable for %s", [type(e).__name__ for e in events])
            return []
        for d in decisions:
            self._decision(d["type"], d)
        return decisions

    def queue_id(self, programme: str, ivr_queue: str) -> str:
        code = self.queues.get(f"{programme}.{ivr_queue}") or self.queues.get(ivr_queue) or ivr_queue
        return f"{programme}.{code}"

    # gateway → router -----------------------------------------------------------------------------------------
    def on_call_queued(self, event: ev.CallQueued) -> None:
        r = _Routed(event.call_id, event.programme, self.queue_id(event.programme, event.queue),
                    self.numbers.get(event.call_id, ""))  # fmt: skip
        self.routed[event.call_id] = r
        self._spawn(self._arrive(r, event))

    async def _arrive(self, r: _Routed, event: ev.CallQueued) -> None:
        assert self.gateway is not None
        call = self.gateway.calls.get(r.call_id)
        caller = sipmsg.user_of(call.caller) if call is not None else ""
        r.caller = caller or ""
        try:
            decisions = await asyncio.to_thread(
                self.router.enqueue, r.queue_id, contact_id=r.call_id, caller=caller or "",
                attributes={**event.attributes, "channel": "call"},
            )  # fmt: skip
        except RouterUnavailableError:
            log.exception("router unavailable: call %s sent away", r.call_id)
            decisions = [{"type": "Rejected"}]
        for d in decisions:
            if d["type"] == "Rejected":
                log.warning("router refused call %s: %s", r.call_id, d.get("message"))
                self.routed.pop(r.call_id, None)
                self.gateway.reject(r.call_id)
                return
            self._decision(d["type"], d)

    def on_event(self, event: ev.CallEvent) -> None:
        if isinstance(event, ev.CallStarted):
            self.numbers[event.call_id] = event.number
        elif isinstance(event, ev.CallEnded):
            self._spawn(self._ended(event))
        elif isinstance(event, ev.RecordingSaved):
            self._spawn(self._recording_saved(event))
        elif isinstance(event, ev.AdvisorDigitReceived):
            self._advisor_key(event)
        if self.publish_events:
            self._publish(event)
        if self.also is not None:
            self.also(event)

    def _publish(self, event: ev.CallEvent) -> None:
        data = dataclasses.asdict(event)
        advisor = getattr(event, "advisor", "") or ""
        if isinstance(event, ev.CallEnded):
            advisor = event.record.advisor or ""
        advisor = self.targets.get(advisor, advisor)
        message = RoutingMessage(type(event).__name__, data, (event.programme,), advisor)
        asyncio.get_running_loop().run_in_executor(self._publisher, self._publish_now, message)

    def _publish_now(self, message: RoutingMessage) -> None:
        try:
            self.bus.publish([message])
        except Exception:  # the call goes on; subscribers catch up with the router's status
            log.exception("bus publish failed")

    async def _ended(self, event: ev.CallEnded) -> None:
        record = event.record
        number = self.numbers.pop(event.call_id, "")
        r = self.routed.pop(event.call_id, None)
        if r is not None:
            advisor = r.advisor or r.desk_accepted
            if advisor:
                hold = round(record.hold_seconds, 3)  # the journal and the KPIs count the call's time on hold
                await self._submit(rev.ContactCompleted(new_id(), time.time(), r.call_id, advisor, hold))
            elif r.callback:
                pass  # the router keeps the callback promise (its place in the queue)
            else:
                await self._submit(rev.ContactAbandoned(new_id(), time.time(), r.call_id))
        if r is not None and record.advisor:
            record = dataclasses.replace(record, advisor=self.targets.get(record.advisor, record.advisor))
        try:
            queue, contact = (r.queue_id, r.call_id) if r is not None else ("", "")
            await self._in_db(
                self.store.store_call_record, record, number=number, queue=queue, routing_contact_id=contact
            )
        except Exception:
            log.exception("CDR of %s not stored", event.call_id)

    async def _recording_saved(self, event: ev.RecordingSaved) -> None:
        try:
            await self._in_db(self.store.store_recording, programme_slug=event.programme, call_id=event.call_id,
                                    advisor=event.advisor, path=event.path, started_at=event.started_at,
                                    seconds=event.seconds)  # fmt: skip
        except Exception:
            log.exception("recording of %s not stored", event.call_id)

    # router → gateway -----------------------------------------------------------------------------------------
    async def _listen(self) -> None:
        it = self.bus.subscribe()
        first = asyncio.ensure_future(it.__anext__())
        await asyncio.sleep(0.05)  # the generator has registered its subscription
        self.listening.set()
        try:
            m = await first
            while True:
                if m.kind == RECORDING_REQUESTED:
                    self._recording_requested(m)
                elif m.kind == ev.HOLD_REQUESTED:
                    self._hold_requested(m)
                elif m.kind == "status":
                    self._positions(m.data.get("positions") or {})
                else:
                    self._decision(m.kind, m.data)
                m = await it.__anext__()
        finally:
            if not first.done():
                first.cancel()
            aclose = getattr(it, "aclose", None)
            if aclose is not None:
                await aclose()

    def _positions(self, positions: dict[str, Any]) -> None:
        """The router's place and EWT of each waiting call (its status): what the caller hears from then on."""
        assert self.gateway is not None
        for call_id, r in self.routed.items():
            p = positions.get(call_id)
            if p is not None and not r.advisor:
                self.gateway.set_position(call_id, int(p["position"]))
                self.gateway.set_estimated_wait(call_id, p.get("ewt_s"))

    def _decision(self, kind: str, d: dict[str, Any]) -> None:
        r = self.routed.get(d.get("contact_id", ""))
        if r is None:
            return
        assert self.gateway is not None
        if kind == "ContactQueued":
            self.gateway.set_estimated_wait(r.call_id, d.get("estimated_wait_s"))
        elif kind == "OfferMade" and d["offer_id"] not in self._offers_seen:
            self._offers_seen.add(d["offer_id"])
            r.offers.append((d["offer_id"], d["advisor_id"], float(d["expires_at"])))
            if r.worker is None or r.worker.done():
                r.worker = self._spawn(self._ring_offers(r))
        elif kind == "OfferWithdrawn":
            r.withdrawn.add(d["offer_id"])
            if r.ringing is not None and r.ringing[0] == d["offer_id"]:
                # expired: a ring timeout (408) whether the router's deadline or the gateway's fires first
                self.gateway.stop_ringing(r.call_id, 408 if d.get("reason") == "expired" else 487)
        elif kind == "ContactAnswered" and not r.advisor:
            r.desk_accepted = d["advisor_id"]
            if r.ringing is None and (r.worker is None or r.worker.done()):
                r.worker = self._spawn(self._ring_offers(r))
        elif kind == "ContactOverflowed" and d.get("kind") == "external" and d.get("destination"):
            self._spawn(self.gateway.transfer(r.call_id, str(d["destination"]), "refer"))
        elif kind == "CallbackOffered" and r.caller and not r.advisor and not r.desk_accepted:
            self.gateway.offer_callback(r.call_id, functools.partial(self._callback_answered, r))
        elif kind == "ContactOverflowed" and d.get("kind") == "voicemail":
            self.routed.pop(r.call_id, None)
            self.gateway.reject(r.call_id)

    def _callback_answered(self, r: _Routed, accepted: bool) -> None:
        """The caller pressed 1 after ``callback_offer``: a callback on their number within ``callback_window_s``."""
        if accepted and self.routed.get(r.call_id) is r:
            r.callback = True
            now = time.time()
            self._spawn(self._submit(rev.CallbackRequested(new_id(), now, r.call_id, r.caller, now,
                                                          now + self.callback_window_s)))  # fmt: skip

    async def _ring_offers(self, r: _Routed) -> None:
        """Ring the phones of the offers one at a time (ring-all queues offer several advisors at once)."""
        assert self.gateway is not None
        while self.routed.get(r.call_id) is r and not r.advisor:
            if r.desk_accepted:
                offer, advisor, expires = "", r.desk_accepted, time.time() + self.gateway.config.ring_timeout
            elif r.offers:
                offer, advisor, expires = r.offers.pop(0)
                if offer in r.withdrawn:
                    continue
            else:
                return
            target = await self._target(advisor)
            if target is None:
                if offer:
                    log.warning("advisor %s has no SIP phone: offer declined", advisor)
                    await self._submit(rev.OfferDeclined(new_id(), time.time(), offer, advisor))
                    continue
                return  # accepted on the desk without a phone: the advisor calls back
            r.ringing = (offer, advisor)
            try:
                ok = await self.gateway.bridge(r.call_id, [target], ring_timeout=max(1.0, expires - time.time()))
            finally:
                r.ringing = None
            if self.routed.get(r.call_id) is not r:
                return  # the caller left meanwhile
            if ok:
                r.advisor = advisor
                if offer and r.desk_accepted != advisor:
                    decisions = await self._submit(rev.OfferAccepted(new_id(), time.time(), offer, advisor))
                    if any(d["type"] == "Rejected" for d in decisions):
                        log.warning("call %s bridged to %s but the router refused the acceptance", r.call_id, advisor)
                return
            if r.desk_accepted == advisor:  # taken on the desk, the phone never answered: back to the router
                r.desk_accepted = ""
                log.info("call %s accepted on the desk by %s: phone unanswered, released", r.call_id, advisor)
                await self._submit(rev.ContactReleased(new_id(), time.time(), r.call_id, advisor))
            elif offer and offer not in r.withdrawn and not r.desk_accepted:
                await self._submit(rev.OfferDeclined(new_id(), time.time(), offer, advisor))

    async def _target(self, advisor: str) -> str | None:
        """The gateway name of the advisor's phone: a registered account, or a static URI under their name."""
        assert self.gateway is not None
        phone = await self._in_db(self.store.phone_of, advisor)
        if not phone:
            return None
        if phone.startswith(("sip:", "sips:")):
            self.gateway.registrar.static[advisor] = phone
            phone = advisor
        self.targets[phone] = advisor
        return phone

    def _advisor_key(self, event: ev.AdvisorDigitReceived) -> None:
        r = self.routed.get(event.call_id)
        if r is None or self.gateway is None or not r.advisor:
            return
        r.advisor_keys = (r.advisor_keys + event.digit)[-len(RECORD_KEYS) :]
        if r.advisor_keys == RECORD_KEYS:
            self.gateway.start_recording(r.call_id, r.advisor)

    def _hold_requested(self, m: RoutingMessage) -> None:
        """Hold or resume from the desk: only the advisor bridged to that call may (re-INVITE to their phone)."""
        r = self.routed.get(str(m.data.get("contact_id", "")))
        if r is None or self.gateway is None or not m.advisor_id or r.advisor != m.advisor_id:
            return
        self._spawn(self.gateway.hold(r.call_id, bool(m.data.get("hold", True))))

    def _recording_requested(self, m: RoutingMessage) -> None:
        r = self.routed.get(str(m.data.get("contact_id", "")))
        if r is None or self.gateway is None or not m.advisor_id or r.advisor != m.advisor_id:
            return
        if not self.gateway.start_recording(r.call_id, m.advisor_id):
            log.info("recording of %s not started (not bridged or already recorded)", r.call_id)
