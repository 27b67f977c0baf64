"""The per-advisor bucket lists (``AdvisorRecord.pulls``) that the cross-queue choice scans stay exact."""

from __future__ import annotations

from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.snapshot import restore_snapshot, take_snapshot
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
