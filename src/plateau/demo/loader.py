"""Entry point of the demo data: each part is idempotent and reports what it holds."""

from __future__ import annotations

from .programmes import load_programmes


def load_all() -> dict[str, object]:
    from plateau.routing.demo import load_routing_demo

    programmes = load_programmes()
    routing = load_routing_demo(programmes)
    return {"programmes": len(programmes), **{f"routing_{k}": v for k, v in routing.items()}}
