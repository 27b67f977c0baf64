"""Tenant-checked reads of leads: provider users see only their own provider's leads."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from plateau.directory.models import Provider
from plateau.tenants.access import has_role
from plateau.tenants.models import STAFF_ROLES, Programme, Role, User, programme_ids_for

from .errors import LeadNotFound
from .models import Lead


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
