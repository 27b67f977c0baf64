"""Geography maths (pure): distances, radius index, commune-name normalisation."""

from plateau.domain.geo.distance import EARTH_RADIUS_KM, haversine_km
from plateau.domain.geo.index import InvalidCoordinates, InvalidRadius, RadiusIndex, check_coordinates
from plateau.domain.geo.names import normalise_commune_name, strip_accents

__all__ = [
    "EARTH_RADIUS_KM",
    "InvalidCoordinates",
    "InvalidRadius",
    "RadiusIndex",
    "check_coordinates",
    "haversine_km",
    "normalise_commune_name",
    "strip_accents",
]
