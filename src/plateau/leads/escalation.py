"""Escalated leads as routed work items.

When a lead escalates (the 48 h call-back promise broken, or nobody left to take it), a work item of channel
``lead`` enters the programme's escalation queue (``DispatchSettings.escalation_queue``) of the routing
engine: it is offered to an advisor or supervisor whose skills match the queue's targets, like a letter.
Accepting it on the desk opens the lead (:func:`plateau.web.leads_views.work_item`), from where the advisor
calls the client and re-dispatches the lead (:func:`plateau.leads.services.redispatch_by_staff`).

The work item id is written on the lead in the escalating transaction; the router is called *after commit*.
If the router is down, ``work_item_queued_at`` stays empty and the scheduler's sweep tries again
(:func:`route_pending`), so an escalation is never lost.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from plateau.routing.models import Channel, Queue
from plateau.tenants.models import Programme

from .models import Lead

log = logging.getLogger(__name__)


def escalation_queue(programme: Programme) -> Queue | None:
    """The programme's queue for escalated leads (channel ``lead``), or ``None`` when there is none."""
    from .dispatching import settings_for

    code = settings_for(programme).escalation_queue
    if not code:
        return None
    found: Queue | None = Queue.objects.for_programme(programme).filter(code=code, channel=Channel.LEAD).first()
    return found


def queue_work_item(lead: Lead, *, reason: str) -> None:
    """Mark ``lead`` as needing a routed work item and enqueue it after commit. Call inside the escalating
    transaction, with the lead locked; the caller saves the lead."""
    if escalation_queue(lead.programme) is None:
        return
    lead.work_item_id = f"lead-{lead.pk}-{lead.attempt}-{reason}"[:64]
    lead.work_item_queued_at = None
    lead_id = lead.pk
    transaction.on_commit(lambda: _enqueue_or_log(lead_id))


def _enqueue_or_log(lead_id: int) -> None:
    from plateau.services.router.client import RouterUnavailableError

    try:
        _enqueue(lead_id)
    except RouterUnavailableError:
        log.warning("router unavailable: work item of lead %s left for the next sweep", lead_id)


def _enqueue(lead_id: int, now: dt.datetime | None = None) -> bool:
    """Send the work item of ``lead_id`` to the router; ``True`` when the router accepted it, ``False`` when
    there is nothing to send. Raises ``RouterUnavailableError`` when the router does not answer."""
    from plateau.services.router.client import RouterClient

    lead = Lead.objects.select_related("programme", "activity", "commune", "provider").filter(pk=lead_id).first()
    if lead is None or not lead.work_item_id or lead.work_item_queued_at is not None:
        return False
    queue = escalation_queue(lead.programme)
    if queue is None:
        return False
    RouterClient(timeout=2.0).enqueue(
        f"{lead.programme.slug}.{queue.code}",
        contact_id=lead.work_item_id,
        # No client data in the routing journal (it is kept and replayed): the lead's id, what and where.
        attributes={
            "lead": str(lead.pk),
            "correspondent": f"{lead.activity.label_fr} — {lead.commune.name}",
            "state": lead.state,
        },
    )
    Lead.objects.filter(pk=lead_id, work_item_id=lead.work_item_id).update(work_item_queued_at=now or timezone.now())
    return True


def route_pending(now: dt.datetime | None = None, *, batch: int = 100) -> int:
    """Retry the work items of escalated leads the router has not accepted yet; returns how many went. Stops at
    the first timeout: a router down costs one timeout per tick, not one per pending lead."""
    from plateau.services.router.client import RouterUnavailableError

    ids = list(
        Lead.objects.filter(work_item_queued_at__isnull=True)
        .exclude(work_item_id="")
        .order_by("escalated_at")
        .values_list("id", flat=True)[:batch]
    )
    sent = 0
    for lead_id in ids:
        try:
            sent += _enqueue(lead_id, now)
        except RouterUnavailableError:
            log.warning("router unavailable: %s escalated lead(s) wait for the next tick", len(ids) - sent)
            break
    return sent
