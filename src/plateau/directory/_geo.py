"""Temporary: communes within a radius, until plateau.geo.services.communes_within lands (then removed)."""

from __future__ import annotations

import math

from plateau.geo.models import Commune

_EARTH_RADIUS_KM = 6371.0088


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def communes_within(commune: Commune, radius_km: float) -> list[tuple[int, float]]:
    if commune.latitude is None or commune.longitude is None:
        return [(commune.pk, 0.0)]
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(commune.latitude)), 0.01))
    rows = Commune.objects.filter(
        latitude__range=(commune.latitude - dlat, commune.latitude + dlat),
        longitude__range=(commune.longitude - dlon, commune.longitude + dlon),
    ).values_list("pk", "latitude", "longitude")
    out = []
    for pk, lat, lon in rows:
        if lat is None or lon is None:
            continue
        d = _haversine_km(commune.latitude, commune.longitude, lat, lon)
        if d <= radius_km:
            out.append((pk, d))
    out.sort(key=lambda r: r[1])
    return out
