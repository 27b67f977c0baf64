"""Routing test builders: the six demo programmes with their routing demo configuration."""

from __future__ import annotations

from typing import Any

from plateau.demo.programmes import load_programmes
from plateau.routing.demo import load_routing_demo
from plateau.tenants.models import Programme


def demo_programmes() -> dict[str, Programme]:
    programmes = load_programmes()
    load_routing_demo(programmes)
    return programmes


def queue_form(queue: Any, **changes: Any) -> dict[str, Any]:
    """The admin's change form of ``queue`` with its inline targets, as a browser would post it."""
    from django.forms.models import model_to_dict

    data = {k: ("" if v is None else v) for k, v in model_to_dict(queue).items() if k != "id"}
    targets = list(queue.targets.order_by("order"))
    data |= {
        "targets-TOTAL_FORMS": len(targets),
        "targets-INITIAL_FORMS": len(targets),
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
    }
    for i, t in enumerate(targets):
        data |= {
            f"targets-{i}-id": t.pk,
            f"targets-{i}-queue": queue.pk,
            f"targets-{i}-order": t.order,
            f"targets-{i}-requires": t.requires,
            f"targets-{i}-needs_min_level": t.needs_min_level,
            f"targets-{i}-timeout_s": t.timeout_s or "",
        }
    return data | changes
