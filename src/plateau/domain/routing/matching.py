"""Finding advisors for a contact: the availability index and the strategies.

The index keeps, per (programme, channel), one set of available advisor ids per skill (plus ``*`` for all).
A contact's candidates come from the smallest set among its required skills, then are filtered by
proficiency, so a decision looks at a few dozen advisors, never at all of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from plateau.domain.routing.config import Strategy
from plateau.domain.routing.state import AdvisorRecord, QueueRecord, Requirements

ANY_SKILL = "*"


class AvailabilityIndex:
    __slots__ = ("_sets",)

    def __init__(self) -> None:
        self._sets: dict[tuple[str, str], dict[str, set[str]]] = {}

    def sets_for(self, advisor: AdvisorRecord, channel: str) -> list[set[str]]:
        """The sets an advisor joins when available on ``channel`` (computed once per advisor and channel)."""
        out: list[set[str]] = []
        for programme in advisor.profile.programmes:
            by_skill = self._sets.setdefault((programme, channel), {})
            for skill in (*advisor.skills, ANY_SKILL):
                out.append(by_skill.setdefault(skill, set()))
        return out

    def smallest(self, programme: str, channel: str, reqs: Requirements) -> set[str]:
        by_skill = self._sets.get((programme, channel))
        if by_skill is None:
            return set()
        if not reqs:
            return by_skill.get(ANY_SKILL, set())
        best: set[str] | None = None
        for skill, _level in reqs:
            s = by_skill.get(skill)
            if not s:
                return set()
            if best is None or len(s) < len(best):
                best = s
        return best if best is not None else set()


def qualifies(advisor: AdvisorRecord, reqs: Requirements) -> bool:
    skills = advisor.skills
    for skill, level in reqs:  # noqa: SIM110 - a plain loop is faster than all() on this hot path
        if skills.get(skill, -1) < level:
            return False
    return True


def choose(
    strategy: Strategy,
    candidates: Iterable[AdvisorRecord],
    reqs: Requirements,
    queue: QueueRecord,
    now: float,
) -> list[AdvisorRecord]:
    """Apply the queue's strategy; every key ends with the advisor id so the choice is a total order."""
    pool = list(candidates)
    if not pool:
        return []
    if strategy is Strategy.LONGEST_IDLE:
        return [min(pool, key=lambda a: (a.idle_since, a.advisor_id))]
    if strategy is Strategy.LEAST_OCCUPIED:

        def occupancy(a: AdvisorRecord) -> tuple[float, float, str]:
            logged = now - a.logged_in_at
            return (a.busy_s / logged if logged > 0 else 0.0, a.idle_since, a.advisor_id)

        return [min(pool, key=occupancy)]
    if strategy is Strategy.SKILLS_WEIGHTED:

        def weight(a: AdvisorRecord) -> tuple[int, float, str]:
            return (-sum(a.skills.get(s, 0) for s, _ in reqs), a.idle_since, a.advisor_id)

        return [min(pool, key=weight)]
    if strategy is Strategy.ROUND_ROBIN:
        last = queue.rr_last
        after = [a for a in pool if a.advisor_id > last]
        return [min(after or pool, key=lambda a: a.advisor_id)]
    # Ring-all: every eligible advisor rings; the first to accept takes the contact.
    return sorted(pool, key=lambda a: a.advisor_id)
