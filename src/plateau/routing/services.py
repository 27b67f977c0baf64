"""Writes of the routing app, each in one order: lock, check, change, audit, notify.

``apply_configuration`` is what every change of the routing tables calls (admin, demo loader): the new
configuration is validated as a whole, audited, and sent to the running router once the transaction commits.
``open_routed_contact`` and ``complete_routed_contact`` tie a contact of the desk to the work item the router
offered, so that the contact's wrap-up form is the one and only way to finish a routed contact.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction

from plateau.contacts import services as contact_services
from plateau.contacts.models import Contact
from plateau.domain.routing import RoutingConfig
from plateau.domain.routing import events as ev
from plateau.errors import PermissionDenied
from plateau.events import publish_on_commit
from plateau.tenants.access import has_role
from plateau.tenants.models import SUPERVISING_ROLES, Programme, User
from plateau.tenants.services import record_audit

from . import models as m
from .configuration import build_config
from .errors import RouterUnavailable, RoutingRefused
from .events import WorkReleased

log = logging.getLogger(__name__)
# The router may already have forgotten a routed contact (a caller hung up and the gateway completed it):
# completing it again is then a no-op, not an error.
ALREADY_GONE = "routing_unknown_contact"


def apply_configuration(*programmes: Programme, actor: User | None) -> RoutingConfig:
    """Validate the whole routing configuration, audit the change of ``programmes`` and, on commit, apply it.

    Call it once per change (the admin calls it once per saved or deleted object, the demo loader once):
    the running router receives one ``ConfigurationApplied`` per call. Raises ``ValidationError`` with the
    domain's French reason when the configuration is invalid (e.g. a deleted skill still required by a queue).
    """
    config = build_config()
    for programme in programmes:
        record_audit(
            action="routing.configuration_changed",
            actor=actor,
            programme=programme,
            obj=programme,
            queues=sum(1 for q in config.queues if q.programme == programme.slug),
        )
    transaction.on_commit(lambda: _send_configuration(config))
    return config


def _send_configuration(config: RoutingConfig) -> None:
    from plateau.services.router.client import RouterClient, RouterUnavailableError

    try:
        decisions = RouterClient(timeout=2.0).submit(ev.ConfigurationApplied(f"cfg-{uuid.uuid4().hex}", 0, config))
    except RouterUnavailableError:
        return  # no router running: it reads the configuration when it starts
    except Exception:  # the change is committed; the router picks it up at its next start
        log.exception("routing configuration not applied")
        return
    for d in decisions:
        if d["type"] == "Rejected":  # e.g. a queue removed while it still holds contacts
            log.warning("router refused the new configuration: %s", d["message"])


@transaction.atomic
def open_routed_contact(
    *,
    programme: Programme,
    advisor: User,
    routing_id: str,
    channel: str,
    phone: str = "",
    correspondent: str = "",
) -> Contact:
    """The advisor accepted the router's offer for ``routing_id``: open the desk's contact for it."""
    contact = contact_services.start_contact(
        programme=programme,
        advisor=advisor,
        channel=channel,
        phone=phone,
        correspondent=correspondent,
        direction="outbound" if channel == "callback" else "inbound",
    )
    m.RoutedContact.objects.create(contact=contact, routing_id=routing_id)
    record_audit(
        action="routing.contact_opened", actor=advisor, programme=programme, obj=contact, routing_id=routing_id
    )
    return contact


def owner_slug(queue_id: str) -> str:
    """The programme that owns a router queue (engine queue ids are ``<programme slug>.<queue code>``)."""
    return queue_id.split(".", 1)[0]


def finish_routed_work(routing_id: str, advisor: str, *, prefix: str = "done") -> None:
    """Tell the router the advisor finished ``routing_id``: completed, then wrap-up ended (the form was it).

    Event ids derive from ``routing_id`` (and ``prefix``): sent twice (a retry), the router applies them once.
    Raises ``RouterUnavailable`` or ``RoutingRefused`` (French message) when the router does not answer or refuses.
    """
    from plateau.services.router.client import RouterClient, RouterUnavailableError

    completed = ev.ContactCompleted(f"{prefix}-{routing_id}", 0, routing_id, advisor)
    try:
        wrap_id = f"wrap-{routing_id}" if prefix == "done" else f"{prefix}-wrap-{routing_id}"
        decisions = RouterClient().submit(completed, ev.WrapUpEnded(wrap_id, 0, advisor))
    except RouterUnavailableError as exc:
        raise RouterUnavailable() from exc
    for d in decisions:
        if d["type"] == "Rejected" and d["cause"] == completed.event_id and d["error_id"] != ALREADY_GONE:
            raise RoutingRefused(d["message"])
        # WrapUpEnded refused: the queue has no wrap-up time, or the advisor was logged out meanwhile.


def routing_id_of(contact: Contact) -> str | None:
    link = m.RoutedContact.objects.filter(contact=contact).first()
    return None if link is None else link.routing_id


@transaction.atomic
def complete_routed_contact(contact: Contact, *, actor: User, code: str, notes: str = "") -> Contact:
    """Wrap the contact up and, in the same step, finish its routed work item: completed, wrap-up ended.

    The contact is saved (locked) first, the router told last, inside the transaction: if the router refuses
    or does not answer, nothing is saved and the advisor sees why. The router's event ids derive from the
    contact, so a retry after a failed commit is ignored by the router (idempotent), never applied twice.
    """
    link = m.RoutedContact.objects.select_for_update().filter(contact=contact).first()
    contact = contact_services.wrap_up(contact, actor=actor, code=code, notes=notes)
    if link is None:
        return contact
    # The router's advisor is the contact's (a supervisor may close a contact for them).
    advisor = contact.advisor.get_username() if contact.advisor is not None else actor.get_username()
    finish_routed_work(link.routing_id, advisor)
    record_audit(
        action="routing.contact_completed",
        actor=actor,
        programme=contact.programme,
        obj=contact,
        routing_id=link.routing_id,
    )
    return contact


@transaction.atomic
def release_held_work(*, programme: Programme, advisor: str, routing_id: str, queue_id: str, actor: User) -> None:
    """A supervisor of ``programme`` releases the work item ``routing_id`` that ``advisor`` holds (a stuck advisor:
    the page or the contact behind it is gone). The router completes it for the advisor, who is free again.

    ``queue_id`` is the item's queue as the router publishes it; only the programme that owns that queue may release
    it. A desk contact opened for the item stays open (its advisor or a supervisor wraps it up; the router then
    ignores the completion it already had). Audited ``routing.work_released``; ``WorkReleased`` after commit.
    """
    if owner_slug(queue_id) != programme.slug or not has_role(actor, programme, SUPERVISING_ROLES):
        raise PermissionDenied()
    record_audit(
        action="routing.work_released",
        actor=actor,
        programme=programme,
        obj=programme,
        advisor=advisor,
        routing_id=routing_id,
        queue_id=queue_id,
    )
    # Told last, inside the transaction: a router that refuses or does not answer leaves no audit row behind.
    finish_routed_work(routing_id, advisor, prefix="release")
    publish_on_commit(WorkReleased(programme.pk, routing_id=routing_id, advisor=advisor, released_by=actor.pk))
