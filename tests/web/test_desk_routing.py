"""The desk's routing actions over HTTP, with the embedded router: one completion, expired offers, SSE reconnects."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from plateau.contacts.models import Contact, WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.domain.routing import events as ev
from plateau.routing.models import Queue, RoutedContact
from plateau.services.router import runtime
from plateau.services.router.bus import InProcessBus
from plateau.services.router.client import RouterClient
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.router.service import RouterService
from plateau.tenants.models import User
from tests.routing.builders import demo_programmes

SLUG = "teleassistance"
QUEUE = "teleassistance.appels"
FIRST, SECOND = "conseiller1.teleassistance", "conseiller2.teleassistance"


def _start(journal: Path) -> RouterService:
    return runtime.start_embedded(runtime.build_service(SqliteJournal(journal), status_every_s=0.2))


@pytest.fixture
def router(tmp_path: Path, db: None) -> Iterator[Path]:
    demo_programmes()
    seed_wrap_up_codes(WrapUpCode)
    runtime._bus = InProcessBus()
    journal = tmp_path / "journal.sqlite3"
    _start(journal)
    try:
        yield journal
    finally:
        runtime.stop_embedded()
        runtime.reset_bus()


def _desk(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _act(client: Client, action: str, **fields: str) -> Any:
    return client.post(f"/p/{SLUG}/poste/routage/", {"action": action, **fields}, follow=True)


def _wait(check: Any, timeout: float = 5.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def _engine() -> Any:
    service = runtime.embedded()
    assert service is not None
    return service.router.engine


def _offer_of(advisor: str) -> Any:
    engine = _engine()
    offer_id = engine.advisors[advisor].offer_id
    return engine.offers.get(offer_id) if offer_id else None


def test_given_a_routed_call_when_the_advisor_wraps_it_up_then_the_router_frees_them_in_the_same_step(router: Path):
    desk = _desk(FIRST)
    _act(desk, "login")
    RouterClient().enqueue(QUEUE, caller="+33612345678")
    offer = _wait(lambda: _offer_of(FIRST))
    page = _act(desk, "accept", offer_id=offer.offer_id, channel="call", caller="0612345678")
    contact = Contact.objects.get(programme__slug=SLUG, status="open")
    assert page.redirect_chain[-1][0] == f"/p/{SLUG}/contacts/{contact.pk}/"
    assert "le clore le termine aussi dans la distribution" in page.content.decode()
    routing_id = RoutedContact.objects.get(contact=contact).routing_id
    wrap_url = f"/p/{SLUG}/contacts/{contact.pk}/cloture/"

    runtime.stop_embedded()  # the router is down: the wrap-up is refused as a whole, the contact stays open
    refused = desk.post(wrap_url, {"code": "welfare_isolation"})
    assert "Le service de distribution ne répond pas" in refused.content.decode()
    contact.refresh_from_db()
    assert contact.status == "open"

    _start(router)  # back, recovered from its journal: the contact is still the advisor's
    assert _engine().advisor_state(FIRST).value == "busy"
    done = desk.post(wrap_url, {"code": "welfare_isolation"})
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "closed"
    assert _engine().contact_status(routing_id) is None
    assert _engine().advisor_state(FIRST).value == "available"  # wrap-up ended by the form itself

    seq = runtime.embedded().router.seq  # type: ignore[union-attr]
    retry = RouterClient().submit(
        ev.ContactCompleted(f"done-{routing_id}", 0, routing_id, FIRST), ev.WrapUpEnded(f"wrap-{routing_id}", 0, FIRST)
    )
    assert retry == []  # the same completion again (a retried request) is ignored: idempotent
    assert runtime.embedded().router.seq == seq  # type: ignore[union-attr]


def test_given_an_offer_that_expired_when_the_advisor_accepts_it_then_a_french_message_and_the_next_advisor_gets_it(
    router: Path,
):
    Queue.objects.filter(programme__slug=SLUG, code="appels").update(offer_timeout_s=1)
    runtime.stop_embedded()
    _start(router)  # with the one-second offer timeout
    first, second = _desk(FIRST), _desk(SECOND)
    _act(first, "login")
    contact_id = RouterClient().enqueue(QUEUE, caller="+33612345678")[0]["contact_id"]
    stale = _wait(lambda: _offer_of(FIRST))
    _act(second, "login")
    moved = _wait(lambda: _offer_of(SECOND), timeout=5)  # expired for the first advisor: offered to the next
    assert moved.contact_id == contact_id

    page = _act(first, "accept", offer_id=stale.offer_id, channel="call", caller="0612345678")
    assert "Cette offre a expiré ou a été retirée : le contact est proposé à un autre conseiller." in (
        page.content.decode()
    )
    assert not Contact.objects.filter(programme__slug=SLUG).exists()
    assert _offer_of(SECOND).contact_id == contact_id  # still the second advisor's to take


def _sse_frames(base: str, cookie: str, count: int) -> list[tuple[str, Any]]:
    request = urllib.request.Request(f"{base}/p/{SLUG}/poste/flux/", headers={"Cookie": cookie})  # noqa: S310
    frames: list[tuple[str, Any]] = []
    with urllib.request.urlopen(request, timeout=10) as stream:  # noqa: S310 - local test server
        kind = ""
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                frames.append((kind, json.loads(line[6:])))
                if len(frames) == count:
                    break
    return frames


@pytest.mark.django_db(transaction=True)
def test_given_an_open_offer_when_the_advisors_stream_reconnects_then_the_offer_is_sent_again(plateau_asgi: str):
    desk = _desk(FIRST)
    _act(desk, "login")
    cookie = f"sessionid={desk.cookies['sessionid'].value}"
    RouterClient().enqueue(QUEUE, caller="+33698765432")
    offer = _wait(lambda: _offer_of(FIRST))
    _wait(lambda: (runtime.bus().latest_status() or {}).get("advisors", {}).get(FIRST, {}).get("offer"))
    for _connection in range(2):  # the stream ends (network cut, PLATEAU_SSE_MAX_SECONDS); EventSource reconnects
        kind, state = _sse_frames(plateau_asgi, cookie, 1)[0]
        assert kind == "state"
        assert state["offer"]["offer_id"] == offer.offer_id
        assert state["offer"]["contact"]["caller"] == "+33698765432"
    assert _offer_of(FIRST).offer_id == offer.offer_id  # still open: reconnecting neither lost nor renewed it


def test_given_a_routed_contact_when_a_supervisor_closes_it_then_its_advisor_is_freed_in_the_router(router: Path):
    desk = _desk(FIRST)
    _act(desk, "login")
    routing_id = RouterClient().enqueue(QUEUE, caller="+33612345678")[0]["contact_id"]
    offer = _wait(lambda: _offer_of(FIRST))
    _act(desk, "accept", offer_id=offer.offer_id, channel="call", caller="0612345678")
    contact = Contact.objects.get(programme__slug=SLUG, status="open")

    closed = _desk("superviseur.teleassistance").post(
        f"/p/{SLUG}/contacts/{contact.pk}/cloture/", {"code": "welfare_isolation"}
    )
    assert closed.status_code == 302
    assert _engine().contact_status(routing_id) is None
    assert _engine().advisor_state(FIRST).value == "available"


def test_given_an_anonymous_call_when_accepted_then_the_desk_says_why_and_the_advisor_is_not_left_busy(router: Path):
    desk = _desk(FIRST)
    _act(desk, "login")
    RouterClient().enqueue(QUEUE, caller="")  # number withheld: the desk cannot open a call without one
    offer = _wait(lambda: _offer_of(FIRST))
    page = _act(desk, "accept", offer_id=offer.offer_id, channel="call", caller="")
    assert "Le contact n&#x27;a pas pu être ouvert" in page.content.decode()
    assert not Contact.objects.filter(programme__slug=SLUG).exists()
    assert _engine().advisor_state(FIRST).value == "available"  # released, not stuck holding a ghost contact
