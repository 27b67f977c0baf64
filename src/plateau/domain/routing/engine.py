"""The routing engine: ``apply(event) -> decisions``, pure, clock-injected, deterministic.

State is a pure function of the applied events: the same events in the same order give the same state and
the same decisions, whether applied live, replayed from the journal, or replayed after a snapshot. Time only
advances through the ``at`` of events; deadlines (offer expiry, wider targets, overflow, wrap-up end,
callback windows) sit in a heap and fire, in the total order ``(at, kind, id)``, before the event whose
``at`` passes them. See docs/routing.md.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from plateau.domain.routing import events as ev
from plateau.domain.routing._core import (
    ASSIGNED,
    CALLBACK_END,
    CALLBACK_OPEN,
    LOGGED_OUT,
    OFFER_EXPIRY,
    OFFERED,
    OVERFLOW,
    PAUSED,
    READY,
    SCHEDULED,
    TARGET_TIMEOUT,
    WAITING,
    WRAP_UP_END,
    EngineCore,
)
from plateau.domain.routing.config import (
    AdvisorProfile,
    QueueConfig,
    RoutingConfig,
    validate_config,
)
from plateau.domain.routing.errors import (
    InvalidConfiguration,
    InvalidTransition,
    OfferExpired,
    RoutingError,
    UnknownSkill,
)
from plateau.domain.routing.matching import AvailabilityIndex
from plateau.domain.routing.state import (
    AdvisorRecord,
    AdvisorState,
    ContactRecord,
    ContactStatus,
    OfferRecord,
    QueueRecord,
)

MSG_OFFER_EXPIRED = "Cette offre a expiré ou a été retirée : le contact est proposé à un autre conseiller."


def serves(profile: AdvisorProfile, queue: QueueConfig) -> bool:
    """Whether the advisor may ever take contacts of ``queue`` (programme, channel, widest target's skills)."""
    if queue.programme not in profile.programmes or dict(profile.capacity).get(queue.channel, 0) <= 0:
        return False
    skills = profile.skill_levels()
    return all(skills.get(r.skill, -1) >= r.min_level for r in queue.targets[-1].requires)


class RoutingEngine(EngineCore):
    """Feed it events with :meth:`apply`; read decisions from the returned list."""

    def __init__(self, *, dedupe_window: int = 1_000_000) -> None:
        super().__init__(dedupe_window=dedupe_window)
        self._handlers: dict[type, Callable[[Any], None]] = {
            ev.ConfigurationApplied: self._on_config,
            ev.ContactArrived: self._on_arrived,
            ev.ContactAbandoned: self._on_abandoned,
            ev.CallbackRequested: self._on_callback,
            ev.AdvisorLoggedIn: self._on_login,
            ev.AdvisorLoggedOut: self._on_logout,
            ev.AdvisorPaused: self._on_pause,
            ev.AdvisorResumed: self._on_resume,
            ev.OfferAccepted: self._on_accept,
            ev.OfferDeclined: self._on_decline,
            ev.ContactCompleted: self._on_completed,
            ev.ContactReleased: self._on_released,
            ev.WrapUpEnded: self._on_wrap_up_ended,
            ev.Tick: self._on_tick,
        }

    def apply(self, event: ev.RoutingEvent) -> list[ev.Decision]:
        """Apply one input event; return the decisions it caused (empty for a duplicate ``event_id``).

        A refused input (unknown contact, expired offer...) changes nothing and yields one
        :class:`~plateau.domain.routing.events.Rejected` carrying the error id and the French reason.
        """
        eid = event.event_id
        if self.dedupe_window:  # 0: the caller guarantees unique ids (simulations); nothing to remember
            seen = self.seen
            if eid in seen:
                return []
            seen.add(eid)
            order = self.seen_order
            order.append(eid)
            if len(order) > self.dedupe_window:
                seen.discard(order.popleft())
        out: list[ev.Decision] = []
        self._out = out
        self._cause = eid
        at = event.at
        if at > self.now:
            dl = self._deadlines
            if dl and dl[0][0] <= at:
                self._advance(at)
            else:
                self.now = at
        try:
            self._handlers[type(event)](event)
        except RoutingError as err:
            out.append(ev.Rejected(eid, self.now, err.error_id, err.message))
        return out

    def next_deadline(self) -> float | None:
        """When the driver should send a :class:`Tick` at the latest (None: nothing pending)."""
        dl = self._deadlines
        while dl:
            at, kind, ref = dl[0]
            if self._deadline_valid(at, kind, ref):
                return at
            heapq.heappop(dl)
        return None

    @property
    def deadline_heap(self) -> list[tuple[float, int, str]]:
        """The pending deadlines (a heap; read only; the same list object for the engine's life): its head, if
        any, is a lower bound of :meth:`next_deadline` (entries made stale by later events are dropped lazily),
        which lets a driver skip the search when its own next event comes first."""
        return self._deadlines

    def _on_tick(self, event: ev.Tick) -> None:
        """Nothing to do: :meth:`apply` already fired the deadlines due."""

    def _on_config(self, event: ev.ConfigurationApplied) -> None:
        self.install(event.config)
        for a in sorted(self.advisors.values(), key=lambda a: a.advisor_id):
            self._release(a)

    def install(self, config: RoutingConfig) -> None:
        """Swap in a validated configuration, keeping runtime state (used by replay and snapshots too)."""
        validate_config(config)
        for c in self.contacts.values():
            if c.queue_id not in config.queue_by_id:
                raise InvalidConfiguration(
                    f"La file « {c.queue_id} » contient encore des contacts.", queue_id=c.queue_id
                )
        for a in self.advisors.values():
            if a.presence is not LOGGED_OUT and a.advisor_id not in config.advisor_by_id:
                raise InvalidConfiguration(
                    f"Le conseiller « {a.advisor_id} » est encore connecté.", advisor_id=a.advisor_id
                )
        old_queues, old_advisors = self.queues, self.advisors
        self.config = config
        self._skills = frozenset(config.skills)
        self.queues = {}
        for qc in config.queues:
            qr = QueueRecord(qc)
            old = old_queues.get(qc.queue_id)
            if old is not None:
                for name in ("rr_last", "arrived", "answered", "answered_in_sl", "abandoned", "overflowed"):
                    setattr(qr, name, getattr(old, name))
                qr.handle_n, qr.handle_sum = old.handle_n, old.handle_sum
            self.queues[qc.queue_id] = qr
        self.advisors = {}
        for p in config.advisors:
            a = AdvisorRecord(p, tuple(q.queue_id for q in config.queues if serves(p, q)))
            prev = old_advisors.get(p.advisor_id)
            if prev is not None:
                for name in ("presence", "pause_reason", "offer_id", "wrap_until", "idle_since"):
                    setattr(a, name, getattr(prev, name))
                a.logged_in_at, a.busy_s, a.no_answer = prev.logged_in_at, prev.busy_s, prev.no_answer
                for ch, n in prev.load.items():
                    a.load[ch] = n
            self.advisors[p.advisor_id] = a
        self.rebuild()

    def rebuild(self) -> None:
        """Recompute every derived structure (index, buckets, counts, deadline heap) from runtime records."""
        self._index = AvailabilityIndex(self.advisors)
        self._reqs_cache.clear()
        self._pool.clear()
        for qr in self.queues.values():
            qr.buckets.clear()
            qr.waiting = 0
            qr.staffed_by_share.clear()
            qr.staff_cache = None
        for a in sorted(self.advisors.values(), key=lambda a: a.advisor_id):
            a.index_sets = {ch: self._index.sets_for(a, ch) for ch in a.capacity}
            a.indexed = set()
            a.pulls = []
            self._refresh(a)
            if a.presence is READY:
                self._staff(a, 1)
        self._deadlines.clear()  # the same list object for the engine's life (see deadline_heap)
        for a in self.advisors.values():
            if a.wrap_until is not None:
                self._schedule(a.wrap_until, WRAP_UP_END, a.advisor_id)
        for o in self.offers.values():
            self._schedule(o.expires_at, OFFER_EXPIRY, o.offer_id)
        for c in sorted(self.contacts.values(), key=lambda c: c.seq):
            qr = self.queues[c.queue_id]
            c.target_index = min(c.target_index, len(qr.config.targets) - 1)
            self._requirements(c, qr.config)
            c.bucket = None
            if c.status is not ASSIGNED:
                qr.waiting += 1
            if c.status is WAITING:
                self._enqueue(c, qr)
            cid = c.contact_id
            for at, kind in (
                (c.target_deadline, TARGET_TIMEOUT),
                (c.overflow_deadline, OVERFLOW),
                (c.callback_end_deadline, CALLBACK_END),
            ):
                if at is not None:
                    self._schedule(at, kind, cid)
            if c.status is SCHEDULED and c.callback is not None:
                self._schedule(c.callback[1], CALLBACK_OPEN, cid)

    def _on_arrived(self, e: ev.ContactArrived) -> None:
        qr = self.queues.get(e.queue_id)
        if qr is None:
            qr = self._queue(e.queue_id)  # raises UnknownQueue
        if e.contact_id in self.contacts:
            raise InvalidTransition(f"Le contact « {e.contact_id} » est déjà en file.", contact_id=e.contact_id)
        skills = e.skills
        if skills and not self._skills.issuperset(skills):
            unknown = next(s for s in skills if s not in self._skills)  # the first one, as reported
            raise UnknownSkill(f"Compétence inconnue « {unknown} ».", skill=unknown)
        self.contact_seq += 1
        c = ContactRecord(
            e.contact_id, qr.config, self.contact_seq, self.now, skills, e.priority, e.caller, e.language, e.attributes
        )
        self.contacts[e.contact_id] = c
        qr.arrived += 1
        qr.waiting += 1
        mark = len(self._out)
        self._enter(c, qr)
        if c.contact_id in self.contacts:
            ewt: float | None = 0.0
            if c.status is not OFFERED:  # estimated_wait(queue, position=qr.waiting), inlined (every arrival)
                staff = qr.effective_staff()
                ewt = None if staff <= 0 else qr.waiting * qr.average_handle_s() / staff
            self._out.insert(mark, ev.new_contact_queued(self._cause, self.now, c.contact_id, c.queue_id, ewt))

    def _on_abandoned(self, e: ev.ContactAbandoned) -> None:
        c = self._contact(e.contact_id)
        if c.status is ASSIGNED:
            raise InvalidTransition("Le contact a déjà été pris par un conseiller.", contact_id=e.contact_id)
        freed = self._withdraw_all(c, "abandoned")
        self._dequeue(c)
        qr = self.queues[c.queue_id]
        qr.waiting -= 1
        qr.abandoned += 1
        del self.contacts[c.contact_id]
        self._out.append(
            ev.new_contact_left(self._cause, self.now, c.contact_id, c.queue_id, "abandoned", self.now - c.enqueued_at)
        )
        for a in freed:
            self._release(a)

    def _on_callback(self, e: ev.CallbackRequested) -> None:
        c = self._contact(e.contact_id)
        if c.status is ASSIGNED:
            raise InvalidTransition("Le contact a déjà été pris par un conseiller.", contact_id=e.contact_id)
        if not e.number or e.window_end <= e.window_start or e.window_end <= self.now:
            raise InvalidTransition("Créneau de rappel ou numéro invalide.", contact_id=e.contact_id)
        freed = self._withdraw_all(c, "callback")
        c.callback = (e.number, e.window_start, e.window_end)
        c.overflow_deadline = None  # a promise is kept by us, never sent to voicemail
        c.callback_end_deadline = e.window_end
        self._schedule(e.window_end, CALLBACK_END, c.contact_id)
        self._out.append(
            ev.CallbackScheduled(self._cause, self.now, c.contact_id, e.number, e.window_start, e.window_end)
        )
        if e.window_start > self.now:
            self._dequeue(c)
            c.status = SCHEDULED
            self._schedule(e.window_start, CALLBACK_OPEN, c.contact_id)
        else:
            c.status = WAITING
            if c.bucket is None:
                self._route_or_wait(c)
        for a in freed:
            self._release(a)

    def _valid_offer(self, offer_id: str, advisor_id: str) -> OfferRecord:
        o = self.offers.get(offer_id)
        if o is None or o.advisor_id != advisor_id:
            raise OfferExpired(MSG_OFFER_EXPIRED, offer_id=offer_id, advisor_id=advisor_id)
        return o

    def _on_accept(self, e: ev.OfferAccepted) -> None:
        o = self.offers.get(e.offer_id)
        if o is None or o.advisor_id != e.advisor_id:
            o = self._valid_offer(e.offer_id, e.advisor_id)  # raises OfferExpired
        c = self.contacts[o.contact_id]
        a = self._withdraw_silently(o)
        others = self._withdraw_all(c, "taken") if c.offers else []  # ring-all: the others stop ringing
        qr = self.queues[c.queue_id]
        c.status = ASSIGNED
        c.advisor_id = a.advisor_id
        c.answered_at = self.now
        c.target_deadline = c.overflow_deadline = c.callback_end_deadline = None
        qr.waiting -= 1
        qr.answered += 1
        waited = self.now - c.enqueued_at
        if waited <= qr.config.service_level_s:
            qr.answered_in_sl += 1
        a.load[c.channel] += 1
        a.no_answer = 0
        self._out.append(ev.new_contact_answered(self._cause, self.now, c.contact_id, a.advisor_id, c.queue_id, waited))
        for other in others:
            self._release(other)
        if a.sole_channel is not None and a.load[a.sole_channel] >= a.capacity[a.sole_channel]:
            self._refresh(a)  # full (the usual case: one call at a time): nothing to look for
        else:
            self._release(a)

    def _on_decline(self, e: ev.OfferDeclined) -> None:
        o = self._valid_offer(e.offer_id, e.advisor_id)
        self._offer_ended(o, "declined", no_answer=False)

    def _held_contact(self, contact_id: str, advisor_id: str) -> tuple[ContactRecord, float]:
        """The contact ``advisor_id`` answered and still handles, and when it was answered (completion and
        release act only on such a contact)."""
        c = self._contact(contact_id)
        answered_at = c.answered_at
        if c.status is not ASSIGNED or c.advisor_id != advisor_id or answered_at is None:
            raise InvalidTransition(
                "Ce contact n'est pas en cours chez ce conseiller.", contact_id=contact_id, advisor_id=advisor_id
            )
        return c, answered_at

    def _on_completed(self, e: ev.ContactCompleted) -> None:
        c, answered_at = self._held_contact(e.contact_id, e.advisor_id)
        a = self.advisors[e.advisor_id]
        qr = self.queues[c.queue_id]
        handled = self.now - answered_at
        qr.handle_n += 1
        qr.handle_sum += handled
        a.busy_s += handled
        a.load[c.channel] -= 1
        del self.contacts[c.contact_id]
        hold = min(max(e.hold_s, 0.0), handled)  # hold time is part of the handling, never more
        self._out.append(
            ev.new_contact_left(
                self._cause, self.now, c.contact_id, c.queue_id, "completed", answered_at - c.enqueued_at, hold
            )
        )
        wrap = qr.config.wrap_up_s
        if wrap > 0 and a.presence is not LOGGED_OUT:
            a.wrap_until = self.now + wrap
            self._schedule(a.wrap_until, WRAP_UP_END, a.advisor_id)
            self._refresh(a)
            self._out.append(ev.new_advisor_state_changed(self._cause, self.now, a.advisor_id, "wrap_up", ""))
            return
        if not any(a.load.values()):
            a.idle_since = self.now
        self._release(a)

    def _on_released(self, e: ev.ContactReleased) -> None:
        """Undo an acceptance: the contact waits again at its place (same enqueue time and arrival order), the
        advisor is free (a no-answer counts towards their automatic pause) and never offered it again. The
        queue's answered counters are decremented. Its overflow deadline comes back (counted from its entry in the
        queue, so a release never buys extra time) and its current target's time-out restarts now."""
        c, answered_at = self._held_contact(e.contact_id, e.advisor_id)
        a = self.advisors[e.advisor_id]
        qr = self.queues[c.queue_id]
        qr.answered -= 1
        if answered_at - c.enqueued_at <= qr.config.service_level_s:
            qr.answered_in_sl -= 1
        qr.waiting += 1
        a.load[c.channel] -= 1
        c.status, c.advisor_id, c.answered_at = WAITING, None, None
        c.refused.add(a.advisor_id)
        a.no_answer += 1
        if a.no_answer >= qr.config.max_no_answer and a.presence is READY:
            self._set_presence(a, PAUSED, "no_answer")
        self._refresh(a)
        self._schedule_target_timeout(c, qr.config)
        self._schedule_overflow(c, qr.config)
        mark = len(self._out)
        self._route_or_wait(c)
        if c.contact_id in self.contacts:  # like an arrival: queued again (no wait when offered at once)
            ewt = 0.0 if c.status is OFFERED else self.estimated_wait(c.queue_id, position=qr.waiting)
            self._out.insert(mark, ev.new_contact_queued(self._cause, self.now, c.contact_id, c.queue_id, ewt))
        self._release(a)

    def _on_login(self, e: ev.AdvisorLoggedIn) -> None:
        a = self._advisor(e.advisor_id)
        if a.presence is not LOGGED_OUT:
            return
        a.logged_in_at = a.idle_since = self.now
        a.busy_s = 0.0
        a.no_answer = 0
        self._set_presence(a, READY, "")
        self._release(a)

    def _on_logout(self, e: ev.AdvisorLoggedOut) -> None:
        a = self._advisor(e.advisor_id)
        if a.presence is LOGGED_OUT:
            return
        if any(a.load.values()):
            raise InvalidTransition(
                "Terminez vos contacts en cours avant de vous déconnecter.", advisor_id=a.advisor_id
            )
        a.wrap_until = None
        self._set_presence(a, LOGGED_OUT, "")
        self._refresh(a)
        self._drop_offer(a, "logged_out")
        self._refresh(a)

    def _on_pause(self, e: ev.AdvisorPaused) -> None:
        a = self._advisor(e.advisor_id)
        if a.presence is LOGGED_OUT:
            raise InvalidTransition("Le conseiller n'est pas connecté.", advisor_id=a.advisor_id)
        self._set_presence(a, PAUSED, e.reason)
        self._refresh(a)
        self._drop_offer(a, "paused")

    def _on_resume(self, e: ev.AdvisorResumed) -> None:
        a = self._advisor(e.advisor_id)
        if a.presence is not PAUSED:
            raise InvalidTransition("Le conseiller n'est pas en pause.", advisor_id=a.advisor_id)
        a.no_answer = 0
        if not any(a.load.values()):
            a.idle_since = self.now
        self._set_presence(a, READY, "")
        self._release(a)

    def _on_wrap_up_ended(self, e: ev.WrapUpEnded) -> None:
        a = self._advisor(e.advisor_id)
        if a.wrap_until is None:
            raise InvalidTransition("Le conseiller n'est pas en post-appel.", advisor_id=a.advisor_id)
        self._end_wrap_up(a)

    def estimated_wait(self, queue_id: str, position: int | None = None) -> float | None:
        """EWT for the contact at ``position`` (default: a new arrival): ``position * AHT / N_eff``.

        ``N_eff`` counts staffed advisors serving the queue, each weighted ``1/k`` when they serve ``k``
        queues; None when nobody staffed serves the queue. See docs/routing.md.
        """
        qr = self._queue(queue_id)
        if position is None:
            position = qr.waiting + 1
        staff = qr.effective_staff()
        if staff <= 0:
            return None
        return position * qr.average_handle_s() / staff

    def queue_positions(self, queue_id: str) -> list[tuple[str, int, float | None]]:
        """``(contact_id, position, EWT)`` of the contacts waiting in the queue, in the order they will be offered.

        The queue's buckets merged by their heap key (effective priority, enqueue time, arrival): a callback
        promise keeps the place it was given, a higher priority goes first. O(n log n) in the queue's waiting
        contacts: for periodic snapshots (the router's status), not for each event. Contacts being offered are
        not in the buckets; they count ahead of everyone (the positions start after them).
        """
        qr = self._queue(queue_id)
        live = [e for b in qr.buckets.values() for e in b.heap if e[4].bucket is b and e[4].token == e[3]]
        live.sort(key=lambda e: e[:3])
        offered = max(0, qr.waiting - len(live))
        staff = qr.effective_staff()
        aht = qr.average_handle_s()
        out: list[tuple[str, int, float | None]] = []
        for i, e in enumerate(live, start=offered + 1):
            out.append((e[4].contact_id, i, i * aht / staff if staff > 0 else None))
        return out

    def advisor_state(self, advisor_id: str) -> AdvisorState:
        return self._advisor(advisor_id).state()

    def contact_status(self, contact_id: str) -> ContactStatus | None:
        c = self.contacts.get(contact_id)
        return None if c is None else c.status

    def waiting_count(self, queue_id: str) -> int:
        return self._queue(queue_id).waiting
