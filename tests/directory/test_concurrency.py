"""Two advisors searching at the same moment get different providers first (the rotation lock)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from plateau.directory.models import ProviderRotation
from plateau.directory.services import search_providers
from tests import factories
from tests.directory import builders as b


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_concurrent_searches_then_each_gets_a_different_first_provider() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises writers anyway")
    from plateau.directory.activities import sync_activities
    from plateau.directory.models import Activity

    sync_activities(Activity)
    prog = factories.programme()
    gueret = b.commune("23096")
    k = 6
    providers = [b.provider(prog, gueret, quality=80) for _ in range(k)]
    activity = b.activity("SAP06")
    firsts: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(k)

    def advisor_searches() -> None:
        try:
            barrier.wait()
            outcome = search_providers(
                programme=prog,
                actor=None,
                activity=activity,
                commune=gueret,
                radius_km=10,
                on_date=dt.date(2026, 6, 1),
                limit=1,
            )
            firsts.append(outcome.matches[0].provider.pk)
        except BaseException as e:  # reported below: a thread's exception would otherwise be lost
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=advisor_searches) for _ in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(firsts) == sorted(p.pk for p in providers)
    assert sorted(ProviderRotation.objects.values_list("first_count", flat=True)) == [1] * k
