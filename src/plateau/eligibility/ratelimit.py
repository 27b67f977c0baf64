"""Token buckets for API Particulier's 20 requests/s per token: one shared by every process through Redis, or
one per process when the platform runs without Redis (embedded mode: one process).

The Redis bucket is one hash ``<prefix>:eligibility:bucket:<token digest>`` updated by a Lua script (atomic, so
web processes and workers on several machines draw from the same bucket); the time is Redis's own clock, so the
processes' clocks need not agree.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any, Protocol

# KEYS[1] bucket; ARGV: rate (tokens/s), capacity. Returns the wait in microseconds before a token is ours (0: now).
# A caller that must wait has reserved its token already (tokens may go negative): waiting callers queue fairly.
_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - at) * rate / 1000000)
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
if tokens >= 0 then return 0 end
return math.ceil(-tokens * 1000000 / rate)
"""


class RateLimitExceeded(Exception):
    """Waiting for a token would take longer than the caller accepts."""


class Bucket(Protocol):
    def acquire(self, max_wait: float) -> float: ...


def bucket_key(prefix: str, token: str) -> str:
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]  # never the token itself in Redis
    return f"{prefix}:eligibility:bucket:{digest}"


class RedisBucket:
    def __init__(self, client: Any, key: str, rate: float, capacity: float | None = None) -> None:
        self.client, self.key, self.rate = client, key, rate
        # No burst by default: requests are spaced evenly, so no sliding one-second window of the service ever
        # sees more than the rate.
        self.capacity = max(1.0, capacity if capacity is not None else 1.0)
        self._script = client.register_script(_LUA)

    def acquire(self, max_wait: float) -> float:
        """Take a token, sleeping as long as needed (up to ``max_wait``); returns the time waited."""
        wait = int(self._script(keys=[self.key], args=[self.rate, self.capacity])) / 1_000_000
        if wait > max_wait:
            # Give the reserved token back: we will not use it.
            self.client.hincrbyfloat(self.key, "tokens", 1)
            raise RateLimitExceeded(wait)
        if wait:
            time.sleep(wait)
        return wait


class LocalBucket:
    """The same bucket for one process (embedded mode)."""

    def __init__(self, rate: float, capacity: float | None = None) -> None:
        self.rate = rate
        self.capacity = max(1.0, capacity if capacity is not None else 1.0)
        self.tokens = self.capacity
        self.at = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self, max_wait: float) -> float:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate) - 1
            self.at = now
            wait = -self.tokens / self.rate if self.tokens < 0 else 0.0
            if wait > max_wait:
                self.tokens += 1
                raise RateLimitExceeded(wait)
        if wait:
            time.sleep(wait)
        return wait
