"""Demo voice menus, published through the services (idempotent; called by the demo loader).

The national line (sap-national, 3211): 1 → URSSAF for CESU and law questions, 2 → the call queue; the other
programmes: opening hours then their call queue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plateau.tenants.models import Programme

from .access import published_of
from .services import publish_flow, save_flow_draft

URSSAF = "sip:urssaf@127.0.0.1:5070"
QUEUE = {"teleassistance": "alertes"}


def _hours(programme: Programme, open_: str) -> dict[str, Any] | None:
    weekly = programme.opening_hours or {}
    if any(end == "24:00" for ranges in weekly.values() for _, end in ranges):
        return None  # open round the clock: no hours step
    return {"type": "hours", "weekly": weekly, "calendar": "france", "open": open_, "closed": "closed"}


def national_flow(programme: Programme, urssaf: str = URSSAF) -> dict[str, Any]:
    hours = _hours(programme, "menu")
    nodes: dict[str, Any] = {
        "menu": {"type": "menu", "prompt": "welcome", "options": {"1": "urssaf", "2": "tag"}, "timeout_s": 6,
                 "retries": 2, "invalid_prompt": "invalid", "no_input_prompt": "no_input", "fallback": "callback"},
        "urssaf": {"type": "transfer", "target": urssaf, "prompt": "transfer", "method": "refer"},
        "tag": {"type": "set", "values": {"need": "provider"}, "next": "queue"},
        "queue": {"type": "queue", "queue": "appels", "announce_every_s": 30},
        "callback": {"type": "callback", "prompt": "callback_offer", "next": "goodbye",
                     "confirm_prompt": "callback_ok"},
        "goodbye": {"type": "hangup", "prompt": "goodbye"},
    }  # fmt: skip
    if hours is None:
        return {"start": "menu", "nodes": nodes}
    return {"start": "hours", "nodes": {"hours": hours, **nodes, "closed": {"type": "hangup", "prompt": "closed"}}}


def queue_flow(programme: Programme) -> dict[str, Any]:
    queue = {"type": "queue", "queue": QUEUE.get(programme.slug, "appels"), "announce_every_s": 30}
    hours = _hours(programme, "queue")
    if hours is None:
        return {"start": "queue", "nodes": {"queue": queue}}
    return {
        "start": "hours",
        "nodes": {"hours": hours, "queue": queue, "closed": {"type": "hangup", "prompt": "closed"}},
    }


def load_ivr_demo(programmes: Mapping[str, Programme]) -> int:
    """Publish a flow for every programme that has none; returns how many were published."""
    made = 0
    for slug, programme in programmes.items():
        if published_of(programme) is not None:
            continue
        data = national_flow(programme) if slug == "sap-national" else queue_flow(programme)
        save_flow_draft(actor=None, programme=programme, data=data)
        publish_flow(actor=None, programme=programme)
        made += 1
    return made
