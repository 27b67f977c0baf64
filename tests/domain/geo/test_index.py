from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plateau.domain.geo import InvalidCoordinates, InvalidRadius, RadiusIndex, haversine_km

lat_st = st.floats(min_value=-90, max_value=90, allow_nan=False)
lon_st = st.floats(min_value=-180, max_value=180, allow_nan=False)
point_st = st.tuples(lat_st, lon_st)
# Points clustered like communes (a small area) and scattered over the globe (poles, antimeridian).
france_st = st.tuples(st.floats(41.0, 51.5), st.floats(-5.5, 9.8))


def _brute(points: list[tuple[float, float]], lat: float, lon: float, radius: float) -> dict[int, float]:
    return {i: d for i, (plat, plon) in enumerate(points) if (d := haversine_km(lat, lon, plat, plon)) <= radius}


def _check(points: list[tuple[float, float]], centre: tuple[float, float], radius: float) -> None:
    index = RadiusIndex((i, lat, lon) for i, (lat, lon) in enumerate(points))
    got = index.within(*centre, radius)
    expected = _brute(points, *centre, radius)
    got_keys = {k for k, _ in got}
    # Points exactly on the circle may fall either side by a rounding error; everything else must agree.
    for key, km in got:
        assert km == pytest.approx(haversine_km(*centre, *points[key]), abs=1e-6)
        assert km <= radius
    for key, km in expected.items():
        if km < radius - 1e-6:
            assert key in got_keys
    assert [km for _, km in got] == sorted(km for _, km in got)
    assert len(got_keys) == len(got)


@settings(max_examples=200, deadline=None)
@given(st.lists(point_st, max_size=60), point_st, st.floats(min_value=0, max_value=25000))
def test_index_agrees_with_brute_force_anywhere_on_earth(
    points: list[tuple[float, float]], centre: tuple[float, float], radius: float
) -> None:
    _check(points, centre, radius)


@settings(max_examples=200, deadline=None)
@given(st.lists(france_st, min_size=1, max_size=300), france_st, st.floats(min_value=0, max_value=60))
def test_index_agrees_with_brute_force_at_commune_scale(
    points: list[tuple[float, float]], centre: tuple[float, float], radius: float
) -> None:
    _check(points, centre, radius)


def test_given_points_when_searching_then_nearest_first_with_centre_at_zero() -> None:
    index = RadiusIndex([("gueret", 46.1717, 1.8710), ("limoges", 45.8336, 1.2611), ("lyon", 45.764, 4.8357)])
    assert [k for k, _ in index.within(46.1717, 1.8710, 100)] == ["gueret", "limoges"]
    assert index.within(46.1717, 1.8710, 100)[0] == ("gueret", 0.0)
    assert index.within(46.1717, 1.8710, 0) == [("gueret", 0.0)]
    assert len(index) == 3


def test_empty_index_finds_nothing() -> None:
    assert RadiusIndex([]).within(45.0, 2.0, 100) == []


@pytest.mark.parametrize("radius", [-1.0, float("nan"), float("inf")])
def test_invalid_radius_is_refused_in_french(radius: float) -> None:
    with pytest.raises(InvalidRadius, match="Rayon invalide"):
        RadiusIndex([(1, 45.0, 2.0)]).within(45.0, 2.0, radius)


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 0.0), (0.0, 181.0), (float("nan"), 0.0)])
def test_invalid_coordinates_are_refused(lat: float, lon: float) -> None:
    with pytest.raises(InvalidCoordinates, match="Coordonnées invalides"):
        RadiusIndex([(1, lat, lon)])
    with pytest.raises(InvalidCoordinates):
        RadiusIndex([(1, 45.0, 2.0)]).within(lat, lon, 10)
