"""Typed application events, published after the transaction that produced them commits.

Events are frozen dataclasses named ``<Noun><PastTense>`` and tagged with their programme, so that the
realtime layer can filter them by tenant. In the embedded process they go to in-process subscribers;
production adds a Redis pub/sub publisher (routing issue).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    programme_id: int | None


E = TypeVar("E", bound=Event)
Subscriber = Callable[[Event], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> Callable[[], None]:
    """Register a subscriber; returns a function that unsubscribes it."""
    _subscribers.append(subscriber)
    return lambda: _subscribers.remove(subscriber)


def _deliver(event: Event) -> None:
    for subscriber in list(_subscribers):
        try:
            subscriber(event)
        except Exception:  # a broken subscriber must not break the write that already committed
            log.exception("event subscriber failed for %r", event)


def publish_on_commit(event: E) -> E:
    """Deliver ``event`` once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: _deliver(event))
    return event
