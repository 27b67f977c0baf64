"""Two workers sweeping the same due follow-ups at the same instant on PostgreSQL, each thread with its own
connection: every caller gets exactly one mail (rows claimed with SKIP LOCKED, marked sent in the same
transaction)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from plateau.followup import services
from plateau.followup.models import FollowUp, Status
from plateau.followup.sweep import FollowUpSweep, sweep_followups

from . import builders

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_given_two_workers_sweeping_the_same_due_follow_ups_then_each_caller_gets_one_mail() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) need PostgreSQL; SQLite serialises writers")
    line = builders.line()
    for i in range(6):
        contact = builders.details_given(line, phone=f"06 12 34 56 {i:02d}")
        services.record_consent(contact, actor=line.advisor, consent=True, address=f"appelant{i}@exemple.fr")
    at = timezone.now() + dt.timedelta(days=5)
    barrier = threading.Barrier(2)
    reports: list[FollowUpSweep] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            reports.append(sweep_followups(at))
        except BaseException as e:  # reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(r.sent for r in reports) == 6
    assert sorted(Counter(a for m in mail.outbox for a in m.to).values()) == [1] * 6
    assert set(FollowUp.objects.values_list("status", flat=True)) == {Status.SENT}
