"""Tenant-checked reads of leads: provider users see only their own provider's leads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from plateau.contacts.models import Contact
from plateau.directory.models import Provider
from plateau.tenants.access import has_role
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, Programme, Role, User, programme_ids_for

from .errors import LeadNotFound
from .models import Lead, LeadDeadline


def own_providers(user: User | AnonymousUser, programme: Programme) -> QuerySet[Provider]:
    if not user.is_authenticated or not has_role(user, programme, [Role.PROVIDER_USER]):
        return Provider.objects.none()
    return Provider.objects.for_programme(programme).filter(users__user_id=user.pk)


def leads_for_provider_user(user: User | AnonymousUser, programme: Programme) -> QuerySet[Lead]:
    """The leads currently assigned to the user's own provider(s) (never another provider's)."""
    return (
        Lead.objects.for_programme(programme)
        .filter(provider__in=own_providers(user, programme))
        .select_related("activity", "commune", "provider")
        .order_by("-sent_at")
    )


def leads_for_staff(user: User | AnonymousUser, programme: Programme) -> QuerySet[Lead]:
    if not has_role(user, programme, STAFF_ROLES):
        return Lead.objects.none()
    return Lead.objects.for_programme(programme).select_related("activity", "commune", "provider")


def leads_for_staff_api(user: User | AnonymousUser, programme: Programme) -> QuerySet[Lead]:
    """What the API lists to staff: every lead to supervisors and programme managers, to an advisor only the
    leads they forwarded or that came from a contact they handled (client phones are not for every advisor)."""
    if has_role(user, programme, SUPERVISING_ROLES):
        return leads_for_staff(user, programme)
    if not has_role(user, programme, [Role.ADVISOR]):
        return Lead.objects.none()
    return leads_for_staff(user, programme).filter(Q(consent_by_id=user.pk) | Q(contact__advisor_id=user.pk))


def may_read_health_details(user: User | AnonymousUser, programme: Programme, leads: list[Lead]) -> set[int]:
    """Ids of the ``leads`` whose health details ``user`` must read: only the provider each lead is currently
    sent to (it delivers the service). Staff forward and follow leads without reading them again."""
    mine = set(own_providers(user, programme).values_list("pk", flat=True))
    return {lead.pk for lead in leads if lead.provider_id is not None and lead.provider_id in mine}


def access_lead(user: User | AnonymousUser, programme: Programme, lead_id: int) -> Lead:
    """A lead the user may read (staff of the programme, or a user of the provider it was sent to) or
    :class:`LeadNotFound` (another programme's, or another provider's: its existence is not revealed)."""
    lead: Lead | None = (
        Lead.objects.filter(pk=lead_id, programme_id__in=programme_ids_for(user))
        .filter(programme=programme)
        .select_related("programme", "activity", "commune", "provider")
        .first()
    )
    if lead is None:
        raise LeadNotFound()
    if has_role(user, programme, STAFF_ROLES):
        return lead
    if lead.provider_id is not None and own_providers(user, programme).filter(pk=lead.provider_id).exists():
        return lead
    raise LeadNotFound()


@dataclass(frozen=True)
class LeadFollowUp:
    """What an advisor sees of a lead on the contact page: where it stands and by when."""

    lead: Lead
    call_back_due: dt.datetime | None  # the current provider's deadline, while a call-back is owed
    overdue: bool


def follow_ups_for_contact(
    user: User | AnonymousUser, contact: Contact, *, now: dt.datetime | None = None
) -> list[LeadFollowUp]:
    """Leads forwarded from this contact and, for a known caller, from their earlier contacts (same number):
    a caller who calls again asks whether the provider called back. Staff of the programme only."""
    from django.utils import timezone

    programme = contact.programme
    if not has_role(user, programme, STAFF_ROLES):
        return []
    match = Q(contact=contact)
    if contact.caller is not None and contact.caller.phone_e164:
        match |= Q(client_phone=contact.caller.phone_e164)
    leads = list(
        Lead.objects.for_programme(programme)
        .filter(match)
        .select_related("provider", "activity", "commune")
        .order_by("-created_at")[:20]
    )
    due = {
        (d.lead_id, d.attempt): d.due_at
        for d in LeadDeadline.objects.filter(lead__in=leads, kind="breach", done_at__isnull=True)
    }
    now = now or timezone.now()
    out = []
    for lead in leads:
        deadline = due.get((lead.pk, lead.attempt)) if lead.state in ("sent", "acknowledged") else None
        out.append(LeadFollowUp(lead, deadline, deadline is not None and deadline < now))
    return out
