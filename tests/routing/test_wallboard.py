"""The wallboard's live gauges per queue (EWT, open callback promises, next due) from the router's status."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.utils import timezone

from plateau.domain.routing import events as ev
from plateau.domain.routing.kpis import QUEUE_GAUGES
from plateau.routing.configuration import build_config
from plateau.routing.wallboard import wallboard
from plateau.services.router.bus import InProcessBus
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.router.journaled import JournaledRouter
from plateau.services.router.service import RouterService
from tests.routing.builders import demo_programmes

pytestmark = pytest.mark.django_db

QUEUE = "teleassistance.appels"


def _cells(board: dict, queue_id: str) -> dict[str, str]:
    row = next(q for q in board["queues"] if q["queue_id"] == queue_id)
    return {c["key"]: c["value"] for c in row["cells"]}


def _hhmm(at: float) -> str:
    return timezone.localtime(dt.datetime.fromtimestamp(at, tz=dt.UTC)).strftime("%H:%M")


def test_given_callback_promises_and_staff_when_the_wallboard_is_shaped_then_ewt_promises_and_next_due_show(
    tmp_path: Path,
):
    demo_programmes()
    service = RouterService(
        JournaledRouter(SqliteJournal(tmp_path / "j.sqlite3")), InProcessBus(), config=build_config()
    )
    handle = service.router.handle
    now = time.time()
    for n, start in enumerate((now + 7200, now + 3600, now + 5400)):
        handle(ev.ContactArrived(f"a{n}", now, f"c{n}", QUEUE))
        handle(ev.CallbackRequested(f"cb{n}", now, f"c{n}", f"060000000{n}", start, start + 1800))
    handle(ev.ContactArrived("a9", now, "c9", QUEUE))  # waiting, no promise

    cells = _cells(wallboard(service.status(), ["teleassistance"]), QUEUE)
    assert (cells["waiting"], cells["callbacks"], cells["next_callback_at"]) == ("4", "3", _hhmm(now + 3600))
    assert cells["ewt_s"] == "—"  # nobody staffed: no estimate rather than a made-up one

    handle(ev.AdvisorLoggedIn("in", now, "conseiller1.teleassistance"))  # takes c9 at once
    handle(ev.AdvisorLoggedIn("in2", now, "conseiller2.teleassistance"))
    board = wallboard(service.status(), ["teleassistance"])
    expected = service.router.engine.estimated_wait(QUEUE)
    assert expected is not None and expected > 0
    assert _cells(board, QUEUE)["ewt_s"] == f"{expected:.0f}"
    assert [g["key"] for g in board["gauges"]] == [g.key for g in QUEUE_GAUGES]  # each defined once, as data
    assert all(g["formula"] for g in board["gauges"])


def test_given_no_router_status_when_the_wallboard_is_shaped_then_the_gauges_are_still_defined():
    board = wallboard(None, ["teleassistance"])
    assert board["live"] is False
    assert [g["name"] for g in board["gauges"]] == [g.name for g in QUEUE_GAUGES]
