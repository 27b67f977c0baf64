"""Escalated leads as routed work items.

When a lead escalates (the 48 h call-back promise broken, or nobody left to take it), a work item of channel
``lead`` enters the programme's escalation queue (``DispatchSettings.escalation_queue``) of the routing
engine: it is offered to an advisor or supervisor whose skills match the queue's targets, like a letter.
Accepting it on the desk opens the lead (:func:`plateau.leads.views.work_item`), from where the advisor
calls the client and re-dispatches the lead (:func:`plateau.leads.services.redispatch_by_staff`).

The work item id is written on the lead in the escalating transaction; the router is called *after commit*.
If the router is down, ``work_item_queued_at`` stays empty and the scheduler's sweep tries again
(:func:`route_pending`), so an escalation is never lost.

Only a lead that still needs someone (:data:`FOLLOW_UP_STATES`) becomes work: a closed lead never does, and the
state is checked again, with the lead locked, right before the router is called (a lead may be called back or
closed between its escalation and a later sweep); a work item whose lead moved on is dropped, audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from plateau.domain.leads.lifecycle import State
from plateau.routing.models import Channel, Queue
from plateau.tenants.models import Programme
from plateau.tenants.services import record_audit

from .models import Lead

log = logging.getLogger(__name__)
# States in which an escalated lead still needs an advisor (the work item page can re-dispatch it from them).
FOLLOW_UP_STATES = frozenset({State.SENT.value, State.ACKNOWLEDGED.value, State.EXPIRED.value, State.NO_CAPACITY.value})


def needs_follow_up(lead: Lead) -> bool:
    return lead.state in FOLLOW_UP_STATES


def lead_for_work_item(programme: Programme, routing_id: str) -> Lead | None:
    """The lead of ``programme`` whose routed work item is ``routing_id`` (tenant-checked by the programme)."""
    found: Lead | None = Lead.objects.for_programme(programme).filter(work_item_id=routing_id).first()
    return found


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
    if escalation_queue(lead.programme) is None or not needs_follow_up(lead):
        return
    lead.work_item_id = f"lead-{lead.pk}-{lead.attempt}-{reason}"[:64]
    lead.work_item_queued_at = None
    lead_id = lead.pk
    transaction.on_commit(lambda: _enqueue_or_log(lead_id))


def _enqueue_or_log(lead_id: int) -> None:
    from plateau.services.router.client import RouterUnavailableError, router_expected

    if not router_expected():
        # No router in this process and none over Redis (the demo loader, a management command): nothing failed,
        # the scheduler's sweep routes the work item once a router runs.
        log.debug("no router running: work item of lead %s left for the sweep", lead_id)
        return
    try:
        _enqueue(lead_id)
    except RouterUnavailableError:
        log.warning("router unavailable: work item of lead %s left for the next sweep", lead_id)


def _enqueue(lead_id: int, now: dt.datetime | None = None) -> bool:
    """Send the work item of ``lead_id`` to the router; ``True`` when the router accepted it, ``False`` when
    there is nothing to send. Raises ``RouterUnavailableError`` when the router does not answer.

    Lock, check, send: the lead is locked and its state checked again before the router hears of it, so a lead
    closed (or called back) since its escalation is never offered; its pending work item is dropped, audited."""
    from plateau.services.router.client import RouterClient

    with transaction.atomic():
        lead = (
            Lead.objects.select_for_update(of=("self",))
            .select_related("programme", "activity", "commune", "provider")
            .filter(pk=lead_id)
            .first()
        )
        if lead is None or not lead.work_item_id or lead.work_item_queued_at is not None:
            return False
        queue = escalation_queue(lead.programme)
        if queue is None:
            return False
        if not needs_follow_up(lead):
            record_audit(
                action="lead.work_item_dropped",
                actor=None,
                programme=lead.programme,
                obj=lead,
                work_item=lead.work_item_id,
                state=lead.state,
            )
            Lead.objects.filter(pk=lead_id).update(work_item_id="")
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
        Lead.objects.filter(pk=lead_id).update(work_item_queued_at=now or timezone.now())
    return True


def route_again(programme: Programme, routing_id: str) -> bool:
    """A supervisor released the work item ``routing_id``: if its lead still needs someone, it becomes a new work
    item (routed after commit); ``True`` when it did."""
    with transaction.atomic():
        lead = Lead.objects.for_programme(programme).select_for_update().filter(work_item_id=routing_id).first()
        if lead is None:
            return False
        queue_work_item(lead, reason=f"again-{uuid.uuid4().hex[:8]}")  # a new id: the released one is finished
        if lead.work_item_id == routing_id:  # nothing queued: the lead moved on, or no escalation queue any more
            return False
        lead.save(update_fields=["work_item_id", "work_item_queued_at"])
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
