from __future__ import annotations

import math

import pytest

from plateau.domain.geo import EARTH_RADIUS_KM, haversine_km

# (from, to, expected km, tolerance km): reference great-circle distances between town halls.
CASES = [
    ((48.8566, 2.3522), (45.7640, 4.8357), 391.5, 1.0),  # Paris - Lyon
    ((48.8566, 2.3522), (43.2965, 5.3698), 660.5, 1.5),  # Paris - Marseille
    ((46.1717, 1.8710), (45.8336, 1.2611), 59.5, 1.0),  # Guéret - Limoges
    ((48.8846, 2.2697), (48.8622, 2.5159), 18.2, 0.5),  # Neuilly-sur-Seine - Neuilly-Plaisance
    ((0.0, 0.0), (0.0, 1.0), 111.2, 0.1),  # one degree on the equator
    ((10.0, 20.0), (10.0, 20.0), 0.0, 1e-9),
    ((0.0, 179.5), (0.0, -179.5), 111.2, 0.1),  # across the antimeridian
    ((89.9, 0.0), (89.9, 180.0), 22.2, 0.1),  # across the pole
]


@pytest.mark.parametrize(("a", "b", "expected", "tolerance"), CASES)
def test_haversine_matches_reference_distances(
    a: tuple[float, float], b: tuple[float, float], expected: float, tolerance: float
) -> None:
    assert haversine_km(*a, *b) == pytest.approx(expected, abs=tolerance)
    assert haversine_km(*b, *a) == pytest.approx(haversine_km(*a, *b), abs=1e-9)


def test_antipodes_are_half_a_great_circle_apart() -> None:
    assert haversine_km(45.0, 10.0, -45.0, -170.0) == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-9)
