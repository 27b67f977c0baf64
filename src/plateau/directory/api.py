"""JSON API of the directory (thin: reads go through access.py, writes through services.py)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from plateau.apitypes import Id, InseeCode, Offset, Slug, Text64, Text120
from plateau.geo.services import commune_by_insee
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import STAFF_ROLES

from .access import access_provider, activity_by_code, providers_for
from .models import Activity, Provider
from .services import search_providers

router = Router(tags=["directory"])


class ActivityOut(Schema):
    code: str
    label_fr: str
    label_en: str
    regime: str
    family: str


class ProviderOut(Schema):
    id: int
    siret: str
    sap_number: str
    legal_name: str
    trade_name: str
    display_name: str
    network: str
    phone: str
    email: str
    website: str
    address: str
    postal_code: str
    commune_insee: str = Field(..., alias="base_commune.insee_code")
    commune_name: str = Field(..., alias="base_commune.name")
    is_active: bool
    accepting_new_clients: bool


class StatusOut(Schema):
    activity: str = Field(..., alias="activity.code")
    status: str
    mode: str
    reference: str
    department_code: str
    valid_from: dt.date | None
    valid_until: dt.date | None


class AreaOut(Schema):
    kind: str
    commune_insee: str | None = Field(None, alias="commune.insee_code")
    department_code: str
    radius_km: float | None


class AuditOut(Schema):
    date: dt.date
    grid: str
    score: int
    auditor: str


class AbsenceOut(Schema):
    start: dt.date
    end: dt.date
    reason: str


class ProviderDetailOut(ProviderOut):
    opening_hours: dict[str, list[list[str]]]
    capacity_per_week: int | None
    statuses: list[StatusOut] = Field(..., alias="activities")
    areas: list[AreaOut]
    audits: list[AuditOut]
    absences: list[AbsenceOut]


class ProviderFilters(Schema):
    activity: Text64 | None = None
    commune: InseeCode | None = Field(None, description="code INSEE de la commune d'implantation")
    network: Text120 | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0


class SearchIn(Schema):
    activity: Text64 = Field(..., examples=["SAP06"])
    commune: InseeCode = Field(..., description="code INSEE de la commune de l'appelant", examples=["23096"])
    radius_km: float = Field(15, gt=0, le=200)
    on_date: dt.date | None = None
    limit: int = Field(5, ge=1, le=50)


class MatchOut(Schema):
    rank: int
    distance_km: float
    provider: ProviderOut


class SearchOut(Schema):
    search_id: int
    activity: str
    commune_insee: str
    radius_km: float
    on_date: dt.date
    result_count: int
    unmet_need_id: int | None
    matches: list[MatchOut]


@router.get("/activities", response=list[ActivityOut])
def list_activities(request: HttpRequest) -> list[Activity]:
    return list(Activity.objects.all())


@router.get("/programmes/{slug}/providers", response=list[ProviderOut])
def list_providers(request: HttpRequest, slug: Slug, filters: Query[ProviderFilters]) -> list[Provider]:
    programme = access_programme_by_slug(request.user, slug)
    qs = providers_for(request.user, programme).select_related("base_commune").order_by("legal_name", "pk")
    if filters.activity:
        qs = qs.filter(activities__activity=activity_by_code(filters.activity)).distinct()
    if filters.commune:
        qs = qs.filter(base_commune__insee_code=filters.commune)
    if filters.network:
        qs = qs.filter(network=filters.network)
    return list(qs[filters.offset : filters.offset + filters.limit])


@router.get("/programmes/{slug}/providers/{provider_id}", response=ProviderDetailOut)
def get_provider(request: HttpRequest, slug: Slug, provider_id: Id) -> Provider:
    programme = access_programme_by_slug(request.user, slug)
    provider = access_provider(request.user, programme, provider_id)
    detail: Provider = (
        Provider.objects.select_related("base_commune")
        .prefetch_related("activities__activity", "areas__commune", "audits", "absences")
        .get(pk=provider.pk)
    )
    return detail


@router.post("/programmes/{slug}/provider-searches", response={201: SearchOut})
def create_search(request: HttpRequest, slug: Slug, payload: SearchIn) -> Status[dict[str, object]]:
    programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    activity = activity_by_code(payload.activity)
    commune = commune_by_insee(payload.commune)
    on_date = payload.on_date or timezone.localdate()
    outcome = search_providers(
        programme=programme,
        actor=request.user,  # type: ignore[arg-type]  # django_auth guarantees an authenticated User
        activity=activity,
        commune=commune,
        radius_km=payload.radius_km,
        on_date=on_date,
        limit=payload.limit,
    )
    return Status(
        201,
        {
            "search_id": outcome.search.pk,
            "activity": activity.code,
            "commune_insee": commune.insee_code,
            "radius_km": payload.radius_km,
            "on_date": on_date,
            "result_count": len(outcome.matches),
            "unmet_need_id": outcome.unmet_need.pk if outcome.unmet_need else None,
            "matches": [
                {"rank": m.rank, "distance_km": m.distance_km, "provider": m.provider} for m in outcome.matches
            ],
        },
    )
