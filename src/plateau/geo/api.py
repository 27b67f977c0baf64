"""JSON API of the geo app: commune resolution and radius search (thin: the work is in access.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from plateau.apitypes import InseeCode, Text200

from .access import commune_by_insee, communes_within, resolve_commune
from .models import Commune

router = Router(tags=["geo"])


class CommuneOut(Schema):
    insee_code: str
    name: str
    name_with_article: str
    label: str
    commune_type: str
    department_code: str
    region_code: str
    postal_codes: list[str]
    latitude: float | None
    longitude: float | None
    population: int | None

    @staticmethod
    def resolve_postal_codes(obj: Commune) -> list[str]:
        return sorted({p.code for p in obj.postal_codes.all()})


class ResolutionOut(Schema):
    query: str
    match: str
    unique: CommuneOut | None
    candidates: list[CommuneOut]
    error: str | None


class NearbyCommuneOut(Schema):
    commune: CommuneOut
    distance_km: float


class NearbyOut(Schema):
    centre: CommuneOut
    radius_km: float
    count: int
    results: list[NearbyCommuneOut]


class ResolveParams(Schema):
    q: Text200 = Field(..., description="code postal, code INSEE, nom, « nom (département) »")
    limit: int = Field(10, ge=1, le=50)


class NearbyParams(Schema):
    radius_km: float = Field(15.0, gt=0, le=200)
    limit: int = Field(200, ge=1, le=2000)


@router.get("/communes", response=ResolutionOut)
def resolve(request: HttpRequest, params: Query[ResolveParams]) -> dict[str, Any]:
    r = resolve_commune(params.q, limit=params.limit)
    return {"query": r.query, "match": r.match, "unique": r.unique, "candidates": r.candidates, "error": r.error}


@router.get("/communes/{insee}/nearby", response=NearbyOut)
def nearby(request: HttpRequest, insee: InseeCode, params: Query[NearbyParams]) -> dict[str, Any]:
    centre = commune_by_insee(insee)
    found = communes_within(centre, params.radius_km)
    shown = found[: params.limit]
    rows = Commune.objects.prefetch_related("postal_codes").in_bulk([pk for pk, _km in shown])
    return {
        "centre": Commune.objects.prefetch_related("postal_codes").get(pk=centre.pk),
        "radius_km": params.radius_km,
        "count": len(found),
        "results": [{"commune": rows[pk], "distance_km": round(km, 3)} for pk, km in shown],
    }
