"""What a wallboard shows, shaped from the router's status for a set of programmes (live and cold pages)."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from plateau.domain.routing.kpis import KPIS, QUEUE_GAUGES, Counters, QueueGauge, compute

# The router's advisor states: one advisor's (the supervisors' advisors page) and a count's (the wallboard).
ADVISOR_STATE_LABELS = {
    "logged_out": _l("Déconnecté"),
    "available": _l("Disponible"),
    "reserved": _l("Sonnerie"),
    "busy": _l("En traitement"),
    "wrap_up": _l("Clôture"),
    "paused": _l("En pause"),
}
STATES = (
    ("available", "Disponibles"),
    ("reserved", "Sonnerie"),
    ("busy", "En communication"),
    ("wrap_up", "En clôture"),
    ("paused", "En pause"),
)


def wallboard(status: dict[str, Any] | None, programmes: list[str], on_hold: int | None = None) -> dict[str, Any]:
    """Queues, advisors by state, KPIs (with their definitions) and the trend of ``programmes`` together;
    ``on_hold``: the calls on hold (told by the SIP gateway's hold events, not by the router), None if unknown."""
    wanted = set(programmes)
    if status is None:
        return {
            "live": False,
            "on_hold": on_hold,
            "kpis": [_kpi(k, None) for k in KPIS],
            "gauges": [_definition(g) for g in QUEUE_GAUGES],
            "queues": [],
            "states": [],
            "trend": "",
        }
    queues = [q for q in status["queues"] if q["programme"] in wanted]
    tally: Tally[str] = Tally()
    for a in status["advisors"].values():
        if wanted & set(a["programmes"]):
            tally[a["state"]] += 1
    total = Counters()
    for slug in programmes:
        if slug in status["counters"]:
            total.add(Counters(**status["counters"][slug]))
    values = compute(total)
    return {
        "live": True,
        "at": status["at"],
        "on_hold": on_hold,
        "queues": [{**q, "cells": [_gauge(g, q.get(g.key)) for g in QUEUE_GAUGES]} for q in queues],
        "gauges": [_definition(g) for g in QUEUE_GAUGES],
        "waiting": sum(q["waiting"] for q in queues),
        "longest_wait_s": max((q["longest_wait_s"] for q in queues), default=0.0),
        "states": [{"state": s, "label": label, "count": tally.get(s, 0)} for s, label in STATES],
        "kpis": [_kpi(k, values[k.key]) for k in KPIS],
        "trend": trend_points(status.get("trend", {}), programmes),
    }


def _definition(g: QueueGauge) -> dict[str, Any]:
    return {"key": g.key, "name": g.name, "formula": g.formula, "unit": g.unit, "version": g.version}


def _gauge(g: QueueGauge, value: float | None) -> dict[str, str]:
    if value is None:
        shown = "—"
    elif g.unit == "heure":
        shown = timezone.localtime(dt.datetime.fromtimestamp(value, tz=dt.UTC)).strftime("%H:%M")
    else:
        shown = f"{value:.0f}"
    return {"key": g.key, "value": shown}


def _kpi(k: Any, value: float | None) -> dict[str, Any]:
    shown = "—" if value is None else (f"{value:.1f}" if k.unit == "%" else f"{value:.0f}")
    return {"key": k.key, "name": k.name, "formula": k.formula, "unit": k.unit, "version": k.version, "value": shown}


def trend_points(
    trend: dict[str, list[dict[str, float]]], programmes: list[str], width: int = 600, height: int = 120
) -> str:
    """SVG polyline points of the waiting contacts over the last hour (summed over ``programmes``)."""
    series = [trend.get(slug, []) for slug in programmes]
    n = min((len(s) for s in series if s), default=0)
    if n < 2:
        return ""
    sums = [sum(s[-n + i]["waiting"] for s in series if s) for i in range(n)]
    top = max(max(sums), 1)
    step = width / (n - 1)
    return " ".join(f"{i * step:.1f},{height - v * (height - 4) / top:.1f}" for i, v in enumerate(sums))
