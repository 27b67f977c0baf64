"""The engine's mechanics: time and deadlines, queues and buckets, offers, advisor availability.

:class:`~plateau.domain.routing.engine.RoutingEngine` adds the event handlers on top. Every choice here
uses an explicit total order (never dict or set order), so that an engine rebuilt from a snapshot decides
exactly like the live one.
"""

from __future__ import annotations

import heapq
from collections import deque

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import OverflowKind, QueueConfig, RoutingConfig, Strategy
from plateau.domain.routing.errors import UnknownAdvisor, UnknownContact, UnknownQueue
from plateau.domain.routing.matching import AvailabilityIndex, choose
from plateau.domain.routing.state import (
    AdvisorRecord,
    Bucket,
    ContactRecord,
    ContactStatus,
    OfferRecord,
    Presence,
    QueueRecord,
    Requirements,
)

# Deadline kinds, in the order they fire when due at the same instant.
OFFER_EXPIRY, WRAP_UP_END, CALLBACK_OPEN, TARGET_TIMEOUT, OVERFLOW, CALLBACK_END = range(6)

WAITING = ContactStatus.WAITING
OFFERED = ContactStatus.OFFERED
SCHEDULED = ContactStatus.SCHEDULED
ASSIGNED = ContactStatus.ASSIGNED
READY = Presence.READY
PAUSED = Presence.PAUSED
LOGGED_OUT = Presence.LOGGED_OUT


