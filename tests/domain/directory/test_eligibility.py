"""Eligibility of a provider for activity A on date D at commune C: tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from plateau.domain.directory.activities import Regime
from plateau.domain.directory.eligibility import (
    Area,
    Mode,
    Place,
    ProviderFacts,
    Reason,
    Status,
    StatusKind,
    check,
)

D = dt.date(2026, 6, 15)
DECL = Status(StatusKind.DECLARATION)
AGR_MANDATAIRE = Status(StatusKind.AGREMENT, Mode.MANDATAIRE, dt.date(2022, 1, 1), dt.date(2026, 12, 31))
AGR_PRESTATAIRE = Status(StatusKind.AGREMENT, Mode.PRESTATAIRE, dt.date(2022, 1, 1), dt.date(2026, 12, 31))
AGR_EXPIRED = Status(StatusKind.AGREMENT, Mode.MANDATAIRE, dt.date(2020, 1, 1), dt.date(2026, 6, 14))
AGR_FUTURE = Status(StatusKind.AGREMENT, Mode.MANDATAIRE, dt.date(2026, 6, 16), None)
AUT_23 = Status(StatusKind.AUTORISATION, Mode.PRESTATAIRE, dt.date(2020, 1, 1), None, "23")
AUT_87 = Status(StatusKind.AUTORISATION, Mode.PRESTATAIRE, dt.date(2020, 1, 1), None, "87")
AUT_23_MANDATAIRE = Status(StatusKind.AUTORISATION, Mode.MANDATAIRE, None, None, "23")
# Guéret (23096), 3 km from the provider's base.
GUERET = Place("23096", "23", 3.0)
BASE = ProviderFacts(is_active=True, base_insee_code="23079", statuses=(DECL,), area=Area(radius_km=20))


@pytest.mark.parametrize(
    ("regime", "statuses", "eligible"),
    [
        (Regime.DECLARATION, (DECL,), True),
        (Regime.DECLARATION, (AGR_MANDATAIRE,), True),
        (Regime.DECLARATION, (), False),
        (Regime.AGREMENT, (DECL,), False),
        (Regime.AGREMENT, (AGR_PRESTATAIRE,), True),
        (Regime.AGREMENT, (AGR_MANDATAIRE,), True),
        (Regime.AGREMENT, (AGR_EXPIRED,), False),
        (Regime.AGREMENT, (AGR_FUTURE,), False),
        (Regime.AGREMENT, (AGR_EXPIRED, AGR_PRESTATAIRE), True),
        (Regime.AGREMENT_OR_AUTORISATION, (AGR_MANDATAIRE,), True),
        (Regime.AGREMENT_OR_AUTORISATION, (AGR_PRESTATAIRE,), False),  # prestataire needs the CD autorisation
        (Regime.AGREMENT_OR_AUTORISATION, (AUT_23,), True),
        (Regime.AGREMENT_OR_AUTORISATION, (AUT_87,), False),  # authorised by another département
        (Regime.AGREMENT_OR_AUTORISATION, (AUT_23_MANDATAIRE,), False),
        (Regime.AGREMENT_OR_AUTORISATION, (DECL,), False),
    ],
)
def test_status_table(regime: Regime, statuses: tuple[Status, ...], eligible: bool) -> None:
    verdict = check(replace(BASE, statuses=statuses), regime, GUERET, D)
    assert verdict.eligible is eligible
    assert (Reason.NO_VALID_STATUS in verdict.reasons) is not eligible


def test_validity_bounds_are_inclusive() -> None:
    status = Status(StatusKind.AGREMENT, Mode.MANDATAIRE, D, D)
    assert check(replace(BASE, statuses=(status,)), Regime.AGREMENT, GUERET, D).eligible


@pytest.mark.parametrize(
    ("area", "place", "covered"),
    [
        (Area(radius_km=20), Place("23096", "23", 20.0), True),
        (Area(radius_km=20), Place("23096", "23", 20.1), False),
        (Area(commune_codes=frozenset({"23096"})), Place("23096", "23", 40.0), True),
        (Area(commune_codes=frozenset({"23096"})), Place("23001", "23", 1.0), False),
        (Area(department_codes=frozenset({"23"})), Place("23001", "23", 60.0), True),
        (Area(department_codes=frozenset({"87"})), Place("23001", "23", 1.0), False),
        (Area(radius_km=5, department_codes=frozenset({"87"})), Place("23001", "23", 4.0), True),
        # No area at all: the base commune only.
        (Area(), Place("23079", "23", 0.0), True),
        (Area(), Place("23096", "23", 2.0), False),
    ],
)
def test_service_area_table(area: Area, place: Place, covered: bool) -> None:
    verdict = check(replace(BASE, area=area), Regime.DECLARATION, place, D)
    assert verdict.eligible is covered
    assert (Reason.OUTSIDE_AREA in verdict.reasons) is not covered


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"is_active": False}, Reason.INACTIVE),
        ({"absences": ((dt.date(2026, 6, 1), dt.date(2026, 6, 15)),)}, Reason.ABSENT),
        ({"absences": ((dt.date(2026, 6, 15), dt.date(2026, 6, 15)),)}, Reason.ABSENT),
        ({"accepting_new_clients": False}, Reason.NO_CAPACITY),
        ({"capacity_per_week": 0}, Reason.NO_CAPACITY),
    ],
)
def test_availability_table(changes: dict[str, object], reason: Reason) -> None:
    verdict = check(replace(BASE, **changes), Regime.DECLARATION, GUERET, D)  # type: ignore[arg-type]
    assert verdict.reasons == (reason,)


@pytest.mark.parametrize(
    "changes",
    [
        {"absences": ((dt.date(2026, 6, 1), dt.date(2026, 6, 14)),)},
        {"absences": ((dt.date(2026, 6, 16), dt.date(2026, 7, 1)),)},
        {"capacity_per_week": 3},
        {"capacity_per_week": None},
    ],
)
def test_given_available_provider_then_eligible(changes: dict[str, object]) -> None:
    assert check(replace(BASE, **changes), Regime.DECLARATION, GUERET, D).eligible  # type: ignore[arg-type]


def test_every_failing_reason_is_reported() -> None:
    facts = replace(BASE, is_active=False, statuses=(), area=Area(radius_km=1), accepting_new_clients=False)
    assert set(check(facts, Regime.DECLARATION, GUERET, D).reasons) == {
        Reason.INACTIVE,
        Reason.NO_VALID_STATUS,
        Reason.OUTSIDE_AREA,
        Reason.NO_CAPACITY,
    }
