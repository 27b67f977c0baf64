"""Reads of the orientation capability: the desk's suggestions (with open/closed now), the orientations of a
contact and of its caller, and the transfer rate KPI. Contacts reach here through ``contacts.access``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from plateau.calls.models import CallDetailRecord
from plateau.contacts.access import todays_contacts
from plateau.contacts.models import Channel, Contact, ContactStatus, WrapUpCategory
from plateau.domain.ivr.holidays import is_holiday as _calendar_holiday
from plateau.domain.orientation import Candidate, OpeningState, Scope, opening_state, parse_weekly, suggest
from plateau.routing.services import routing_id_of
from plateau.tenants.models import Programme

from .models import Destination, Orientation, OrientationMode, Theme


def is_holiday(day: dt.date) -> bool:
    """French public holidays (Code du travail L3133-1): the destinations' calendar."""
    return _calendar_holiday(day, "france")


def themes_of(programme: Programme) -> list[Theme]:
    return list(Theme.objects.for_programme(programme).order_by("position", "label"))


def destinations_of(programme: Programme) -> list[Destination]:
    return list(Destination.objects.for_programme(programme).prefetch_related("themes").order_by("name"))


def state_of(destination: Destination, now: dt.datetime | None = None) -> OpeningState:
    return opening_state(parse_weekly(destination.opening_hours), now or timezone.now(), is_holiday=is_holiday,
                         always_open=destination.always_open)  # fmt: skip


def live_call_id(contact: Contact) -> str | None:
    """The routing id (SIP Call-ID) of the contact's call while it is still going on, else None."""
    if not contact.is_open or contact.channel != Channel.CALL:
        return None
    routing_id = routing_id_of(contact)
    if routing_id is None:
        return None
    ended = CallDetailRecord.objects.for_programme(contact.programme).filter(call_id=routing_id, ended_at__isnull=False)
    return None if ended.exists() else routing_id


@dataclass(frozen=True)
class SuggestedDestination:
    destination: Destination
    scope: Scope
    state: OpeningState
    can_transfer: bool

    @property
    def scope_label(self) -> str:
        from django.utils.translation import gettext as _

        return {
            Scope.COMMUNE: _("compétente pour la commune"),
            Scope.DEPARTMENT: _("compétente pour le département"),
            Scope.NATIONAL: _("compétence nationale"),
            Scope.LOCAL_UNCHECKED: _("compétence locale : vérifiez la commune de l'appelant"),
        }[self.scope]


def suggestions(
    programme: Programme, theme: str, commune_insee: str | None, *, live_call: bool, now: dt.datetime | None = None
) -> list[SuggestedDestination]:
    """The programme's active destinations for ``theme`` and the caller's commune, most specific first."""
    now = now or timezone.now()
    candidates = [
        Candidate(d, d.name, frozenset(t.code for t in d.themes.all()), frozenset(d.communes), frozenset(d.departments))
        for d in Destination.objects.for_programme(programme).filter(is_active=True).prefetch_related("themes")
    ]
    rows = []
    for s in suggest(candidates, theme, commune_insee):
        state = state_of(s.item, now)
        rows.append(SuggestedDestination(s.item, s.scope, state, live_call and state.is_open and bool(s.item.sip_uri)))
    return rows


def orientations_of(contact: Contact) -> list[Orientation]:
    return list(
        Orientation.objects.for_programme(contact.programme)
        .filter(contact=contact)
        .select_related("destination", "theme", "by")
        .order_by("at", "pk")
    )


def caller_orientations(contact: Contact, limit: int = 10) -> list[Orientation]:
    """The orientations of the caller's earlier contacts (history shown on the contact page)."""
    if contact.caller_id is None:
        return []
    return list(
        Orientation.objects.for_programme(contact.programme)
        .filter(contact__caller_id=contact.caller_id)
        .exclude(contact=contact)
        .select_related("destination", "theme", "by", "contact")
        .order_by("-at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class TransferRate:
    """Share of the day's handled contacts (closed, codes counted in service KPIs) sent to level 2: an
    orientation recorded on the contact, or a wrap-up code of category transferred / oriented."""

    handled: int
    oriented: int
    transferred_calls: int
    numbers_given: int

    @property
    def rate(self) -> float | None:
        return None if self.handled == 0 else 100.0 * self.oriented / self.handled


def transfer_rate(programme: Programme, day: dt.date | None = None) -> TransferRate:
    handled = todays_contacts(programme, day).filter(status=ContactStatus.CLOSED, wrap_up__excluded_from_kpis=False)
    with_orientation = Orientation.objects.for_programme(programme).filter(contact__in=handled.values("pk"))
    level2 = handled.filter(
        Q(pk__in=with_orientation.values("contact_id"))
        | Q(wrap_up__category__in=[WrapUpCategory.ORIENTED, WrapUpCategory.TRANSFERRED])
    )
    modes: dict[str, Any] = {
        mode: with_orientation.filter(mode=mode).values("contact_id").distinct().count()
        for mode in OrientationMode.values
    }
    return TransferRate(
        handled.count(), level2.count(), modes[OrientationMode.TRANSFER], modes[OrientationMode.NUMBER_GIVEN]
    )
