from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.services.router import runtime
from plateau.services.router.journal_sqlite import SqliteJournal
from tests.contacts.conftest import reference_data
from tests.routing.builders import demo_programmes

__all__ = ["plateau_asgi", "reference_data"]


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


@pytest.fixture
def plateau_asgi(tmp_path: Path) -> Iterator[str]:
    """The ASGI application served by uvicorn in a thread, with the embedded router, on the test database."""
    import uvicorn

    demo_programmes()
    seed_wrap_up_codes(WrapUpCode)
    runtime.reset_bus()
    runtime.start_embedded(runtime.build_service(SqliteJournal(tmp_path / "journal.sqlite3")))
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
