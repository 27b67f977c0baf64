"""Where the router's decisions and status go: an in-process bus (embedded) or Redis pub/sub (production).

Messages are typed (:class:`RoutingMessage`) and travel as JSON over Redis. The in-process bus is thread-safe:
the router's loop publishes, every subscriber receives in its own event loop (uvicorn's, for the SSE views).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


def redis_key(name: str) -> str:
    """A Redis key or channel of this deployment: ``<PLATEAU_REDIS_PREFIX>:routing:<name>``.

    The prefix keeps two platforms (or two test suites) sharing one Redis server from reading each other's
    commands, decisions and status.
    """
    from django.conf import settings

    return f"{settings.PLATEAU_REDIS_PREFIX}:routing:{name}"


def events_channel() -> str:
    return redis_key("events")


def status_key() -> str:
    return redis_key("status")


@dataclass(frozen=True, slots=True)
class RoutingMessage:
    """``kind`` is a decision type (``OfferMade``...) or ``status``; ``programmes`` and ``advisor_id`` let
    subscribers filter by tenant and by advisor without decoding ``data``."""

    kind: str
    data: dict[str, Any]
    programmes: tuple[str, ...] = ()
    advisor_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> RoutingMessage:
        d = json.loads(raw)
        return cls(d["kind"], d["data"], tuple(d["programmes"]), d["advisor_id"], d.get("extra") or {})


class Bus(Protocol):
    def publish(self, messages: list[RoutingMessage]) -> None: ...

    def subscribe(self) -> AsyncIterator[RoutingMessage]: ...

    def latest_status(self) -> dict[str, Any] | None: ...


class InProcessBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[RoutingMessage]]] = []
        self._status: dict[str, Any] | None = None

    def publish(self, messages: list[RoutingMessage]) -> None:
        for m in messages:
            if m.kind == "status":
                self._status = m.data
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            for m in messages:
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, m)
                except RuntimeError:  # that subscriber's loop is closed
                    self._drop(loop, queue)

    def _drop(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[RoutingMessage]) -> None:
        with self._lock:
            if (loop, queue) in self._subscribers:
                self._subscribers.remove((loop, queue))

    async def subscribe(self) -> AsyncIterator[RoutingMessage]:
        entry = (asyncio.get_running_loop(), asyncio.Queue[RoutingMessage]())
        with self._lock:
            self._subscribers.append(entry)
        try:
            while True:
                yield await entry[1].get()
        finally:
            self._drop(*entry)

    def latest_status(self) -> dict[str, Any] | None:
        return self._status


class RedisBus:
    """Redis pub/sub; the latest status is also kept under :func:`status_key` for pages rendered cold."""

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self._sync = redis.Redis.from_url(url)
        self.channel, self.status_key = events_channel(), status_key()

    def publish(self, messages: list[RoutingMessage]) -> None:
        pipe = self._sync.pipeline(transaction=False)
        for m in messages:
            raw = m.to_json()
            pipe.publish(self.channel, raw)
            if m.kind == "status":
                pipe.set(self.status_key, json.dumps(m.data), ex=30)
        pipe.execute()

    async def subscribe(self) -> AsyncIterator[RoutingMessage]:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(self.url)
        pubsub = client.pubsub()
        await pubsub.subscribe(self.channel)
        try:
            while True:
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if msg is not None and msg["type"] == "message":
                    yield RoutingMessage.from_json(msg["data"])
        finally:
            await pubsub.unsubscribe(self.channel)
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            await client.aclose()

    def latest_status(self) -> dict[str, Any] | None:
        raw = self._sync.get(self.status_key)
        return None if raw is None else dict(json.loads(raw))
