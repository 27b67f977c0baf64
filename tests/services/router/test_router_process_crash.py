"""``plateau router`` (production: PostgreSQL journal, Redis commands) is SIGKILLed under traffic and restarted.

Traffic goes through the public interface only (``RouterClient`` over Redis); state is read from the status the
router publishes (queues, callback promises, advisors). What the router showed before the kill is still there
after the restart, every acknowledged command took effect, and the commands whose answer was lost in the crash,
sent again with the same ids, take effect exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection

from plateau.domain.routing import events as ev
from plateau.services.router import bus as bus_module
from plateau.services.router import runtime
from plateau.services.router.client import RouterClient, RouterUnavailableError
from tests.routing.builders import demo_programmes
from tests.services.router.test_production import _database_url, fresh_journal

# Its own Redis database: the inbox and the status key of other tests' routers are elsewhere.
REDIS_URL = "redis://127.0.0.1:6379/11"
PROGRAMME = "sap-national"
QUEUE = "sap-national.appels"
BUSY = "conseiller2.sap"  # expert>=3: takes a call at the queue's first target
PAUSING = ["conseiller1.sap", "conseiller3.sap", "conseiller4.sap"]  # the demo has four advisors


class Router:
    """The ``plateau router`` process and the reads of its published status."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.redis = redis.Redis.from_url(REDIS_URL)

    def start(self) -> None:
        self.redis.delete(bus_module.status_key())
        with self.log.open("ab") as out:
            cmd = [sys.executable, "-m", "plateau.cli", "router"]
            self.proc = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=out)
        self.status(newer_than=0.0)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        assert self.proc.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def status(self, newer_than: float, timeout: float = 30.0) -> dict[str, Any]:
        """The first status published after ``newer_than`` (the router publishes one every second)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            raw = self.redis.get(bus_module.status_key())
            if raw is not None:
                status = dict(json.loads(raw))
                if status["at"] > newer_than:
                    return status
            assert self.proc is None or self.proc.poll() is None, self.log.read_text()[-3000:]
            time.sleep(0.1)
        raise AssertionError(f"no router status: {self.log.read_text()[-3000:]}")


def _state(status: dict[str, Any]) -> dict[str, Any]:
    """What must survive: unanswered contacts and promises per queue, each advisor's state and contacts."""
    return {
        "queues": {
            q["queue_id"]: (q["waiting"], q["callbacks"], q["next_callback_at"])
            for q in status["queues"]
            if q["programme"] == PROGRAMME
        },
        "advisors": {
            a: (s["state"], s["reason"], tuple(s["contacts"]))
            for a, s in status["advisors"].items()
            if PROGRAMME in s["programmes"]
        },
    }


