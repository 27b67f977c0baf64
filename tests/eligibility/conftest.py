"""The fake API Particulier as a separate process (``plateau fake-api``) on a free port, over real HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plateau.eligibility import connector
from plateau.geo.services import load_demo_communes
from tests.web.server import free_port

PLATEAU = Path(sys.executable).with_name("plateau")


def fake_state(base: str, **order: Any) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local fake
        f"{base}/__fake__/state", data=json.dumps(order).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return dict(json.load(response))


@pytest.fixture(scope="session")
def fake_api_process() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([str(PLATEAU), "fake-api", "--port", str(port)], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 30
        while True:
            try:
                fake_state(base)
                break
            except OSError:
                if time.monotonic() > end or process.poll() is not None:
                    raise AssertionError("the fake API did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def fake_api(fake_api_process: str, settings: Any) -> Iterator[str]:
    """The fake, reset, with the settings pointing at it (short timeouts so slow cases stay quick)."""
    fake_state(fake_api_process, reset=True)
    settings.API_PARTICULIER_URL = fake_api_process
    settings.API_PARTICULIER_TOKEN = "jeton-de-test"
    settings.API_PARTICULIER_TIMEOUT = 1.0
    settings.API_PARTICULIER_RETRIES = 2
    connector.reset_shared_state()
    yield fake_api_process
    connector.reset_shared_state()


@pytest.fixture
def communes(db: None) -> None:
    load_demo_communes()
