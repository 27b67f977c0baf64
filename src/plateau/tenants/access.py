"""Tenant-checked reads. Views and the API reach programmes only through these helpers."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from plateau.errors import NotFound

from .models import Membership, Programme, User, programme_ids_for


def programmes_for(user: User | AnonymousUser, roles: Iterable[str] | None = None) -> QuerySet[Programme]:
    return Programme.objects.filter(pk__in=programme_ids_for(user, roles), is_active=True)


def access_programme_by_slug(user: User | AnonymousUser, slug: str, roles: Iterable[str] | None = None) -> Programme:
    """The programme ``slug`` if ``user`` holds one of ``roles`` in it; otherwise :class:`NotFound`.

    Not-found rather than forbidden, so that the existence of other tenants' programmes does not leak.
    """
    programme = programmes_for(user, roles).filter(slug=slug).first()
    if programme is None:
        raise NotFound(slug=slug)
    return programme


def has_role(user: User | AnonymousUser, programme: Programme, roles: Iterable[str]) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user_id=user.pk, programme=programme, role__in=list(roles)).exists()
