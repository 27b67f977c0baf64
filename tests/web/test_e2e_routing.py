"""End to end in headless chromium: uvicorn (ASGI, SSE) in a thread with the embedded router, test database.

A letter is registered from the desk, its offer rings on the advisor's desk (Server-Sent Events), the advisor
accepts and lands on the contact page; the supervisor's wallboard counts it live.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.demo.programmes import DEMO_PASSWORD
from plateau.services.router import runtime
from plateau.services.router.journal_sqlite import SqliteJournal
from tests.routing.builders import demo_programmes

ADVISOR = "conseiller1.teleassistance"
SUPERVISOR = "superviseur.teleassistance"
SLUG = "teleassistance"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_status(base: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"{base}/status", timeout=2) as r:  # noqa: S310 - local test server
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("plateau did not become ready")


@contextlib.contextmanager
def serving_plateau(journal: Path) -> Iterator[str]:
    """The ASGI application served by uvicorn in a thread, with the embedded router (journal at ``journal``), on
    the test database; yields the base URL. Call once the routing configuration is in the database."""
    import uvicorn

    runtime.reset_bus()
    runtime.start_embedded(runtime.build_service(SqliteJournal(journal)))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config("plateau.asgi:application", port=port, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_status(base)
        yield base
    finally:
        server.should_exit = True
        thread.join(10)
        runtime.stop_embedded()
        runtime.reset_bus()


@pytest.fixture
def plateau_asgi(tmp_path: Path) -> Iterator[str]:
    demo_programmes()
    with serving_plateau(tmp_path / "journal.sqlite3") as base:
        yield base


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_an_advisor_in_routing_when_a_letter_arrives_then_it_rings_is_accepted_and_the_wallboard_counts_it(
    plateau_asgi: str, browser: Any
) -> None:
    base = plateau_asgi
    sup = browser.new_context(locale="fr-FR").new_page()
    log_in(sup, base, SUPERVISOR)
    sup.goto(f"{base}/p/{SLUG}/tableau/")
    expect(sup.locator("#wb-kpi-answered")).to_have_text("0")

    adv = browser.new_context(locale="fr-FR").new_page()
    log_in(adv, base, ADVISOR)
    adv.goto(f"{base}/p/{SLUG}/poste/")
    adv.locator("#routing-login").click()
    expect(adv.locator("#routing-state")).to_have_attribute("data-state", "available")

    adv.locator("details summary").click()
    adv.locator("#work-correspondent").fill("Mme Odile Lambert")
    adv.get_by_role("button", name="Mettre en file").click()
    expect(adv.locator("#offer")).to_be_visible()
    expect(adv.locator("#offer-caller")).to_have_text("Mme Odile Lambert")
    expect(sup.locator("#wb-state-reserved")).to_have_text("1")

    adv.locator("#offer-accept").click()
    expect(adv).to_have_url(re.compile(rf"{base}/p/{SLUG}/contacts/\d+/$"))
    expect(adv.get_by_role("complementary", name="Appelant")).to_contain_text("Mme Odile Lambert")
    expect(sup.locator("#wb-kpi-answered")).to_have_text("1")
    expect(sup.locator("#wb-state-busy")).to_have_text("1")
    adv.context.close()
    sup.context.close()
