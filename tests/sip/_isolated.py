"""Run a SIP scenario on a fresh event loop in its own thread.

Earlier tests in the same pytest process can leave an event loop marked as running in the main thread
(seen in the full suite, not in tests/sip alone); a scenario must not depend on what ran before it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_isolated(coro: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sip-scenario") as pool:
        return pool.submit(asyncio.run, coro).result()
