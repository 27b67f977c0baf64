"""The engine driver of :func:`plateau.domain.wfm.simulation.simulate_once`: plays a day through the real
routing engine (every day the single-queue fast path does not cover: skills, several queues, overflow, callbacks,
ring time, wrap-up), with the staffing plan's standard decrease rule. See docs/wfm.md, simulation.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from typing import Any

from plateau.domain.routing import RoutingEngine
from plateau.domain.routing import events as ev
from plateau.domain.wfm.simulation import (
    ABANDONED,
    ANSWERED,
    CALLBACK,
    DEFLECTED,
    UNSERVED,
    SimulationSpec,
    Tally,
    _Day,
    _tally,
)

_CLOSE = "fin de service"

# Kinds of the driver's pending events. The heap holds plain tuples ``(at, seq, kind, ref, advisor)`` and the
# engine event is built when it is due: most hang-ups never happen (the caller was answered first).
_ACCEPT, _COMPLETE, _ABANDON, _CALLBACK = range(4)


class Driver:
    """The event loop of :func:`simulate_once` (one instance per simulated day).

    One loop applies every input event and reacts to its decisions, with its state in local variables (per
    engine event the driver used to cost about as much as the engine; see docs/wfm.md, speed). An event's
    consequences are applied depth first before anything else happens: acceptances without ring time go on a
    stack; what must follow the whole cascade (scheduling a hang-up, logging out an advisor who finished
    their last contact) waits in ``after``; staffing changes come one at a time from a generator, so each one
    sees the state the previous one left.
    """

    def __init__(self, spec: SimulationSpec, day: _Day, journal: list[ev.RoutingEvent] | None) -> None:
        self.spec, self.day, self.journal = spec, day, journal
        self.advisor_ids = [a.advisor_id for a in spec.config.advisors]
        self.rank = {aid: k for k, aid in enumerate(self.advisor_ids)}
        self.load = dict.fromkeys(self.advisor_ids, 0)  # contacts each advisor holds
        self.leaving: set[str] = set()  # paused, logged out once the contact in hand is completed
        self.logged: list[str] = []  # advisors logged in (leaving ones included), in plan order
        self.owed = 0  # departures due: the next advisors to finish their last contact leave
        self.engine = RoutingEngine(dedupe_window=0)  # ids are unique by construction: no dedupe
        self.seq = 0  # numbers the driver's event ids (x1, x2...) in the order events are created

    def staff_to(self, target: int, at: float) -> Iterator[ev.RoutingEvent]:
        """Log advisors in, or make advisors leave, to have ``target`` on duty (the standard decrease rule).

        On a decrease, idle advisors (no contact in hand, no offer ringing; the last ones in plan order first)
        log out at once; if that is not enough, the remaining departures are *owed*: the next advisors to
        finish their last contact leave then (see :meth:`play`), whoever they are. Pausing named busy advisors
        instead would leave idle ones taking calls after the boundary: more advisors than planned, an
        optimistic day (docs/wfm.md, staffing plan). On an increase, owed departures are cancelled first (those
        advisors simply stay), then the first advisors of the plan who are not logged in log in.
        A generator: each event is made once the previous one and its consequences are applied.
        """
        logged, load, advisors = self.logged, self.load, self.engine.advisors
        on_duty = len(logged) - self.owed
        while on_duty < target:
            on_duty += 1
            if self.owed:
                self.owed -= 1
                continue
            present = set(logged) | self.leaving
            aid = next(a for a in self.advisor_ids if a not in present)
            if logged and self.rank[logged[-1]] > self.rank[aid]:  # an idle advisor earlier in the plan left
                logged.insert(next(k for k, a in enumerate(logged) if self.rank[a] > self.rank[aid]), aid)
            else:
                logged.append(aid)
            self.seq += 1
            yield ev.AdvisorLoggedIn(f"x{self.seq}", at, aid)
        while on_duty > target:
            on_duty -= 1
            idle = next((a for a in reversed(logged) if not load[a] and advisors[a].offer_id is None), None)
            if idle is None:
                self.owed += 1
                continue
            logged.remove(idle)
            self.seq += 1
            yield ev.AdvisorLoggedOut(f"x{self.seq}", at, idle)

    def play(self) -> Tally:
        spec, day, journal = self.spec, self.day, self.journal
        engine = self.engine
        interval_s, start_s, ring_s = spec.interval_s, spec.start_s, spec.ring_s
        k_count = spec.intervals
        times, queues, needs, patience, handles, callback = (
            day.times,
            day.queue,
            day.needs,
            day.patience,
            day.handle,
            day.callback,
        )
        n = len(times)
        outcome = [UNSERVED] * n
        wait = [0.0] * n
        cids = [f"c{k}" for k in range(n)]  # contact ids, and back to their number
        number = dict(zip(cids, range(n), strict=True))
        busy_from: list[float] = []
        busy_to: list[float] = []
        answered_at: dict[int, float] = {}
        pending: list[tuple[float, int, int, Any, str]] = []
        load, leaving = self.load, self.leaving
        wraps = {q.queue_id: q.wrap_up_s for q in spec.config.queues}
        apply, contacts, next_deadline = engine.apply, engine.contacts, engine.next_deadline
        deadlines = engine.deadline_heap
        queued, state_changed, offer_made, answered, left, callback_offered = (
            ev.ContactQueued,
            ev.AdvisorStateChanged,
            ev.OfferMade,
            ev.ContactAnswered,
            ev.ContactLeft,
            ev.CallbackOffered,
        )
        new_arrived, new_tick, new_completed, new_abandoned, new_accepted = (
            ev.new_contact_arrived,
            ev.new_tick,
            ev.new_contact_completed,
            ev.new_contact_abandoned,
            ev.new_offer_accepted,
        )
        push, pop = heapq.heappush, heapq.heappop
        inf = math.inf
        plan = spec.staffing
        next_change = 1 if plan is not None else k_count
        t_change = start_s + interval_s * next_change if next_change < k_count else inf
        stack: list[ev.RoutingEvent] = [ev.ConfigurationApplied("config", start_s, spec.config)]
        staffing: Iterator[ev.RoutingEvent] | None = self.staff_to(
            plan[0] if plan is not None else len(self.advisor_ids), start_s
        )
        after: tuple[int, float, Any] | None = None  # (what, at, ref) to do once the stack is empty
        seq = 0
        events = 0
        i = 0
        while True:
            if stack:
                event = stack.pop()
            elif after is not None:
                what, at, ref = after
                after = None
                if what == _ABANDON:  # the arrival's cascade is over: is the caller still waiting on the line?
                    if outcome[ref] == UNSERVED and cids[ref] in contacts:
                        seq += 1
                        push(pending, (at + patience[ref], seq, _ABANDON, ref, ""))
                    continue
                seq += 1  # the advisor who was leaving finished their last contact
                leaving.discard(ref)
                event = ev.AdvisorLoggedOut(f"x{seq}", at, ref)
            elif staffing is not None:
                self.seq = seq
                made = next(staffing, None)
                seq = self.seq
                if made is None:
                    staffing = None
                    continue
                event = made
            else:
                t_arrival = times[i] if i < n else inf
                t_pending = pending[0][0] if pending else inf
                t_next = min(t_arrival, t_pending, t_change)
                # The engine's deadline heap may hold stale entries but none before the next valid deadline:
                # if its head is later than every other event, no deadline comes first (skip the search).
                if deadlines and deadlines[0][0] <= t_next:
                    dl = next_deadline()
                    t_deadline = inf if dl is None else dl
                    if t_deadline < t_next:
                        t_next = t_deadline
                else:
                    t_deadline = inf
                if t_next == inf:
                    break
                if t_change == t_next:
                    assert plan is not None
                    staffing = self.staff_to(plan[next_change], t_change)
                    next_change += 1
                    t_change = start_s + interval_s * next_change if next_change < k_count else inf
                    continue
                if t_deadline == t_next:
                    seq += 1
                    event = new_tick(f"x{seq}", t_deadline)
                elif t_arrival == t_next:
                    event = new_arrived(f"a{i}", t_arrival, cids[i], queues[i], needs[i])
                    if patience[i] != inf:
                        after = (_ABANDON, t_arrival, i)
                    i += 1
                else:
                    at, s, kind, ref, aid = pop(pending)
                    if kind == _COMPLETE:
                        event = new_completed(f"x{s}", at, cids[ref], aid)
                        busy_from.append(answered_at.pop(ref) - ring_s)
                        busy_to.append(at + wraps[queues[ref]])
                        load[aid] -= 1
                        if not load[aid] and self.owed:
                            # The first advisor to become free after a staffing decrease leaves: paused
                            # before the completion (no offer reaches them during its cascade), logged out
                            # after it.
                            self.owed -= 1
                            self.logged.remove(aid)
                            leaving.add(aid)
                            stack.append(event)
                            seq += 1
                            event = ev.AdvisorPaused(f"x{seq}", at, aid, _CLOSE)
                            after = (_COMPLETE, at, aid)
                    elif kind == _ABANDON:
                        if outcome[ref] != UNSERVED or ref in answered_at:
                            continue  # answered, promised a callback or gone: the caller no longer waits
                        event = new_abandoned(f"x{s}", at, cids[ref])
                    elif kind == _ACCEPT:
                        event = new_accepted(f"x{s}", at, ref, aid)
                    else:
                        stream = spec.streams[day.stream[ref]]
                        opens = at + stream.callback_delay_s
                        event = ev.CallbackRequested(
                            f"x{s}", at, cids[ref], "rappel", opens, opens + stream.callback_window_s
                        )
            events += 1
            if journal is not None:
                journal.append(event)
            now: list[ev.RoutingEvent] | None = None
            d: Any
            for d in apply(event):
                decision = type(d)
                if decision is queued or decision is state_changed:
                    continue  # the most frequent decisions: nothing to react to
                if decision is offer_made:
                    seq += 1
                    if ring_s:
                        push(pending, (d.at + ring_s, seq, _ACCEPT, d.offer_id, d.advisor_id))
                    else:  # no ring time: the advisor takes it at once (no round trip through the heap)
                        accepted = new_accepted(f"x{seq}", d.at, d.offer_id, d.advisor_id)
                        if now is None:
                            now = [accepted]
                        else:
                            now.append(accepted)
                elif decision is answered:
                    j = number[d.contact_id]
                    if outcome[j] != CALLBACK:
                        outcome[j] = ANSWERED
                        wait[j] = d.waited_s
                    answered_at[j] = d.at
                    load[d.advisor_id] += 1
                    seq += 1
                    push(pending, (d.at + handles[j], seq, _COMPLETE, j, d.advisor_id))
                elif decision is left:
                    reason = d.reason
                    if reason == "completed":
                        continue
                    j = number[d.contact_id]
                    if reason == "abandoned":
                        outcome[j] = ABANDONED
                        wait[j] = d.waited_s
                    else:
                        outcome[j] = DEFLECTED
                elif decision is callback_offered:
                    j = number[d.contact_id]
                    if callback[j]:
                        outcome[j] = CALLBACK
                        seq += 1
                        push(pending, (d.at, seq, _CALLBACK, j, ""))
            if now is not None:
                now.reverse()
                stack.extend(now)
        return _tally(spec, day, outcome, wait, busy_from, busy_to, events)
