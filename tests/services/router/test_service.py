"""The router service end to end in one process: journal, timers, decisions on the in-process and Redis buses."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import redis

from plateau.domain.routing import events as ev
from plateau.services.router import runtime
from plateau.services.router.bus import InProcessBus, RedisBus, RoutingMessage
from plateau.services.router.client import RouterClient, RouterUnavailableError, new_id
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.router.journaled import JournaledRouter
from plateau.services.router.service import RouterService
from tests.routing.builders import demo_programmes, queue_form

pytestmark = pytest.mark.django_db

QUEUE = "sap-national.appels"
ADVISOR = "conseiller2.sap"  # expert>=3: eligible at the first target


class Collector:
    """Subscribes to a bus in its own thread and loop, like an SSE view in uvicorn."""

    def __init__(self, bus: Any) -> None:
        self.messages: list[RoutingMessage] = []
        self.subscribed = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run(bus)), daemon=True)
        self.thread.start()
        assert self.subscribed.wait(5)

    async def _run(self, bus: Any) -> None:
        it = bus.subscribe()
        first = asyncio.ensure_future(it.__anext__())
        await asyncio.sleep(0.2)  # the subscription is registered once the generator started
        self.subscribed.set()
        self.messages.append(await first)
        async for m in it:
            self.messages.append(m)

    def wait_for(self, kind: str, timeout: float = 5.0, where: Any = None) -> RoutingMessage:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for m in list(self.messages):
                if m.kind == kind and (where is None or where(m)):
                    return m
            time.sleep(0.02)
        raise AssertionError(f"no {kind} in {[m.kind for m in self.messages]}")


def _start(tmp_path: Path, bus: Any) -> RouterService:
    demo_programmes()
    runtime._bus = bus
    service = runtime.build_service(SqliteJournal(tmp_path / "journal.sqlite3"), status_every_s=0.2)
    return runtime.start_embedded(service)


def test_given_an_advisor_logged_in_when_a_call_arrives_then_the_offer_reaches_the_in_process_bus(tmp_path: Path):
    bus = InProcessBus()
    _start(tmp_path, bus)
    try:
        seen = Collector(bus)
        client = RouterClient(redis_url="")
        client.submit(ev.AdvisorLoggedIn(new_id(), 0, ADVISOR))
        decisions = client.enqueue(QUEUE, caller="+33612345678", attributes={"phone": "0612345678"})
        offer = next(d for d in decisions if d["type"] == "OfferMade")
        assert offer["advisor_id"] == ADVISOR
        message = seen.wait_for("OfferMade")
        assert message.advisor_id == ADVISOR
        assert message.programmes == ("sap-national",)
        assert message.extra["contact"]["caller"] == "+33612345678"
        answered = client.submit(ev.OfferAccepted(new_id(), 0, offer["offer_id"], ADVISOR))
        assert [d["type"] for d in answered] == ["ContactAnswered"]
        again = client.submit(ev.OfferAccepted(new_id(), 0, offer["offer_id"], ADVISOR))
        assert again[0]["error_id"] == "routing_offer_expired"
        busy = seen.wait_for("status", where=lambda m: m.data["advisors"][ADVISOR]["state"] == "busy").data
        assert busy["counters"]["sap-national"]["answered"] == 1
    finally:
        runtime.stop_embedded()
        runtime.reset_bus()


def test_given_an_offer_unanswered_when_its_timeout_passes_then_the_router_withdraws_it_on_its_own(tmp_path: Path):
    bus = InProcessBus()
    demo_programmes()
    from plateau.routing.models import Queue

    Queue.objects.filter(code="appels", programme__slug="sap-national").update(offer_timeout_s=1)
    runtime._bus = bus
    service = runtime.start_embedded(runtime.build_service(SqliteJournal(tmp_path / "j.sqlite3")))
    try:
        seen = Collector(bus)
        client = RouterClient(redis_url="")
        client.submit(ev.AdvisorLoggedIn(new_id(), 0, ADVISOR))
        client.enqueue(QUEUE)
        withdrawn = seen.wait_for("OfferWithdrawn", timeout=4)
        assert withdrawn.data["reason"] == "expired"
        assert service.router.journal.last_seq() >= 4  # type: ignore[attr-defined]
    finally:
        runtime.stop_embedded()
        runtime.reset_bus()


def test_given_a_restart_when_the_service_recovers_then_the_waiting_contact_and_todays_kpis_are_back(tmp_path: Path):
    demo_programmes()
    path = tmp_path / "journal.sqlite3"
    bus = InProcessBus()
    first = RouterService(JournaledRouter(SqliteJournal(path)), bus, config=runtime_config())
    first.router.handle(ev.ContactArrived(new_id(), time.time(), "c-1", QUEUE))
    again = RouterService(JournaledRouter(SqliteJournal(path)), bus, config=runtime_config())
    assert again.router.engine.waiting_count(QUEUE) == 1
    assert again.kpis.get("sap-national").offered == 1


def runtime_config() -> Any:
    from plateau.routing.configuration import build_config

    return build_config()


def test_given_redis_when_a_web_process_sends_commands_then_the_router_answers_and_publishes_on_redis(tmp_path: Path):
    url = "redis://127.0.0.1:6379/0"
    redis.Redis.from_url(url).delete(runtime.inbox_key())
    bus = RedisBus(url)
    service = _start(tmp_path, bus)
    inbox = asyncio.run_coroutine_threadsafe(runtime.serve_redis_inbox(service, url), service.loop)  # type: ignore[arg-type]
    try:
        seen = Collector(RedisBus(url))
        client = RouterClient(redis_url=url)
        client.submit(ev.AdvisorLoggedIn(new_id(), 0, ADVISOR))
        decisions = client.enqueue(QUEUE, caller="+33699999999")
        assert any(d["type"] == "OfferMade" for d in decisions)
        assert seen.wait_for("OfferMade").extra["contact"]["caller"] == "+33699999999"
        seen.wait_for("status")
        assert bus.latest_status() is not None
    finally:
        inbox.cancel()
        runtime.stop_embedded()
        runtime.reset_bus()


def test_given_a_running_router_when_a_queue_and_its_targets_are_saved_in_the_admin_then_one_reload_applies_it(
    tmp_path: Path, client: Any, django_capture_on_commit_callbacks: Any
):
    from plateau.routing.models import Queue
    from plateau.tenants.models import AuditEntry, User

    bus = InProcessBus()
    service = _start(tmp_path, bus)
    try:
        client.force_login(User.objects.get(username="admin"))
        queue = Queue.objects.get(programme__slug="sap-national", code="appels")
        form = queue_form(queue, wrap_up_s=99, **{"targets-0-timeout_s": 45})
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(f"/admin/routing/queue/{queue.pk}/change/", form)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert len(callbacks) == 1  # one reload for the queue and its targets saved together
        assert AuditEntry.objects.filter(action="routing.configuration_changed", programme=queue.programme).exists()
        deadline = time.monotonic() + 30
        while service.router.engine.config.queue(QUEUE).wrap_up_s != 99 and time.monotonic() < deadline:
            time.sleep(0.05)
        applied = service.router.engine.config.queue(QUEUE)
        assert (applied.wrap_up_s, applied.targets[0].timeout_s) == (99, 45)
    finally:
        runtime.stop_embedded()
        runtime.reset_bus()


def test_given_two_deployments_on_one_redis_then_their_prefixes_keep_commands_decisions_and_status_apart(
    tmp_path: Path, settings: Any
) -> None:
    """PLATEAU_REDIS_PREFIX: a second platform (or test run) on the same Redis sees nothing of the first."""
    url = "redis://127.0.0.1:6379/0"
    mine = settings.PLATEAU_REDIS_PREFIX
    assert mine.startswith("plateau-test-")  # tests/settings.py: one namespace per test session
    bus = RedisBus(url)
    service = _start(tmp_path, bus)
    inbox = asyncio.run_coroutine_threadsafe(runtime.serve_redis_inbox(service, url), service.loop)  # type: ignore[arg-type]
    try:
        seen = Collector(RedisBus(url))
        RouterClient(redis_url=url).submit(ev.AdvisorLoggedIn(new_id(), 0, ADVISOR))
        seen.wait_for("status")
        assert bus.latest_status() is not None and redis.Redis.from_url(url).exists(f"{mine}:routing:status")
        settings.PLATEAU_REDIS_PREFIX = f"{mine}-other"
        other = RedisBus(url)
        assert other.latest_status() is None  # the other deployment's status is not ours
        with pytest.raises(RouterUnavailableError):  # nobody serves the other deployment's inbox
            RouterClient(redis_url=url, timeout=1.0).submit(ev.AdvisorLoggedIn(new_id(), 0, ADVISOR))
        assert redis.Redis.from_url(url).llen(runtime.inbox_key()) == 1  # the command waits in its own inbox
    finally:
        redis.Redis.from_url(url).delete(runtime.inbox_key())
        settings.PLATEAU_REDIS_PREFIX = mine
        inbox.cancel()
        runtime.stop_embedded()
        runtime.reset_bus()
