from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity
from tests.contacts import builders as contact_builders


@pytest.fixture
def reference_data(db: None) -> None:
    sync_activities(Activity)
    seed_wrap_up_codes(WrapUpCode)
    contact_builders.demo_communes()


@pytest.fixture
def empty_routing_journal(db: None) -> Iterator[None]:
    """The routing journal lives outside the test transaction (its own connection or file): start and end empty,
    so what one test journals is never redacted, counted or read by another."""
    from plateau.services.router.runtime import open_journal

    def drop() -> None:
        journal: Any = open_journal()
        try:
            journal.drop_stream()
        finally:
            journal.close()

    drop()
    yield
    drop()


@pytest.fixture(autouse=True)
def _locmem_mail(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


class Receiver(http.server.BaseHTTPRequestHandler):
    statuses: list[int] = []
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).statuses.pop(0) if type(self).statuses else 200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_webhooks(settings: Any) -> None:
    """Webhooks may reach this machine: http and 127.0.0.1 allowed explicitly (the default refuses both)."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def receiver(local_webhooks: None) -> Iterator[tuple[str, type[Receiver]]]:
    """A real HTTP receiver on 127.0.0.1 (and the settings that let webhooks reach it)."""
    handler = type("ReceiverOfTest", (Receiver,), {"statuses": [], "received": []})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", handler
    server.shutdown()
    server.server_close()
