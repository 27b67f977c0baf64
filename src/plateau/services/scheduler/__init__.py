"""Durable deadlines swept periodically (lead call-back SLAs, reminders, surveys, webhook retries).

The deadlines are database rows, so the sweep is idempotent and survives restarts; this module only decides
*when* to sweep. ``plateau run`` starts it as a thread of the embedded process; production runs
``plateau manage leads_worker``.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

_started: list[threading.Thread] = []


def sweep_once() -> None:
    from plateau.leads.escalation import route_pending
    from plateau.leads.sla import sweep_deadlines
    from plateau.leads.webhooks import deliver_due

    report = sweep_deadlines()
    delivered = deliver_due()
    routed = route_pending()
    log.debug("sweep: %s, webhooks %s, escalations routed %s", report, delivered, routed)


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
