"""Tenant-checked reads of contacts.

Staff of a programme (advisors, supervisors, programme managers) read its contacts — advisors need the
caller's history; only the handling advisor and the programme's supervisors change a contact. Nothing is
ever visible across programmes, and another tenant's contact is reported as not found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from plateau.errors import NotFound, PermissionDenied
from plateau.tenants.access import has_role
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, Programme, User

from .models import Contact, WrapUpCategory, WrapUpCode


def contacts_visible_to(user: User | AnonymousUser) -> QuerySet[Contact]:
    return Contact.objects.visible_to(user, STAFF_ROLES)


def access_contact(user: User | AnonymousUser, contact_id: int, *, programme: Programme | None = None) -> Contact:
    """The contact if ``user`` is staff of its programme (and it belongs to ``programme`` when given)."""
    qs = contacts_visible_to(user).select_related("caller", "advisor", "activity", "commune", "wrap_up", "programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    contact = qs.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(contact_id=contact_id)
    return contact


def access_contact_for_change(
    user: User | AnonymousUser, contact_id: int, *, programme: Programme | None = None
) -> Contact:
    """The contact if ``user`` may change it: its advisor, or a supervisor / manager of its programme."""
    contact = access_contact(user, contact_id, programme=programme)
    if not can_change(user, contact):
        raise PermissionDenied()
    return contact


def can_change(user: User | AnonymousUser, contact: Contact) -> bool:
    if not user.is_authenticated:
        return False
    if contact.advisor_id == user.pk:
        return True
    return has_role(user, contact.programme, SUPERVISING_ROLES)


def previous_contacts(contact: Contact, limit: int = 10) -> QuerySet[Contact]:
    """Earlier contacts of the same caller in the same programme (never another programme's)."""
    if contact.caller_id is None:
        return Contact.objects.none()
    return (
        Contact.objects.for_programme(contact.programme)
        .filter(caller_id=contact.caller_id)
        .exclude(pk=contact.pk)
        .select_related("advisor", "activity", "wrap_up")
        .order_by("-started_at")[:limit]
    )


@dataclass(frozen=True)
class NuisanceHistory:
    count: int
    last_at: dt.datetime | None


def nuisance_history(contact: Contact) -> NuisanceHistory:
    """How often this caller's earlier contacts in the programme were closed as nuisance, and the last time:
    shown on their next contact so the advisor knows before answering (issue 10 item 5)."""
    if contact.caller_id is None:
        return NuisanceHistory(0, None)
    found = (
        Contact.objects.for_programme(contact.programme)
        .filter(caller_id=contact.caller_id, wrap_up__category=WrapUpCategory.NUISANCE)
        .exclude(pk=contact.pk)
        .aggregate(n=Count("id"), last=Max("started_at"))
    )
    return NuisanceHistory(found["n"], found["last"])


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def todays_contacts(programme: Programme, day: dt.date | None = None) -> QuerySet[Contact]:
    """Contacts of ``programme`` started on ``day`` (local time, default today). Callers check the role."""
    start, end = _day_bounds(day or timezone.localdate())
    return (
        Contact.objects.for_programme(programme)
        .filter(started_at__gte=start, started_at__lt=end)
        .select_related("caller", "advisor", "activity", "commune", "wrap_up")
        .order_by("-started_at")
    )


def wrap_up_counts(programme: Programme, day: dt.date | None = None) -> list[tuple[WrapUpCode | None, int]]:
    """(code, number of contacts) for the day, most frequent first; ``None`` counts the contacts still open."""
    rows = todays_contacts(programme, day).order_by().values("wrap_up_id").annotate(n=Count("id"))
    codes = WrapUpCode.objects.in_bulk([r["wrap_up_id"] for r in rows if r["wrap_up_id"] is not None])
    counts = [(codes.get(r["wrap_up_id"]) if r["wrap_up_id"] else None, r["n"]) for r in rows]
    return sorted(counts, key=lambda c: (-c[1], c[0].position if c[0] else 999))


@dataclass(frozen=True)
class WrapUpSummary:
    """A day's contacts per wrap-up code, split by the rule of the service indicators.

    ``service``: the codes counted in the service indicators, and ``None`` for the contacts still open;
    ``handled``: the contacts closed with such a code (the « contacts traités » of the service);
    ``excluded``: the codes ``excluded_from_kpis`` (nuisance, wrong number, silent, cut off), shown apart
    and never counted in ``handled``; ``excluded_total``: their sum.
    """

    service: list[tuple[WrapUpCode | None, int]]
    excluded: list[tuple[WrapUpCode, int]]

    @property
    def handled(self) -> int:
        return sum(n for code, n in self.service if code is not None)

    @property
    def excluded_total(self) -> int:
        return sum(n for _, n in self.excluded)


def wrap_up_summary(programme: Programme, day: dt.date | None = None) -> WrapUpSummary:
    """:func:`wrap_up_counts` split into the service's codes and those excluded from its indicators."""
    counts = wrap_up_counts(programme, day)
    return WrapUpSummary(
        service=[(code, n) for code, n in counts if code is None or not code.excluded_from_kpis],
        excluded=[(code, n) for code, n in counts if code is not None and code.excluded_from_kpis],
    )


def access_supervised_programme(user: User | AnonymousUser, programme: Programme, roles: Iterable[str] = ()) -> None:
    """Raise :class:`NotFound` unless ``user`` supervises or manages ``programme``."""
    if not has_role(user, programme, roles or SUPERVISING_ROLES):
        raise NotFound()
