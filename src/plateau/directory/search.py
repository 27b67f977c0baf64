"""Provider search with fair rotation (see :func:`search_providers`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from plateau.domain.directory import ranking
from plateau.domain.directory.activities import Regime
from plateau.domain.directory.eligibility import Area, Mode, Place, ProviderFacts, Status, StatusKind, check
from plateau.events import publish_on_commit
from plateau.geo.models import Commune
from plateau.geo.services import communes_within
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .errors import InvalidRadius
from .events import ProvidersProposed, UnmetNeedRecorded
from .models import (
    AbsencePeriod,
    Activity,
    AreaKind,
    Provider,
    ProviderActivity,
    ProviderProposal,
    ProviderRotation,
    ProviderSearch,
    QualityAudit,
    RotationCursor,
    ServiceArea,
    UnmetNeed,
    UnmetNeedSource,
)

MAX_RADIUS_KM = 200.0
MAX_LIMIT = 50


@dataclass(frozen=True)
class ProviderMatch:
    provider: Provider
    distance_km: float
    rank: int


@dataclass(frozen=True)
class SearchOutcome:
    search: ProviderSearch
    matches: list[ProviderMatch]
    unmet_need: UnmetNeed | None


def facts_of(provider: Provider) -> ProviderFacts:
    """The eligibility facts of a provider loaded by :func:`_candidates` (statuses of the searched activity)."""
    areas = list(provider.areas.all())
    radii = [a.radius_km for a in areas if a.kind == AreaKind.RADIUS and a.radius_km is not None]
    return ProviderFacts(
        is_active=provider.is_active,
        base_insee_code=provider.base_commune.insee_code,
        statuses=tuple(
            Status(
                kind=StatusKind(pa.status),
                mode=Mode(pa.mode),
                valid_from=pa.valid_from,
                valid_until=pa.valid_until,
                department_code=pa.department_code,
            )
            for pa in provider.activities.all()
        ),
        area=Area(
            commune_codes=frozenset(a.commune.insee_code for a in areas if a.kind == AreaKind.COMMUNE and a.commune),
            department_codes=frozenset(a.department_code for a in areas if a.kind == AreaKind.DEPARTMENT),
            radius_km=max(radii) if radii else None,
        ),
        absences=tuple((a.start, a.end) for a in provider.absences.all()),
        accepting_new_clients=provider.accepting_new_clients,
        capacity_per_week=provider.capacity_per_week,
    )


def _candidates(programme: Programme, activity: Activity, base_ids: list[int], on_date: dt.date) -> list[Provider]:
    latest_score = QualityAudit.objects.filter(provider=OuterRef("pk")).order_by("-date", "-id").values("score")[:1]
    return list(
        Provider.objects.for_programme(programme)
        .filter(is_active=True, base_commune_id__in=base_ids, activities__activity=activity)
        .distinct()
        .select_related("base_commune")
        .annotate(latest_score=Subquery(latest_score))
        .prefetch_related(
            Prefetch("activities", queryset=ProviderActivity.objects.filter(activity=activity)),
            Prefetch("areas", queryset=ServiceArea.objects.select_related("commune")),
            Prefetch("absences", queryset=AbsencePeriod.objects.filter(start__lte=on_date, end__gte=on_date)),
        )
    )


def search_providers(
    *,
    programme: Programme,
    actor: User | None,
    activity: Activity,
    commune: Commune,
    radius_km: float,
    on_date: dt.date,
    limit: int = 5,
) -> SearchOutcome:
    """Eligible providers of ``programme`` for ``activity`` whose base is within ``radius_km`` of ``commune``,
    ranked (see :mod:`plateau.domain.directory.ranking`), the first ``limit`` proposed and recorded.

    The search, its proposals, the rotation counters and (when nothing matches) an :class:`UnmetNeed` are
    written in one transaction, under a lock on the (programme, activity) rotation cursor, so concurrent
    searches see each other's rotation and never get the same order by accident.
    """
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise InvalidRadius(radius_km=radius_km)
    limit = max(1, min(limit, MAX_LIMIT))
    distances = dict(communes_within(commune, radius_km))
    place_dept = commune.department_code
    regime = Regime(activity.regime)
    eligible: list[tuple[Provider, float]] = []
    for provider in _candidates(programme, activity, list(distances), on_date):
        distance = distances[provider.base_commune_id]
        place = Place(commune.insee_code, place_dept, distance)
        if check(facts_of(provider), regime, place, on_date).eligible:
            eligible.append((provider, distance))
    by_id = {p.pk: (p, d) for p, d in eligible}

    with transaction.atomic():
        cursor, _ = RotationCursor.objects.get_or_create(programme=programme, activity=activity)
        cursor = RotationCursor.objects.select_for_update().get(pk=cursor.pk)
        rotations = {
            r.provider_id: r
            for r in ProviderRotation.objects.filter(
                programme=programme, activity=activity, provider_id__in=list(by_id)
            )
        }
        ranked = ranking.rank(
            ranking.Candidate(
                provider_id=p.pk,
                distance_km=d,
                quality_score=getattr(p, "latest_score", None),
                last_first_seq=rotations[p.pk].last_first_seq if p.pk in rotations else 0,
                last_proposed_seq=rotations[p.pk].last_proposed_seq if p.pk in rotations else 0,
            )
            for p, d in eligible
        )
        proposed = ranked[:limit]
        now = timezone.now()
        if proposed:
            seq = cursor.next_seq
            cursor.next_seq += 1
            cursor.save(update_fields=["next_seq"])
            to_update, to_create = [], []
            for i, c in enumerate(ranking.rotation_after(proposed, seq)):
                rot = rotations.get(c.provider_id)
                if rot is None:
                    rot = ProviderRotation(programme=programme, activity=activity, provider_id=c.provider_id)
                    to_create.append(rot)
                else:
                    to_update.append(rot)
                rot.proposal_count += 1
                rot.first_count += int(i == 0)
                rot.last_first_seq, rot.last_proposed_seq = c.last_first_seq, c.last_proposed_seq
                rot.last_proposed_at = now
            ProviderRotation.objects.bulk_create(to_create)
            ProviderRotation.objects.bulk_update(
                to_update, ["proposal_count", "first_count", "last_first_seq", "last_proposed_seq", "last_proposed_at"]
            )
        search = ProviderSearch.objects.create(
            programme=programme,
            actor=actor,
            activity=activity,
            commune=commune,
            radius_km=radius_km,
            on_date=on_date,
            result_count=len(proposed),
        )
        matches = [
            ProviderMatch(provider=by_id[c.provider_id][0], distance_km=round(c.distance_km, 1), rank=i)
            for i, c in enumerate(proposed, start=1)
        ]
        ProviderProposal.objects.bulk_create(
            ProviderProposal(search=search, provider=m.provider, rank=m.rank, distance_km=m.distance_km)
            for m in matches
        )
        unmet = None
        if not matches:
            unmet = UnmetNeed.objects.create(
                programme=programme,
                activity=activity,
                commune=commune,
                radius_km=radius_km,
                on_date=on_date,
                source=UnmetNeedSource.SEARCH,
                search=search,
            )
            record_audit(action="directory.unmet_need", actor=actor, programme=programme, obj=unmet)
            publish_on_commit(UnmetNeedRecorded(programme.pk, unmet.pk, activity.code, commune.insee_code))
        provider_ids = tuple(m.provider.pk for m in matches)
        record_audit(
            action="directory.search",
            actor=actor,
            programme=programme,
            obj=search,
            activity=activity.code,
            commune=commune.insee_code,
            radius_km=radius_km,
            on_date=on_date.isoformat(),
            provider_ids=list(provider_ids),
        )
        publish_on_commit(ProvidersProposed(programme.pk, search.pk, activity.code, commune.insee_code, provider_ids))
    return SearchOutcome(search=search, matches=matches, unmet_need=unmet)
