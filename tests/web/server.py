"""Serve the ASGI application with the embedded router in a thread, for browser and HTTP tests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from plateau.services.router import runtime
from plateau.services.router.journal_sqlite import SqliteJournal


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
    """uvicorn in a thread with the embedded router (journal at ``journal``), on the test database; yields the
    base URL. Enter it once the routing configuration is in the database."""
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
