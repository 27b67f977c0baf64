"""Finding advisors for a contact: the availability index and the strategies.

Two structures make a decision cheap. ``available[(programme, channel)]`` is the set of advisors who can
take a contact of that programme and channel right now. ``qualified(programme, channel, requirements)``
is the (static, cached) set of advisors whose profile meets the requirements. A contact's candidates are
their intersection, computed in C by ``set & frozenset``; nothing scans all advisors.
"""

from __future__ import annotations

from collections.abc import Mapping

from plateau.domain.routing.config import Strategy
from plateau.domain.routing.state import AdvisorRecord, QueueRecord, Requirements

_EMPTY: frozenset[str] = frozenset()


def qualifies(advisor: AdvisorRecord, reqs: Requirements) -> bool:
    skills = advisor.skills
    return all(skills.get(skill, -1) >= level for skill, level in reqs)


class AvailabilityIndex:
    __slots__ = ("_advisors", "_available", "_qualified", "_weights")

    def __init__(self, advisors: Mapping[str, AdvisorRecord]) -> None:
        self._advisors = advisors
        self._available: dict[tuple[str, str], set[str]] = {}
        self._qualified: dict[tuple[str, str, Requirements], frozenset[str]] = {}
        self._weights: dict[Requirements, dict[str, int]] = {}

    def sets_for(self, advisor: AdvisorRecord, channel: str) -> list[set[str]]:
        """The sets an advisor joins when available on ``channel`` (one per programme served)."""
        return [self._available.setdefault((p, channel), set()) for p in advisor.profile.programmes]

    def qualified(self, programme: str, channel: str, reqs: Requirements) -> frozenset[str]:
        key = (programme, channel, reqs)
        found = self._qualified.get(key)
        if found is None:
            found = self._qualified[key] = frozenset(
                a.advisor_id
                for a in self._advisors.values()
                if programme in a.profile.programmes and a.capacity.get(channel, 0) > 0 and qualifies(a, reqs)
            )
        return found

    def weights(self, reqs: Requirements) -> dict[str, int]:
        """Sum of each advisor's proficiencies on the required skills (cached; for skills-weighted)."""
        found = self._weights.get(reqs)
        if found is None:
            found = self._weights[reqs] = {
                aid: sum(a.skills.get(s, 0) for s, _ in reqs) for aid, a in self._advisors.items()
            }
        return found

    def candidates(self, programme: str, channel: str, qualified: frozenset[str]) -> set[str]:
        """Advisors available now among ``qualified`` (a new set the caller may modify)."""
        available = self._available.get((programme, channel))
        if not available or not qualified:
            return set()
        return available & qualified


def _longest_idle(candidates: set[str], advisors: Mapping[str, AdvisorRecord]) -> AdvisorRecord:
    # A plain loop: this is the hottest strategy and min(key=...) costs a tuple and a call per candidate.
    best: AdvisorRecord | None = None
    best_t = 0.0
    for i in candidates:
        a = advisors[i]
        t = a.idle_since
        if best is None or t < best_t or (t == best_t and i < best.advisor_id):
            best, best_t = a, t
    assert best is not None
    return best


def _least_occupied(candidates: set[str], advisors: Mapping[str, AdvisorRecord], now: float) -> AdvisorRecord:
    """The smallest (busy time / logged-in time, idle_since, advisor id): one pass, no key tuples."""
    best: AdvisorRecord | None = None
    best_r = best_t = 0.0
    for i in candidates:
        a = advisors[i]
        logged = now - a.logged_in_at
        r = a.busy_s / logged if logged > 0 else 0.0
        if best is None or r < best_r:
            best, best_r, best_t = a, r, a.idle_since
        elif r == best_r:
            t = a.idle_since
            if t < best_t or (t == best_t and i < best.advisor_id):
                best, best_t = a, t
    assert best is not None
    return best


def _most_skilled(
    candidates: set[str], advisors: Mapping[str, AdvisorRecord], weights: dict[str, int]
) -> AdvisorRecord:
    """The highest skill weight, then the longest idle, then the advisor id: one pass."""
    best: AdvisorRecord | None = None
    best_w = 0
    best_t = 0.0
    for i in candidates:
        w = weights[i]
        if best is None or w > best_w:
            best, best_w, best_t = advisors[i], w, advisors[i].idle_since
        elif w == best_w:
            t = advisors[i].idle_since
            if t < best_t or (t == best_t and i < best.advisor_id):
                best, best_t = advisors[i], t
    assert best is not None
    return best


def choose(
    strategy: Strategy,
    candidates: set[str],
    advisors: Mapping[str, AdvisorRecord],
    reqs: Requirements,
    queue: QueueRecord,
    now: float,
    index: AvailabilityIndex,
) -> list[AdvisorRecord]:
    """Apply the queue's strategy to a non-empty candidate set; ties end on the advisor id (a total order)."""
    if strategy is Strategy.LONGEST_IDLE:
        return [_longest_idle(candidates, advisors)]
    if strategy is Strategy.LEAST_OCCUPIED:
        return [_least_occupied(candidates, advisors, now)]
    if strategy is Strategy.SKILLS_WEIGHTED:
        return [_most_skilled(candidates, advisors, index.weights(reqs))]
    if strategy is Strategy.ROUND_ROBIN:
        last = queue.rr_last
        after = [i for i in candidates if i > last]
        return [advisors[min(after or candidates)]]
    # Ring-all: every eligible advisor rings; the first to accept takes the contact.
    return [advisors[i] for i in sorted(candidates)]