class Traffic:
    """Callers arrive, some get a callback promise, advisors log in and go on a break, from several threads.

    Every command is kept with its outcome: acknowledged (the router answered) or lost (no answer in time).
    """

    def __init__(self) -> None:
        self.client = RouterClient(REDIS_URL, timeout=1.5)
        self.lock = threading.Lock()
        self.n = 0
        self.acked: list[tuple[ev.RoutingEvent, ...]] = []
        self.lost: list[tuple[ev.RoutingEvent, ...]] = []
        self.running = threading.Event()

    def _send(self, events: tuple[ev.RoutingEvent, ...]) -> bool:
        try:
            decisions = self.client.submit(*events)
        except RouterUnavailableError:
            with self.lock:
                self.lost.append(events)
            return False
        assert not [d for d in decisions if d["type"] == "Rejected"], decisions
        with self.lock:
            self.acked.append(events)
        return True

    def _caller(self) -> None:
        while self.running.is_set():
            with self.lock:
                self.n += 1
                n = self.n
            contact = f"crash-c{n}"
            now = time.time()
            arrived = self._send((ev.ContactArrived(f"arrive-{n}", 0, contact, QUEUE, (), 0.0, f"+336{n:08d}"),))
            if arrived and n % 3 == 0:  # the caller accepts a callback later today: a promise the router must keep
                window = (now + 600 + n, now + 2400 + n)
                self._send((ev.CallbackRequested(f"callback-{n}", 0, contact, f"06{n:08d}", *window),))
            if n % 40 == 0 and n // 40 <= len(PAUSING):  # one command: logged in and on a break together
                advisor = PAUSING[n // 40 - 1]
                self._send(
                    (
                        ev.AdvisorLoggedIn(f"in-{advisor}", 0, advisor),
                        ev.AdvisorPaused(f"br-{advisor}", 0, advisor, "dejeuner"),
                    )
                )

    def run(self, workers: int = 3) -> list[threading.Thread]:
        self.running.set()
        threads = [threading.Thread(target=self._caller, daemon=True) for _ in range(workers)]
        for t in threads:
            t.start()
        return threads


def _wait_for(condition: Callable[[], bool], what: str, router: Router, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"no {what} within {timeout} s: {router.log.read_text()[-3000:]}"
        time.sleep(0.05)


@pytest.fixture
def router(tmp_path: Path, transactional_db: Any) -> Iterator[Router]:
    if connection.vendor != "postgresql":
        pytest.skip("production mode runs on PostgreSQL")
    fresh_journal()
    demo_programmes()  # committed before the router starts: it reads the configuration at start
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DATABASE_URL": _database_url(), "REDIS_URL": REDIS_URL, "PLATEAU_VAR_DIR": str(tmp_path)}
    redis.Redis.from_url(REDIS_URL).delete(runtime.inbox_key())
    process = Router(env, tmp_path / "router.log")
    process.start()
    try:
        yield process
    finally:
        process.stop()
        fresh_journal()


@pytest.mark.postgres_only
def test_given_traffic_when_plateau_router_is_killed_then_the_restart_loses_no_contact_promise_or_advisor_state(
    router: Router,
) -> None:
    client = RouterClient(REDIS_URL)
    client.submit(ev.AdvisorLoggedIn("in-busy", 0, BUSY))
    offer = next(
        d for d in client.enqueue(QUEUE, contact_id="crash-c0", caller="+33600000000") if d["type"] == "OfferMade"
    )
    client.submit(ev.OfferAccepted("accept-busy", 0, offer["offer_id"], BUSY))

    traffic = Traffic()
    threads = traffic.run()
    # However busy the machine, the kill comes after a given amount of traffic, never after a given time.
    _wait_for(lambda: len(traffic.acked) > 50, "50 acknowledged commands", router)
    before = router.status(newer_than=time.time())  # published while the traffic flows
    router.kill()  # mid-traffic: commands are being journaled, others wait in the Redis inbox
    _wait_for(lambda: bool(traffic.lost), "a command whose answer the crash swallowed", router)
    traffic.running.clear()
    for t in threads:
        t.join(10)
    killed_at = time.time()
    assert len(traffic.acked) > 50 and traffic.lost, (len(traffic.acked), len(traffic.lost))

    router.start()
    recovered = router.status(newer_than=killed_at)
    assert recovered["seq"] >= before["seq"]
    was, now = _state(before), _state(recovered)
    for queue, (waiting, callbacks, _) in was["queues"].items():
        assert now["queues"][queue][0] >= waiting and now["queues"][queue][1] >= callbacks
    for advisor, state in was["advisors"].items():
        if state[0] != "logged_out":
            assert now["advisors"][advisor] == state  # busy with its call, or on its break, as before
    acked_arrivals = [e for events in traffic.acked for e in events if isinstance(e, ev.ContactArrived)]
    acked_promises = [e for events in traffic.acked for e in events if isinstance(e, ev.CallbackRequested)]
    assert now["queues"][QUEUE][0] >= len(acked_arrivals)  # every acknowledged caller is still waiting
    assert now["queues"][QUEUE][1] >= len(acked_promises)  # every acknowledged promise is still held

    # The commands whose answer the crash swallowed are sent again, same ids: each takes effect exactly once.
    for events in traffic.lost:
        client.submit(*events)
    final = _state(router.status(newer_than=time.time()))
    sent = traffic.acked + traffic.lost
    arrivals = {e.contact_id for events in sent for e in events if isinstance(e, ev.ContactArrived)}
    promises = [e for events in sent for e in events if isinstance(e, ev.CallbackRequested)]
    on_break = {e.advisor_id for events in sent for e in events if isinstance(e, ev.AdvisorPaused)}
    waiting, callbacks, next_due = final["queues"][QUEUE]
    assert (waiting, callbacks) == (len(arrivals), len(promises))  # crash-c0 is held by BUSY, not waiting
    assert next_due == min(e.window_start for e in promises)
    assert final["advisors"][BUSY] == ("busy", "", ("crash-c0",))
    assert {a for a, s in final["advisors"].items() if s[:2] == ("paused", "dejeuner")} == on_break
