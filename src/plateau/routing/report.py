"""Historical report: the journal replayed, KPIs per day and per 15/30-minute interval, CSV export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone

from plateau import csvexport
from plateau.domain.routing.journal import replay
from plateau.domain.routing.kpis import KPIS, KpiAccumulator, compute


def day_report(programme_slug: str, day: dt.date, interval_min: int = 30) -> list[dict[str, Any]]:
    """One row per interval of ``day`` with traffic, then a total row (``interval`` = "Journée")."""
    from plateau.services.router.runtime import open_journal

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz).timestamp()
    end = start + 86400
    journal = open_journal()
    try:
        engine, decisions = replay(e for _, e in journal.read() if e.at < end)
    finally:
        journal.close()  # type: ignore[attr-defined]
    acc = KpiAccumulator(engine.config, interval_s=interval_min * 60, since=start)
    acc.feed(decisions)
    acc.close(min(end, max(engine.now, start)))
    rows = []
    for interval in acc.intervals(programme_slug):
        if interval >= end:
            continue
        label = dt.datetime.fromtimestamp(interval, tz).strftime("%H:%M")
        rows.append({"interval": label, **compute(acc.get(programme_slug, interval))})
    rows.append({"interval": "Journée", **compute(acc.get(programme_slug))})
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csvexport.Writer(out, delimiter=";")
    writer.writerow(["Intervalle", *(f"{k.name} ({k.unit})" if k.unit else k.name for k in KPIS)])
    for row in rows:
        writer.writerow([row["interval"], *("" if row[k.key] is None else round(row[k.key], 2) for k in KPIS)])
    return out.getvalue()