class EngineCore:
    """State and mechanics shared by the handlers (see the module docstring)."""

    def __init__(self, *, dedupe_window: int = 1_000_000) -> None:
        self.now = 0.0
        self.config = RoutingConfig()
        self.contacts: dict[str, ContactRecord] = {}
        self.advisors: dict[str, AdvisorRecord] = {}
        self.offers: dict[str, OfferRecord] = {}
        self.queues: dict[str, QueueRecord] = {}
        self.contact_seq = 0
        self.offer_seq = 0
        self.decisions = 0  # offers made since the beginning (a routing decision each)
        self.dedupe_window = dedupe_window
        self.seen: set[str] = set()
        self.seen_order: deque[str] = deque()
        self._skills: frozenset[str] = frozenset()
        self._index = AvailabilityIndex(self.advisors)
        # Every bucket ever used, kept when empty, so that each advisor can keep the list of the buckets it
        # may pull from (``AdvisorRecord.pulls``) instead of scanning its queues' buckets when it frees up.
        self._pool: dict[tuple[str, Requirements], Bucket] = {}
        self._reqs_cache: dict[tuple[str, int, tuple[str, ...]], tuple[Requirements, frozenset[str]]] = {}
        self._deadlines: list[tuple[float, int, str]] = []
        self._out: list[ev.Decision] = []
        self._cause = ""

    def _schedule(self, at: float, kind: int, ref: str) -> None:
        heapq.heappush(self._deadlines, (at, kind, ref))

    def _advance(self, until: float) -> None:
        dl = self._deadlines
        pop, valid = heapq.heappop, self._deadline_valid
        while dl and dl[0][0] <= until:
            at, kind, ref = pop(dl)
            if valid(at, kind, ref):
                if at > self.now:
                    self.now = at
                self._fire(at, kind, ref)
        self.now = until

    def _deadline_valid(self, at: float, kind: int, ref: str) -> bool:
        if kind == OFFER_EXPIRY:
            o = self.offers.get(ref)
            return o is not None and o.expires_at == at
        if kind == WRAP_UP_END:
            a = self.advisors.get(ref)
            return a is not None and a.wrap_until == at
        c = self.contacts.get(ref)
        if c is None:
            return False
        if kind == TARGET_TIMEOUT:
            return c.target_deadline == at
        if kind == OVERFLOW:
            # Validity must never depend on a status that can come back: next_deadline() may pop early.
            return c.overflow_deadline == at
        if kind == CALLBACK_OPEN:
            return c.status is SCHEDULED and c.callback is not None and c.callback[1] == at
        return c.callback_end_deadline == at

    def _fire(self, at: float, kind: int, ref: str) -> None:
        if kind == OFFER_EXPIRY:
            self._offer_expired(self.offers[ref])
        elif kind == WRAP_UP_END:
            self._end_wrap_up(self.advisors[ref])
        else:
            c = self.contacts[ref]
            if kind == TARGET_TIMEOUT:
                self._widen(c)
            elif kind == OVERFLOW:
                if c.status is not OFFERED:  # else: done when the offer ends (see _route_or_wait)
                    self._overflow(c)
            elif kind == CALLBACK_OPEN:
                c.status = WAITING
                self._route_or_wait(c)
            else:
                c.callback_end_deadline = None
                self._out.append(ev.CallbackPromiseMissed(self._cause, self.now, c.contact_id))

    def _queue(self, queue_id: str) -> QueueRecord:
        qr = self.queues.get(queue_id)
        if qr is None:
            raise UnknownQueue(f"File d'attente inconnue : « {queue_id} ».", queue_id=queue_id)
        return qr

    def _contact(self, contact_id: str) -> ContactRecord:
        c = self.contacts.get(contact_id)
        if c is None:
            raise UnknownContact(f"Contact inconnu ou déjà sorti : « {contact_id} ».", contact_id=contact_id)
        return c

    def _requirements(self, c: ContactRecord, cfg: QueueConfig) -> None:
        """Set the contact's requirements at its current target and the advisors who meet them (cached)."""
        key = (cfg.queue_id, c.target_index, c.skills)
        found = self._reqs_cache.get(key)
        if found is None:
            target = cfg.targets[c.target_index]
            merged: dict[str, int] = {}
            for skill in c.skills:
                merged[skill] = target.needs_min_level
            for r in target.requires:
                merged[r.skill] = max(r.min_level, merged.get(r.skill, 0))
            reqs = tuple(sorted(merged.items()))
            found = self._reqs_cache[key] = (reqs, self._index.qualified(cfg.programme, cfg.channel, reqs))
        c.reqs, c.qualified = found

    def _enter(self, c: ContactRecord, qr: QueueRecord) -> None:
        """Put a waiting contact at the first target of ``qr`` and route it."""
        cfg = qr.config
        c.queue_id, c.programme, c.channel = cfg.queue_id, cfg.programme, cfg.channel
        c.queue_entered_at = self.now
        c.target_index = 0
        self._set_target(c, cfg)
        c.overflow_deadline = None
        self._schedule_overflow(c, cfg)
        self._route_or_wait(c)

    def _schedule_overflow(self, c: ContactRecord, cfg: QueueConfig) -> None:
        """Overflow ``overflow_after_s`` after the contact entered the queue (never for a callback promise)."""
        if cfg.overflow is not None and cfg.overflow_after_s is not None and c.callback is None:
            # Already due (a released contact): _route_or_wait overflows it at once rather than offering it.
            c.overflow_deadline = max(self.now, c.queue_entered_at + cfg.overflow_after_s)
            self._schedule(c.overflow_deadline, OVERFLOW, c.contact_id)

    def _set_target(self, c: ContactRecord, cfg: QueueConfig) -> None:
        self._requirements(c, cfg)
        c.refused.clear()
        self._schedule_target_timeout(c, cfg)

    def _schedule_target_timeout(self, c: ContactRecord, cfg: QueueConfig) -> None:
        """Widen to the next target after the current one's time-out, counted from now."""
        timeout = cfg.targets[c.target_index].timeout_s
        if timeout is not None and c.target_index < len(cfg.targets) - 1:
            c.target_deadline = self.now + timeout
            self._schedule(c.target_deadline, TARGET_TIMEOUT, c.contact_id)
        else:
            c.target_deadline = None

    def _enqueue(self, c: ContactRecord, qr: QueueRecord) -> None:
        reqs = c.reqs
        b = qr.buckets.get(reqs)
        if b is None:
            cfg = qr.config
            qid = cfg.queue_id
            b = self._pool.get((qid, reqs))
            if b is None:
                b = self._pool[(qid, reqs)] = Bucket(qid, reqs, c.qualified, cfg.channel, cfg.priority_aging)
                advisors = self.advisors
                for aid in c.qualified:
                    a = advisors[aid]
                    if qid in a.queue_set:
                        a.pulls.append(b)
            qr.buckets[reqs] = b
        b.push(c, b.aging)

    def _dequeue(self, c: ContactRecord) -> None:
        b = c.bucket
        if b is not None:
            b.remove(c)
            if b.live == 0:
                del self.queues[b.queue_id].buckets[b.reqs]  # it stays in the pool and in advisors' pulls

    def _route_or_wait(self, c: ContactRecord) -> None:
        """A contact became routable: offer it now if an advisor fits, else wait in its bucket."""
        if c.overflow_deadline is not None and c.overflow_deadline <= self.now:
            self._overflow(c)
            return
        qr = self.queues[c.queue_id]
        candidates = self._index.candidates(c.programme, c.channel, c.qualified)
        if candidates and c.refused:
            candidates -= c.refused
        if candidates:
            strategy = qr.config.strategy
            ring_all = strategy is Strategy.RING_ALL
            for a in choose(strategy, candidates, self.advisors, c.reqs, qr, self.now, self._index):
                self._offer(c, a, qr, ring_all)
            return
        self._enqueue(c, qr)

    def _widen(self, c: ContactRecord) -> None:
        cfg = self.queues[c.queue_id].config
        c.target_index += 1
        self._set_target(c, cfg)
        self._out.append(ev.new_contact_retargeted(self._cause, self.now, c.contact_id, c.queue_id, c.target_index))
        if c.status is WAITING:
            self._dequeue(c)
            self._route_or_wait(c)

    def _overflow(self, c: ContactRecord) -> None:
        qr = self.queues[c.queue_id]
        overflow = qr.config.overflow
        c.overflow_deadline = None
        if overflow is None:  # configuration changed meanwhile
            self._route_or_wait(c)
            return
        cid, now, cause = c.contact_id, self.now, self._cause
        if overflow.kind is OverflowKind.CALLBACK:
            self._out.append(ev.CallbackOffered(cause, now, cid, c.queue_id))
            if c.bucket is None:
                self._route_or_wait(c)
            return
        self._dequeue(c)
        qr.waiting -= 1
        qr.overflowed += 1
        self._out.append(ev.ContactOverflowed(cause, now, cid, c.queue_id, overflow.kind.value, overflow.destination))
        if overflow.kind is OverflowKind.QUEUE:
            dest = self.queues[overflow.destination]
            dest.waiting += 1
            self._enter(c, dest)
        else:
            del self.contacts[cid]
            self._out.append(ev.new_contact_left(cause, now, cid, c.queue_id, overflow.kind.value, now - c.enqueued_at))

    def _offer(self, c: ContactRecord, a: AdvisorRecord, qr: QueueRecord, ring_all: bool) -> None:
        self.offer_seq += 1
        offer_id = f"o{self.offer_seq}"
        expires = self.now + qr.config.offer_timeout_s
        self.offers[offer_id] = OfferRecord(offer_id, c.contact_id, a.advisor_id, expires, ring_all)
        c.offers[a.advisor_id] = offer_id
        if c.bucket is not None:
            self._dequeue(c)
        c.status = OFFERED
        a.offer_id = offer_id
        self._refresh(a)
        heapq.heappush(self._deadlines, (expires, OFFER_EXPIRY, offer_id))  # _schedule, inlined
        qr.rr_last = a.advisor_id
        self.decisions += 1
        self._out.append(
            ev.new_offer_made(self._cause, self.now, offer_id, c.contact_id, a.advisor_id, c.queue_id, expires)
        )

    def _withdraw(self, o: OfferRecord, reason: str) -> AdvisorRecord:
        del self.offers[o.offer_id]
        c = self.contacts[o.contact_id]
        del c.offers[o.advisor_id]
        a = self.advisors[o.advisor_id]
        a.offer_id = None
        self._out.append(ev.new_offer_withdrawn(self._cause, self.now, o.offer_id, o.contact_id, o.advisor_id, reason))
        return a

    def _withdraw_all(self, c: ContactRecord, reason: str) -> list[AdvisorRecord]:
        if not c.offers:
            if c.status is OFFERED:
                c.status = WAITING
            return []
        offers = self.offers
        freed = [self._withdraw(offers[oid], reason) for _, oid in sorted(c.offers.items())]
        if c.status is OFFERED:
            c.status = WAITING
        return freed

    def _withdraw_silently(self, o: OfferRecord) -> AdvisorRecord:
        del self.offers[o.offer_id]
        del self.contacts[o.contact_id].offers[o.advisor_id]
        a = self.advisors[o.advisor_id]
        a.offer_id = None
        return a

    def _offer_expired(self, o: OfferRecord) -> None:
        self._offer_ended(o, "expired", no_answer=not o.ring_all)

    def _offer_ended(self, o: OfferRecord, reason: str, *, no_answer: bool) -> None:
        c = self.contacts[o.contact_id]
        a = self._withdraw(o, reason)
        if reason == "declined" or not o.ring_all:
            c.refused.add(a.advisor_id)  # the contact goes to the next advisor (ring-all expiry: all ring again)
        if no_answer:
            a.no_answer += 1
            if a.no_answer >= self.queues[c.queue_id].config.max_no_answer and a.presence is READY:
                self._set_presence(a, PAUSED, "no_answer")
        self._refresh(a)  # available again before the contact is routed, so ring-all rings everyone
        if not c.offers:
            c.status = WAITING
            self._route_or_wait(c)
        self._release(a)

    def _advisor(self, advisor_id: str) -> AdvisorRecord:
        a = self.advisors.get(advisor_id)
        if a is None:
            raise UnknownAdvisor(f"Conseiller inconnu : « {advisor_id} ».", advisor_id=advisor_id)
        return a

    def _staff(self, a: AdvisorRecord, delta: int) -> None:
        share = len(a.queues)
        for qid in a.queues:
            qr = self.queues[qid]
            qr.staff_cache = None
            counts = qr.staffed_by_share
            counts[share] = counts.get(share, 0) + delta
            if counts[share] == 0:
                del counts[share]

    def _set_presence(self, a: AdvisorRecord, presence: Presence, reason: str) -> None:
        if a.presence is READY and presence is not READY:
            self._staff(a, -1)
        elif a.presence is not READY and presence is READY:
            self._staff(a, 1)
        a.presence = presence
        a.pause_reason = reason if presence is PAUSED else ""
        state = a.state().value if presence is READY else presence.value
        self._out.append(ev.new_advisor_state_changed(self._cause, self.now, a.advisor_id, state, reason))

    def _drop_offer(self, a: AdvisorRecord, reason: str) -> None:
        """Withdraw the advisor's pending offer (pause, logout) and route the contact again."""
        if a.offer_id is None:
            return
        o = self.offers[a.offer_id]
        self._withdraw(o, reason)
        c = self.contacts[o.contact_id]
        if not c.offers:
            c.status = WAITING
            self._route_or_wait(c)

    def _end_wrap_up(self, a: AdvisorRecord) -> None:
        a.wrap_until = None
        if not any(a.load.values()):
            a.idle_since = self.now
        self._out.append(ev.new_advisor_state_changed(self._cause, self.now, a.advisor_id, a.state().value, ""))
        self._release(a)

    def _refresh(self, a: AdvisorRecord) -> None:
        """Keep the availability index in step with what the advisor can take, channel by channel."""
        aid = a.advisor_id
        free = a.presence is READY and a.offer_id is None and a.wrap_until is None
        load, indexed = a.load, a.indexed
        for ch, cap in a.capacity.items():
            if free and load[ch] < cap:
                if ch not in indexed:
                    for s in a.index_sets[ch]:
                        s.add(aid)
                    indexed.add(ch)
            elif ch in indexed:
                for s in a.index_sets[ch]:
                    s.discard(aid)
                indexed.discard(ch)

    def _release(self, a: AdvisorRecord) -> None:
        """The advisor may take work: give them the best waiting contact across their queues, or index them."""
        c = self._best_waiting_for(a)
        if c is None:
            self._refresh(a)
        else:
            self._offer(c, a, self.queues[c.queue_id], False)

    def _best_waiting_for(self, a: AdvisorRecord) -> ContactRecord | None:
        """Cross-queue fairness: the highest effective priority now, then the oldest, then queue id, then arrival.

        Effective priority = ``priority + priority_aging * (now - enqueued_at)``.
        """
        if a.presence is not READY or a.offer_id is not None or a.wrap_until is not None:
            return None
        single = a.sole_channel
        if single is not None:  # the usual case: one channel, no list to build
            if a.load[single] >= a.capacity[single]:
                return None  # e.g. right after accepting a call: nothing to look for
            room: list[str] = []
        else:
            room = [ch for ch, cap in a.capacity.items() if a.load[ch] < cap]
            if not room:
                return None
            single = room[0] if len(room) == 1 else None
        best: ContactRecord | None = None
        best_score = 0.0
        best_key: tuple[float, str, int] = (0.0, "", 0)
        now, aid = self.now, a.advisor_id
        # Only the buckets this advisor qualifies for, in queues it serves (most are empty at any time).
        for b in a.pulls:
            if not b.live:
                continue
            if (b.channel != single) if single is not None else (b.channel not in room):
                continue
            heap = b.heap
            entry = heap[0]  # inlined Bucket.head(): this loop is the hottest of the engine
            c: ContactRecord | None = entry[4]
            if c is None or c.bucket is not b or c.token != entry[3]:
                c = b.head()
                if c is None:
                    continue
            if c.refused and aid in c.refused:
                c = next((x for x in b.ordered() if aid not in x.refused), None)
                if c is None:
                    continue
            score = c.priority + b.aging * (now - c.enqueued_at)
            if best is None or score > best_score:
                best, best_score, best_key = c, score, (c.enqueued_at, b.queue_id, c.seq)
            elif score == best_score:
                key = (c.enqueued_at, b.queue_id, c.seq)
                if key < best_key:
                    best, best_key = c, key
        return best
