"""Durable deadlines swept periodically (lead call-back SLAs, reminders, surveys, follow-ups of details given,
webhook retries, routed work items of escalated leads, eligibility renewal reminders and expiries) and, hourly,
the retention of personal data (leads, callers and contacts) and of call recordings (each programme's own
retention).

The deadlines are database rows, so the sweep is idempotent and survives restarts; this module only decides
*when* to sweep. ``plateau run`` starts it as a thread of the embedded process; production runs
``plateau manage leads_worker``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

_started: list[threading.Thread] = []
RETENTION_EVERY = dt.timedelta(hours=1)
_last_retention: list[dt.datetime] = []


@dataclass(frozen=True)
class Swept:
    deadlines: Any
    webhooks: tuple[int, int]
    escalations_routed: int
    retention: Any | None  # None when it was not due
    recordings_purged: int = 0
    followups: Any = None  # plateau.followup.sweep.FollowUpSweep
    eligibility: Any = None  # renewal reminders sent and rights expired (plateau.eligibility.renewals)


def sweep_once(now: dt.datetime | None = None) -> Swept:
    """One tick: deadlines, webhook deliveries, pending work items, and the retention job once an hour
    (``now``: the controllable clock of tests; the current time otherwise)."""
    from django.utils import timezone

    from plateau.calls.services import purge_recordings
    from plateau.followup.sweep import sweep_followups
    from plateau.leads.escalation import route_pending
    from plateau.leads.privacy import apply_retention
    from plateau.leads.sla import sweep_deadlines
    from plateau.leads.webhooks import deliver_due

    now = now or timezone.now()
    retention, recordings = None, 0
    if not _last_retention or now - _last_retention[-1] >= RETENTION_EVERY or now < _last_retention[-1]:
        retention = apply_retention(now)
        recordings = purge_recordings(now)  # call recordings past their programme's retention (CNIL)
        _last_retention[:] = [now]
    from plateau.eligibility.renewals import sweep as sweep_eligibility

    swept = Swept(
        sweep_deadlines(now),
        deliver_due(now),
        route_pending(now),
        retention,
        recordings,
        sweep_followups(now),
        sweep_eligibility(now),
    )
    log.debug("sweep: %s", swept)
    return swept


def _loop(stop: threading.Event, interval_s: float) -> None:
    while not stop.wait(interval_s):
        try:
            sweep_once()
        except Exception:  # a failed sweep is retried at the next tick; the deadlines stay in the database
            log.exception("scheduler sweep failed")


def start_embedded(interval_s: float = 60.0) -> threading.Event:
    """Start the sweeping thread (once per process); set the returned event to stop it."""
    stop = threading.Event()
    if not _started:
        thread = threading.Thread(target=_loop, args=(stop, interval_s), name="plateau-scheduler", daemon=True)
        thread.start()
        _started.append(thread)
    return stop
