"""How the web processes (and the SIP gateway) talk to the router, embedded or over Redis.

``RouterClient().enqueue(...)`` is the entry point for anything that brings a contact in (gateway, letter or
e-mail intake); the desk's actions go through :meth:`RouterClient.submit`.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import event_to_dict
from plateau.services.router import runtime
from plateau.services.router.bus import redis_key


class RouterUnavailableError(RuntimeError):
    pass


def router_expected() -> bool:
    """Is a router meant to answer now: over Redis (production), or embedded and running in this process?"""
    from django.conf import settings

    if settings.REDIS_URL:
        return True
    service = runtime.embedded()
    return service is not None and service.ready


def new_id(prefix: str = "e") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


class RouterClient:
    def __init__(self, redis_url: str | None = None, timeout: float = 5.0) -> None:
        if redis_url is None:
            from django.conf import settings

            redis_url = settings.REDIS_URL
        self.redis_url = redis_url
        self.timeout = timeout

    def submit(self, *events: ev.RoutingEvent) -> list[dict[str, Any]]:
        """Send events; return the decisions they caused as dicts (``{"type": "OfferMade", ...}``)."""
        if self.redis_url:
            return self._submit_redis(list(events))
        service = runtime.embedded()
        if service is None or not service.ready:
            raise RouterUnavailableError("router not running")
        try:
            decisions = service.submit_threadsafe(list(events), self.timeout)
        except TimeoutError as exc:
            raise RouterUnavailableError("router timeout") from exc
        return [event_to_dict(d) for d in decisions]

    def _submit_redis(self, events: list[ev.RoutingEvent]) -> list[dict[str, Any]]:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        reply = redis_key(f"reply:{uuid.uuid4().hex}")
        client.rpush(runtime.inbox_key(), json.dumps({"events": [event_to_dict(e) for e in events], "reply": reply}))
        item = client.blpop([reply], timeout=self.timeout)
        client.close()
        if item is None:
            raise RouterUnavailableError("router timeout")
        answer = json.loads(item[1])
        if "error" in answer:
            raise RouterUnavailableError(answer["error"])
        return list(answer["decisions"])

    def enqueue(
        self,
        queue_id: str,
        *,
        contact_id: str | None = None,
        skills: tuple[str, ...] = (),
        caller: str = "",
        priority: float = 0.0,
        attributes: dict[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """A contact enters ``queue_id`` (``<programme slug>.<queue code>``): a call from the gateway, a letter..."""
        cid = contact_id or new_id("c")
        event = ev.ContactArrived(
            new_id(),
            time.time(),
            cid,
            queue_id,
            skills,
            priority,
            caller,
            "",
            tuple(sorted((attributes or {}).items())),
        )
        return self.submit(event)

    def status(self) -> dict[str, Any] | None:
        return runtime.bus().latest_status()
