"""Both journal adapters (SQLite file, PostgreSQL) keep events in order and recover the same state."""

from __future__ import annotations

import os
import uuid

import pytest

from plateau.domain.routing.journal import checkpoint, recover, replay
from plateau.domain.routing.snapshot import take_snapshot
from plateau.services.router.journal_postgres import PostgresJournal
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.router.journaled import JournaledRouter
from tests.pgdb import ensure_database

from .traffic import Traffic

PG_URL = os.environ.get("ROUTING_PG_URL", "postgresql://postgres@127.0.0.1:5432/plateau_routing")


@pytest.fixture(params=["sqlite", "postgres"])
def journal(request, tmp_path):
    if request.param == "sqlite":
        j = SqliteJournal(tmp_path / "journal.sqlite3")
        yield j
    else:
        j = PostgresJournal(ensure_database(PG_URL), stream=f"test-{uuid.uuid4()}")
        yield j
        j.drop_stream()
    j.close()


def _traffic_through(router: JournaledRouter, n: int, seed: int = 11) -> list:
    traffic = Traffic(seed)
    sent = []
    for event in [*traffic.first(), *(traffic.next() for _ in range(n))]:
        traffic.observe(router.handle(event))
        sent.append(event)
    return sent


def test_given_an_empty_journal_when_recovering_then_the_engine_is_empty(journal):
    engine, seq = recover(journal)
    assert seq == 0
    assert engine.contacts == {}


def test_given_journaled_traffic_when_read_back_then_events_come_in_order_and_unchanged(journal):
    router = JournaledRouter(journal, snapshot_every=10**9)
    sent = _traffic_through(router, 80)
    assert [e for _, e in journal.read()] == sent
    assert [s for s, _ in journal.read(after=50)] == list(range(51, len(sent) + 1))


def test_given_snapshots_when_recovering_then_snapshot_plus_tail_equals_the_live_state(journal):
    router = JournaledRouter(journal, snapshot_every=17)
    sent = _traffic_through(router, 120)
    latest = journal.latest_snapshot()
    assert latest is not None and 0 < latest[0] < len(sent)
    engine, seq = recover(journal)
    assert seq == len(sent)
    assert take_snapshot(engine) == take_snapshot(router.engine)
    full, _ = replay(sent)
    assert take_snapshot(engine) == take_snapshot(full)


def test_given_a_checkpoint_when_no_event_follows_then_recovery_uses_it_alone(journal):
    router = JournaledRouter(journal)
    _traffic_through(router, 30)
    checkpoint(journal, router.engine, router.seq)
    engine, seq = recover(journal)
    assert seq == router.seq
    assert take_snapshot(engine) == take_snapshot(router.engine)


def test_given_a_batch_with_a_retry_when_handled_then_it_is_journaled_once_in_one_commit(journal):
    router = JournaledRouter(journal)
    traffic = Traffic(5)
    first = traffic.first()
    router.handle_many(first)
    batch = [traffic.next() for _ in range(5)]
    router.handle_many([*batch, batch[0]])
    assert router.handle_many([batch[1]]) == []
    assert [e for _, e in journal.read()] == [*first, *batch]
