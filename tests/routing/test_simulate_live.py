"""``plateau run --simulate``: live virtual callers make a human advisor's desk ring within a minute — virtual
advisors only take what people leave. Real router (embedded), real simulator thread; a generous time-out."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from plateau.domain.routing import events as ev
from plateau.routing.simulate import MIN_LIVE_PER_HOUR, RealTimeSimulator
from plateau.services.router import runtime
from plateau.services.router.bus import InProcessBus
from plateau.services.router.client import RouterClient, new_id
from plateau.services.router.journal_sqlite import SqliteJournal
from tests.routing.builders import demo_programmes

HUMAN = "conseiller1.sap"


@pytest.mark.django_db(transaction=True)
def test_given_the_live_simulation_when_a_human_advisor_logs_in_then_their_desk_rings_within_a_minute(
    tmp_path: Path, settings: Any
) -> None:
    settings.REDIS_URL = ""
    demo_programmes()
    runtime._bus = InProcessBus()
    runtime.start_embedded(runtime.build_service(SqliteJournal(tmp_path / "journal.sqlite3"), status_every_s=0.2))
    sim = RealTimeSimulator(["sap-national"], per_hour=0, virtual_advisors=2)  # the floor rate alone
    thread = threading.Thread(target=lambda: asyncio.run(sim.run(duration=300)), daemon=True)
    try:
        thread.start()
        RouterClient().submit(ev.AdvisorLoggedIn(new_id(), 0, HUMAN))
        started, offer = time.monotonic(), None
        while offer is None and time.monotonic() - started < 180:  # generous: the machine is shared
            offer = (((runtime.bus().latest_status() or {}).get("advisors") or {}).get(HUMAN) or {}).get("offer")
            time.sleep(0.1)
        assert offer is not None, f"no offer to {HUMAN} after {sim.arrived} simulated arrivals"
        print(f"offered to {HUMAN} after {time.monotonic() - started:.1f} s ({sim.arrived} arrivals)")
        assert offer["contact"]["programme"] == "sap-national" and offer["offer_id"]
        assert MIN_LIVE_PER_HOUR >= 60  # README: at least one a minute per simulated programme
    finally:
        sim.stopped = True
        thread.join(10)
        runtime.stop_embedded()
        runtime.reset_bus()
