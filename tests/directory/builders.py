"""Builders of real directory rows for tests: real communes (coordinates from the official COG file),
providers with statuses and areas."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from plateau.directory.demo import fictional_siret
from plateau.directory.models import Activity, AreaKind, Provider, ProviderActivity, QualityAudit, ServiceArea
from plateau.geo.catalogue import mark_geodata_changed
from plateau.geo.models import Commune, CommuneType
from plateau.tenants.models import Programme

# insee: (name, department, latitude, longitude, population) — values of the official file (2021).
REAL_COMMUNES: dict[str, tuple[str, str, float, float, int]] = {
    "23096": ("Guéret", "23", 46.15847, 1.87047, 12840),
    "23193": ("Sainte-Feyre", "23", 46.15939, 1.91, 2497),
    "23208": ("Saint-Léger-le-Guérétois", "23", 46.15052, 1.81435, 404),
    "23245": ("Saint-Sulpice-le-Guérétois", "23", 46.19685, 1.82923, 1911),
    "23195": ("Saint-Fiel", "23", 46.21087, 1.8929, 1061),
    "23001": ("Ahun", "23", 46.09171, 2.02401, 1433),
    "23176": ("La Souterraine", "23", 46.23077, 1.47435, 4933),
    "23079": ("Felletin", "23", 45.89425, 2.187, 1536),
    "87085": ("Limoges", "87", 45.85668, 1.22604, 129760),
    "92051": ("Neuilly-sur-Seine", "92", 48.88624, 2.26512, 59267),
    "93049": ("Neuilly-Plaisance", "93", 48.86407, 2.50965, 21415),
}
_seq = itertools.count(1)


def commune(insee: str) -> Commune:
    name, dept, lat, lon, pop = REAL_COMMUNES[insee]
    c, created = Commune.objects.get_or_create(
        insee_code=insee,
        commune_type=CommuneType.COM,
        defaults={
            "name": name,
            "name_with_article": name,
            "search_name": name.lower(),
            "department_code": dept,
            "region_code": "75" if dept in ("23", "87") else "11",
            "latitude": lat,
            "longitude": lon,
            "population": pop,
        },
    )
    if created:
        mark_geodata_changed()  # the geo radius index is cached per process, keyed by this token
    return c


def all_communes() -> list[Commune]:
    return [commune(code) for code in REAL_COMMUNES]


def activity(code: str) -> Activity:
    return Activity.objects.get(code=code)


def provider(
    programme: Programme,
    base: Commune,
    *,
    activities: tuple[str, ...] = ("SAP06",),
    status: str = "declaration",
    mode: str = "prestataire",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    department_code: str = "",
    radius_km: float | None = 30.0,
    quality: int | None = None,
    **fields: Any,
) -> Provider:
    n = next(_seq)
    p = Provider.objects.create(
        programme=programme,
        siret=fictional_siret(n),
        legal_name=fields.pop("legal_name", f"Services {n} SARL"),
        base_commune=base,
        **fields,
    )
    for code in activities:
        ProviderActivity.objects.create(
            provider=p,
            activity=activity(code),
            status=status,
            mode=mode,
            valid_from=valid_from,
            valid_until=valid_until,
            department_code=department_code,
        )
    if radius_km is not None:
        ServiceArea.objects.create(provider=p, kind=AreaKind.RADIUS, radius_km=radius_km)
    if quality is not None:
        QualityAudit.objects.create(provider=p, date=dt.date(2026, 1, 15), grid="Qualisap", score=quality)
    return p
