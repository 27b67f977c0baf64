"""Tenant-checked reads of the directory: providers are reached only through these helpers."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from plateau.errors import NotFound
from plateau.tenants.access import has_role
from plateau.tenants.models import STAFF_ROLES, Programme, Role, User

from .errors import UnknownActivity
from .models import Activity, Provider


def providers_for(user: User | AnonymousUser, programme: Programme) -> QuerySet[Provider]:
    """Providers of ``programme`` that ``user`` may read: all of them for its staff (advisors, supervisors,
    programme managers), only their own for provider users, none otherwise."""
    qs = Provider.objects.for_programme(programme)
    if has_role(user, programme, STAFF_ROLES):
        return qs
    if has_role(user, programme, [Role.PROVIDER_USER]):
        return qs.filter(users__user_id=user.pk)
    return qs.none()


def access_provider(user: User | AnonymousUser, programme: Programme, provider_id: int) -> Provider:
    """The provider ``provider_id`` of ``programme`` if ``user`` may read it; otherwise :class:`NotFound`
    (also for another programme's provider: we never reveal that it exists)."""
    provider = providers_for(user, programme).select_related("base_commune").filter(pk=provider_id).first()
    if provider is None:
        raise NotFound(provider_id=provider_id)
    return provider


def activity_by_code(code: str) -> Activity:
    activity = Activity.objects.filter(code=code.strip().upper()).first()
    if activity is None:
        raise UnknownActivity(code=code)
    return activity
