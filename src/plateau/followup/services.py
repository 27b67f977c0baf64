"""Writes of the follow-up capability, each in one order: lock, check, change, audit, notify.

The consent is recorded on the desk after details were given; the sweep (:mod:`plateau.followup.sweep`)
sends the link when due; the caller answers on the public page through :func:`answer`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.contacts.errors import ContactClosed
from plateau.contacts.models import Contact, ContactStatus
from plateau.domain.followup import schedule
from plateau.domain.followup.answers import Answer, check_answer
from plateau.errors import PermissionDenied
from plateau.events import publish_on_commit
from plateau.tenants.access import has_role
from plateau.tenants.errors import require_capability
from plateau.tenants.models import SUPERVISING_ROLES, Programme, User
from plateau.tenants.services import record_audit

from .capability import FOLLOWUP
from .channels import get_channel
from .errors import (
    AlreadyAnswered,
    FollowUpAlreadyRecorded,
    FollowUpConsentRequired,
    LinkExpired,
    LinkInvalid,
    NoDetailsGiven,
)
from .events import FollowUpAnswered
from .models import FollowUp, FollowUpSettings, Status


def policy_for(programme: Programme) -> schedule.Policy:
    row = FollowUpSettings.objects.for_programme(programme).first()
    return schedule.Policy(row.days_after, row.link_days) if row else schedule.Policy()


def consent_text(policy: schedule.Policy) -> str:
    """The words the advisor reads, stored with the consent: purpose, what is asked, how long the address stays."""
    return _(
        "L'appelant accepte de recevoir, %(days)s jours après la mise en relation, un court questionnaire "
        "(un prestataire est-il venu, satisfaction) à l'adresse qu'il donne. Cette adresse sert uniquement à cet "
        "envoi : elle est effacée dès la réponse, ou à l'expiration du lien (%(link_days)s jours après l'envoi). "
        "Il peut retirer son accord à tout moment en rappelant."
    ) % {"days": policy.days_after, "link_days": policy.link_days}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """An unguessable link token (256 bits) and the hash stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


@transaction.atomic
def record_consent(
    contact: Contact,
    *,
    actor: User,
    consent: bool,
    address: str,
    channel: str = "email",
    now: dt.datetime | None = None,
) -> FollowUp:
    """The caller agreed to a follow-up about the details just given: schedule it ``days_after`` days later."""
    now = now or timezone.now()
    locked: Contact = Contact.objects.select_for_update().select_related("programme").get(pk=contact.pk)
    programme = locked.programme
    require_capability(programme, FOLLOWUP)
    if locked.advisor_id != actor.pk and not has_role(actor, programme, SUPERVISING_ROLES):
        raise PermissionDenied()
    if locked.status != ContactStatus.OPEN:
        raise ContactClosed()
    given_at = locked.details_given.aggregate(at=Min("consent_given_at"))["at"]
    if given_at is None:
        raise NoDetailsGiven()
    if FollowUp.objects.filter(contact=locked).exists():
        raise FollowUpAlreadyRecorded()
    if not consent:
        raise FollowUpConsentRequired(field="consent")
    normalised = get_channel(channel).normalise(address)
    policy = policy_for(programme)
    followup = FollowUp.objects.create(
        programme=programme,
        contact=locked,
        channel=channel,
        address=normalised,
        consent_text=consent_text(policy),
        consent_at=now,
        consent_by=actor,
        details_given_at=given_at,
        due_at=schedule.due_at(given_at, policy, timezone.get_default_timezone()),
    )
    record_audit(
        action="followup.consented", actor=actor, programme=programme, obj=followup, contact=locked.pk, channel=channel
    )
    return followup


@transaction.atomic
def withdraw(followup: FollowUp, *, actor: User | None, now: dt.datetime | None = None) -> FollowUp:
    """The caller withdrew their consent: nothing more is sent, the address is erased, the link stops."""
    locked: FollowUp = FollowUp.objects.select_for_update().select_related("programme").get(pk=followup.pk)
    if locked.status in (Status.SCHEDULED, Status.SENT):
        locked.status, locked.address, locked.token_hash = Status.WITHDRAWN, "", None
        locked.save(update_fields=["status", "address", "token_hash"])
        record_audit(action="followup.withdrawn", actor=actor, programme=locked.programme, obj=locked)
    return locked


def open_by_token(token: str, *, now: dt.datetime | None = None) -> FollowUp:
    """The follow-up a link opens, if its questionnaire is still open; else :class:`LinkInvalid`,
    :class:`LinkExpired` or :class:`AlreadyAnswered`."""
    now = now or timezone.now()
    if not token or len(token) > 100:
        raise LinkInvalid()
    found = FollowUp.objects.filter(token_hash=token_hash(token)).select_related("programme").first()
    return _check_open(found, now)


def _check_open(found: FollowUp | None, now: dt.datetime) -> FollowUp:
    if found is None or found.status in (Status.SCHEDULED, Status.WITHDRAWN, Status.FAILED):
        raise LinkInvalid()
    if found.status == Status.ANSWERED:
        raise AlreadyAnswered()
    if found.status == Status.EXPIRED or (found.expires_at is not None and found.expires_at <= now):
        raise LinkExpired()
    return found


@transaction.atomic
def answer(
    token: str,
    *,
    came: str,
    provider_id: int | None = None,
    satisfaction: int | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> FollowUp:
    """Record the caller's answer (once: a second one is refused, the first kept) and erase their address."""
    now = now or timezone.now()
    found = (
        FollowUp.objects.select_for_update().filter(token_hash=token_hash(token)).select_related("programme").first()
        if token and len(token) <= 100
        else None
    )
    followup = _check_open(found, now)
    given = set(followup.providers.values_list("id", flat=True))
    checked: Answer = check_answer(came, provider_id, satisfaction, comment, given)
    followup.came, followup.came_provider_id = checked.came.value, checked.provider_id
    followup.satisfaction, followup.comment = checked.satisfaction, checked.comment
    followup.answered_at, followup.status, followup.address = now, Status.ANSWERED, ""
    followup.save(
        update_fields=["came", "came_provider", "satisfaction", "comment", "answered_at", "status", "address"]
    )
    # No free text in the audit log: it is read by more people than the supervisor.
    record_audit(
        action="followup.answered",
        actor=None,
        programme=followup.programme,
        obj=followup,
        came=checked.came.value,
        provider=checked.provider_id,
        satisfaction=checked.satisfaction,
    )
    publish_on_commit(
        FollowUpAnswered(
            programme_id=followup.programme_id,
            followup_id=followup.pk,
            came=checked.came.value,
            provider_id=checked.provider_id,
            satisfaction=checked.satisfaction,
        )
    )
    return followup
