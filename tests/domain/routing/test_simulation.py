"""A day in virtual time: reproducible with a seed, conserving contacts, following the intraday profile."""

from __future__ import annotations

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import Overflow, OverflowKind
from plateau.domain.routing.simulation import ArrivalStream, DaySpec, simulate_day

from .builders import advisor, config, queue

CONFIG = config(
    queue("q1", wrap_up_s=10, overflow=Overflow(OverflowKind.CALLBACK), overflow_after_s=120),
    queue("q2", "p2"),
    advisors=tuple(advisor(f"a{i}", ("p1", "p2") if i % 3 == 0 else ("p1",), fr=1 + i % 5) for i in range(12)),
)
STREAMS = (
    ArrivalStream("q1", 600, (1, 4, 1), mean_handle_s=200, mean_patience_s=150, needs=((("fr",), 0.8), ((), 0.2))),
    ArrivalStream("q2", 150, (1, 1, 1), mean_handle_s=120),
)


def _day(seed: int, keep_log: bool = False):
    return simulate_day(DaySpec(CONFIG, STREAMS, seed=seed, interval_s=3600, keep_log=keep_log))


def test_given_the_same_seed_when_the_day_is_played_twice_then_results_are_identical():
    first, second = _day(5, keep_log=True), _day(5, keep_log=True)
    assert first.log == second.log
    assert first.contacts > 0
    assert _day(6).contacts != first.contacts or _day(6).answered != first.answered


def test_given_a_day_when_played_then_every_contact_is_answered_abandoned_or_still_promised():
    result = _day(1, keep_log=True)
    left = {d.contact_id for d in result.log if isinstance(d, ev.ContactLeft)}
    arrived = {d.contact_id for d in result.log if isinstance(d, ev.ContactQueued)}
    promised = {d.contact_id for d in result.log if isinstance(d, ev.CallbackScheduled)}
    assert arrived - left <= promised  # only promises may outlive the simulated day
    assert result.answered + result.abandoned == len(left)
    assert result.queues["q1"].callbacks == len(promised) > 0


def test_given_a_peak_in_the_profile_when_played_then_most_arrivals_fall_in_the_peak_hour():
    result = _day(2, keep_log=True)
    start = 8 * 3600
    hours = [0, 0, 0]
    for d in result.log:
        if isinstance(d, ev.ContactQueued) and d.queue_id == "q1":
            hours[int((d.at - start) // 3600)] += 1
    assert hours[1] > 2 * hours[0] and hours[1] > 2 * hours[2]
