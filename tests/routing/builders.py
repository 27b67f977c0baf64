"""Routing test builders: the six demo programmes with their routing demo configuration."""

from __future__ import annotations

from plateau.demo.programmes import load_programmes
from plateau.routing.demo import load_routing_demo
from plateau.tenants.models import Programme


def demo_programmes() -> dict[str, Programme]:
    programmes = load_programmes()
    load_routing_demo(programmes)
    return programmes
