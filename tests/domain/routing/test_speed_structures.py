"""Structures and shortcuts added for speed: the per-advisor bucket lists (``AdvisorRecord.pulls``) that the
cross-queue choice scans stay exact; the one-test skill check still names the first unknown skill."""

from __future__ import annotations

from plateau.domain.routing import events as ev
from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.snapshot import restore_snapshot, take_snapshot
from tests.domain.routing.builders import Scenario, advisor, config, queue
from tests.domain.routing.oracle import rich_traffic


def _assert_pulls_exact(engine: RoutingEngine) -> None:
    pool = engine._pool
    for a in engine.advisors.values():
        expected = {id(b) for b in pool.values() if a.advisor_id in b.qualified and b.queue_id in a.queue_set}
        assert {id(b) for b in a.pulls} == expected, a.advisor_id
        assert len(a.pulls) == len(expected), "a bucket listed twice"
    for qid, qr in engine.queues.items():
        for reqs, b in qr.buckets.items():
            assert pool[(qid, reqs)] is b
            assert b.live > 0, "an empty bucket left in its queue"
    waiting = {c.contact_id for c in engine.contacts.values() if c.bucket is not None}
    assert sum(b.live for b in pool.values()) == len(waiting)


def test_given_rich_traffic_when_each_event_is_applied_then_every_advisor_lists_exactly_its_buckets():
    rich_traffic(4, 800, check=_assert_pulls_exact)


def test_given_a_snapshot_when_restored_then_the_bucket_lists_are_rebuilt_exactly():
    engine = RoutingEngine(dedupe_window=50)
    rich_traffic(5, 600, engine=engine)

    restored = restore_snapshot(take_snapshot(engine))

    _assert_pulls_exact(restored)
    assert sum(len(a.pulls) for a in restored.advisors.values()) > 0


def test_given_known_and_unknown_skills_when_a_contact_arrives_then_the_first_unknown_one_is_named():
    scenario = Scenario(config(queue("q1"), advisors=(advisor("a1", fr=3),)))

    (rejected,) = scenario.arrive(1.0, "c1", "q1", "fr", "klingon", "vulcain")

    assert isinstance(rejected, ev.Rejected)
    assert rejected.error_id == "routing_unknown_skill"
    assert "« klingon »" in rejected.message
    assert scenario.engine.contact_status("c1") is None
