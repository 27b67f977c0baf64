"""Is a provider eligible for activity A on date D at commune C? A pure rule, tested with tables.

A provider is eligible when *all* hold:

1. it is active;
2. it holds, for A, a status valid on D that the regime of A accepts (:func:`status_accepted`):
   ``declaration`` → any status (declaration, agrément or autorisation) for A;
   ``agrement`` → an agrément (any mode);
   ``agrement_or_autorisation`` → an agrément in *mandataire* mode, or an autorisation of the conseil
   départemental in *prestataire* mode issued by C's département;
3. its service area covers C: C is in its commune list, or in one of its départements, or within its radius
   around its base commune (no area at all means: only its base commune);
4. it is not absent on D (absence periods are inclusive);
5. it has capacity: it accepts new clients and its weekly capacity, when stated, is not zero.

:func:`check` returns every reason that fails, so a screen can explain why a provider was not proposed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from .activities import Regime


class StatusKind(StrEnum):
    DECLARATION = "declaration"
    AGREMENT = "agrement"
    AUTORISATION = "autorisation"


class Mode(StrEnum):
    PRESTATAIRE = "prestataire"
    MANDATAIRE = "mandataire"


class Reason(StrEnum):
    INACTIVE = "inactive"
    NO_VALID_STATUS = "no_valid_status"
    OUTSIDE_AREA = "outside_area"
    ABSENT = "absent"
    NO_CAPACITY = "no_capacity"


@dataclass(frozen=True, slots=True)
class Status:
    """A provider's status for one activity: what it holds, in which mode, over which dates, where."""

    kind: StatusKind
    mode: Mode = Mode.PRESTATAIRE
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    department_code: str = ""  # issuing département of an autorisation

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True, slots=True)
class Area:
    """Where a provider works: communes (INSEE codes), départements, a radius around its base (km)."""

    commune_codes: frozenset[str] = frozenset()
    department_codes: frozenset[str] = frozenset()
    radius_km: float | None = None

    @property
    def is_empty(self) -> bool:
        return not self.commune_codes and not self.department_codes and self.radius_km is None


@dataclass(frozen=True, slots=True)
class Place:
    """The caller's commune as the rule sees it, with its distance from the provider's base."""

    insee_code: str
    department_code: str
    distance_from_base_km: float


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    is_active: bool
    base_insee_code: str
    statuses: tuple[Status, ...]
    area: Area = Area()
    absences: tuple[tuple[dt.date, dt.date], ...] = ()
    accepting_new_clients: bool = True
    capacity_per_week: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def status_accepted(regime: Regime, status: Status, place_department: str) -> bool:
    """Whether ``status`` lets its holder operate an activity of ``regime`` in ``place_department``."""
    if regime is Regime.DECLARATION:
        return True
    if regime is Regime.AGREMENT:
        return status.kind is StatusKind.AGREMENT
    if status.kind is StatusKind.AGREMENT:
        return status.mode is Mode.MANDATAIRE
    return (
        status.kind is StatusKind.AUTORISATION
        and status.mode is Mode.PRESTATAIRE
        and status.department_code == place_department
    )


def covers(provider: ProviderFacts, place: Place) -> bool:
    """Whether the provider's service area covers ``place``."""
    area = provider.area
    if area.is_empty:
        return place.insee_code == provider.base_insee_code
    return (
        place.insee_code in area.commune_codes
        or place.department_code in area.department_codes
        or (area.radius_km is not None and place.distance_from_base_km <= area.radius_km)
    )


def check(provider: ProviderFacts, regime: Regime, place: Place, on_date: dt.date) -> Verdict:
    """Every reason why ``provider`` may not be proposed for an activity of ``regime`` (empty: eligible).

    ``provider.statuses`` are its statuses *for that activity*.
    """
    reasons: list[Reason] = []
    if not provider.is_active:
        reasons.append(Reason.INACTIVE)
    if not any(s.valid_on(on_date) and status_accepted(regime, s, place.department_code) for s in provider.statuses):
        reasons.append(Reason.NO_VALID_STATUS)
    if not covers(provider, place):
        reasons.append(Reason.OUTSIDE_AREA)
    if any(start <= on_date <= end for start, end in provider.absences):
        reasons.append(Reason.ABSENT)
    if not provider.accepting_new_clients or provider.capacity_per_week == 0:
        reasons.append(Reason.NO_CAPACITY)
    return Verdict(tuple(reasons))
