"""The day report replays the journal: KPIs per interval and for the day, exported as CSV."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from plateau.domain.routing import events as ev
from plateau.routing.configuration import build_config
from plateau.routing.report import day_report, to_csv
from plateau.services.router import runtime
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.router.journaled import JournaledRouter
from tests.routing.builders import demo_programmes

pytestmark = pytest.mark.django_db


def test_given_a_journaled_call_when_the_day_report_is_built_then_it_counts_it_in_its_interval_and_csv(
    tmp_path: Path, monkeypatch: Any
):
    demo_programmes()
    path = tmp_path / "journal.sqlite3"
    monkeypatch.setattr(runtime, "open_journal", lambda: SqliteJournal(path))
    router = JournaledRouter(SqliteJournal(path))
    now = time.time()
    router.handle(ev.ConfigurationApplied("cfg", now, build_config()))
    router.handle(ev.AdvisorLoggedIn("e1", now, "conseiller2.sap"))
    decisions = router.handle(ev.ContactArrived("e2", now + 1, "c1", "sap-national.appels"))
    offer = next(d for d in decisions if isinstance(d, ev.OfferMade))
    router.handle(ev.OfferAccepted("e3", now + 5, offer.offer_id, "conseiller2.sap"))
    router.handle(ev.ContactCompleted("e4", now + 65, "c1", "conseiller2.sap"))

    rows = day_report("sap-national", timezone.localdate(), 15)
    day = rows[-1]
    assert day["interval"] == "Journée"
    assert (day["offered"], day["answered"], day["service_level"], day["asa"]) == (1, 1, 100.0, 4.0)
    assert sum(r["answered"] for r in rows[:-1]) == 1
    csv = to_csv(rows)
    assert csv.splitlines()[0].startswith("Intervalle;Contacts présentés;Contacts traités;Niveau de service")
    assert csv.splitlines()[-1].startswith("Journée;1;1;100.0")
    assert day_report("sap-national", timezone.localdate() - dt.timedelta(days=1))[-1]["offered"] == 0
