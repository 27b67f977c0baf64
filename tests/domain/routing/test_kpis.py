"""KPI tables: decisions in, figures out, each KPI as defined once in plateau.domain.routing.kpis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plateau.domain.routing import AdvisorProfile, QueueConfig, RoutingConfig
from plateau.domain.routing import events as ev
from plateau.domain.routing.kpis import ALL, KPIS, KpiAccumulator, compute

CONFIG = RoutingConfig(
    skills=(),
    queues=(QueueConfig("q", "p", service_level_s=20.0, wrap_up_s=10.0),),
    advisors=(AdvisorProfile("a", (), ("p",)),),
)


def _day() -> KpiAccumulator:
    acc = KpiAccumulator(CONFIG, interval_s=900)
    acc.feed(
        [
            ev.AdvisorStateChanged("x", 0, "a", "available", ""),
            ev.ContactQueued("x", 0, "c1", "q", 0.0),
            ev.ContactAnswered("x", 10, "c1", "a", "q", 10.0),  # within T
            ev.ContactLeft("x", 110, "c1", "q", "completed", 10.0, 30.0),  # handled 100 s (30 on hold) + 10 s wrap-up
            ev.ContactQueued("x", 100, "c2", "q", 0.0),
            ev.ContactAnswered("x", 140, "c2", "a", "q", 40.0),  # after T
            ev.ContactLeft("x", 240, "c2", "q", "completed", 40.0),
            ev.ContactQueued("x", 200, "c3", "q", 0.0),
            ev.ContactLeft("x", 215, "c3", "q", "abandoned", 15.0),  # abandoned within T
            ev.ContactQueued("x", 300, "c4", "q", 0.0),
            ev.ContactLeft("x", 400, "c4", "q", "voicemail", 100.0),
            ev.AdvisorStateChanged("x", 1000, "a", "logged_out", ""),
        ]
    )
    return acc


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("offered", 4),
        ("answered", 2),
        ("service_level", 50.0),  # 1 of 2 answered within 20 s
        ("service_level_offered", 2 / 3 * 100),  # (1 + 1) / (2 + 1)
        ("abandon_rate", 1 / 3 * 100),
        ("asa", 25.0),
        ("aht", 110.0),  # (100 + 100 + 2 x 10) / 2: the 30 s on hold are part of the handling
        ("hold_total", 30.0),
        ("hold_average", 15.0),  # 30 s over 2 completed contacts
        ("occupancy", 22.0),  # 220 s busy over 1000 s staffed
        ("lost", 2),  # one abandon, one voicemail
    ],
)
def test_given_a_small_day_when_kpis_are_computed_then_each_matches_its_formula(key: str, expected: float):
    # Staffed time belongs to programmes (advisors are not tied to a queue): no occupancy per queue.
    for scope in (ALL, "p") if key == "occupancy" else (ALL, "p", "q"):
        value = compute(_day().get(scope))[key]
        assert value == pytest.approx(expected)


def test_given_no_traffic_when_ratios_are_computed_then_they_are_undefined_not_zero():
    values = compute(KpiAccumulator(CONFIG).get())
    assert values["service_level"] is None
    assert values["asa"] is None
    assert values["offered"] == 0


def test_given_intervals_of_15_minutes_when_staffed_time_spans_two_then_it_is_split():
    acc = _day()
    assert acc.intervals() == [0.0, 900.0]
    assert acc.get(ALL, 0.0).staffed_s == 900
    assert acc.get(ALL, 900.0).staffed_s == 100


def test_every_kpi_is_defined_once_with_a_formula_a_unit_and_a_version():
    keys = [k.key for k in KPIS]
    assert len(keys) == len(set(keys))
    assert all(k.formula and k.version >= 1 and k.unit in ("%", "s", "") for k in KPIS)


@pytest.mark.parametrize(
    ("events", "interval", "busy", "staffed", "occupancy"),
    [
        # A call answered at 17:50 (t=600 of a 900 s interval), completed at 18:05: busy time split, not all at 18:05.
        ([("answer", 600), ("done", 1200), ("out", 1300)], 900.0, 310.0, 400.0, 77.5),
        ([("answer", 600), ("done", 1200), ("out", 1300)], 0.0, 300.0, 900.0, 300 / 9),
        # The advisor pauses during the call (busy, not staffed): the interval is full, never over 100 %.
        ([("answer", 100), ("pause", 150), ("done", 800), ("out", 850)], 0.0, 710.0, 150.0, 100.0),
    ],
)
def test_given_a_call_across_intervals_or_a_pause_then_occupancy_is_exact_and_at_most_100(
    events: list[tuple[str, float]], interval: float, busy: float, staffed: float, occupancy: float
):
    acc = KpiAccumulator(CONFIG, interval_s=900)
    decisions: list[ev.Decision] = [
        ev.AdvisorStateChanged("x", 0, "a", "available", ""),
        ev.ContactQueued("x", 0, "c", "q", 0),
    ]
    for kind, at in events:
        decisions.append(
            {
                "answer": ev.ContactAnswered("x", at, "c", "a", "q", at),
                "done": ev.ContactLeft("x", at, "c", "q", "completed", 0.0),
                "pause": ev.AdvisorStateChanged("x", at, "a", "paused", "pause"),
                "out": ev.AdvisorStateChanged("x", at, "a", "logged_out", ""),
            }[kind]
        )
    acc.feed(decisions)
    c = acc.get("p", interval)
    assert (c.call_busy_s, c.staffed_s) == (pytest.approx(busy), pytest.approx(staffed))
    assert compute(c)["occupancy"] == pytest.approx(occupancy)


@given(
    st.lists(st.tuples(st.floats(0, 5000), st.floats(1, 2000)), min_size=1, max_size=30),
    st.lists(st.floats(0, 8000), max_size=6),
)
def test_occupancy_is_never_above_100_in_any_interval(calls: list[tuple[float, float]], pauses: list[float]):
    """Calls one after another (an advisor holds one call), pauses and resumes anywhere: every interval <= 100 %."""
    decisions: list[ev.Decision] = [ev.AdvisorStateChanged("x", 0, "a", "available", "")]
    t = 0.0
    for n, (gap, length) in enumerate(calls):
        t += gap
        decisions += [ev.ContactAnswered("x", t, f"c{n}", "a", "q", 0.0)]
        t += length
        decisions += [ev.ContactLeft("x", t, f"c{n}", "q", "completed", 0.0)]
    for k, at in enumerate(sorted(pauses)):
        state = "paused" if k % 2 == 0 else "available"
        decisions.append(ev.AdvisorStateChanged("x", at, "a", state, ""))
    decisions.sort(key=lambda d: d.at)
    decisions.append(ev.AdvisorStateChanged("x", t + 5, "a", "logged_out", ""))
    acc = KpiAccumulator(CONFIG, interval_s=900)
    acc.feed(decisions)
    for scope in (ALL, "p"):
        for interval in [None, *acc.intervals(scope)]:
            occupancy = compute(acc.get(scope, interval))["occupancy"]
            assert occupancy is None or 0 <= occupancy <= 100 + 1e-9


def test_given_holds_when_contacts_complete_in_two_intervals_then_each_interval_counts_the_hold_of_its_completions():
    acc = KpiAccumulator(CONFIG, interval_s=900)
    acc.feed(
        [
            ev.ContactQueued("x", 0, "c1", "q", 0.0),
            ev.ContactAnswered("x", 5, "c1", "a", "q", 5.0),
            ev.ContactLeft("x", 800, "c1", "q", "completed", 5.0, 120.0),
            ev.ContactQueued("x", 850, "c2", "q", 0.0),
            ev.ContactAnswered("x", 860, "c2", "a", "q", 10.0),
            ev.ContactLeft("x", 1000, "c2", "q", "completed", 10.0, 0.0),  # never on hold
            ev.ContactQueued("x", 900, "c3", "q", 0.0),
            ev.ContactAnswered("x", 910, "c3", "a", "q", 10.0),
            ev.ContactLeft("x", 1100, "c3", "q", "completed", 10.0, 45.5),
        ]
    )
    first, second, day = acc.get("p", 0.0), acc.get("p", 900.0), acc.get("p")
    assert (first.hold_s, first.held, second.hold_s, second.held) == (120.0, 1, 45.5, 1)
    assert (day.hold_s, day.held, day.completed) == (165.5, 2, 3)
    assert compute(second)["hold_average"] == pytest.approx(45.5 / 2)
    assert compute(day)["hold_total"] == pytest.approx(165.5)
    assert compute(KpiAccumulator(CONFIG).get())["hold_average"] is None  # nothing completed: undefined
