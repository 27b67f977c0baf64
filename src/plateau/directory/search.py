"""Provider search with fair rotation (see :func:`search_providers`)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import CharField, DateField, Exists, F, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from plateau.domain.directory import ranking
from plateau.domain.directory.activities import Regime
from plateau.domain.directory.eligibility import Area, Mode, Place, ProviderFacts, Status, StatusKind, check
from plateau.events import publish_on_commit
from plateau.geo.models import Commune
from plateau.geo.services import communes_within
from plateau.tenants.errors import require_capability
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .capability import DIRECTORY
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
    quality_score: int | None = None  # the latest quality audit's score (read by the search anyway)


@dataclass(frozen=True)
class SearchOutcome:
    search: ProviderSearch
    matches: list[ProviderMatch]
    unmet_need: UnmetNeed | None


@dataclass
class _Candidate:
    """What the eligibility rule and the ranking need of one provider (no model instance: thousands per search)."""

    provider_id: int
    base_commune_id: int
    base_insee: str
    is_active: bool
    accepting_new_clients: bool
    capacity_per_week: int | None
    latest_score: int | None
    statuses: list[Status] = field(default_factory=list)
    area_communes: set[str] = field(default_factory=set)
    area_departments: set[str] = field(default_factory=set)
    radius_km: float | None = None

    def facts(self) -> ProviderFacts:
        return ProviderFacts(
            is_active=self.is_active,
            base_insee_code=self.base_insee,
            statuses=tuple(self.statuses),
            area=Area(frozenset(self.area_communes), frozenset(self.area_departments), self.radius_km),
            # Absent providers were excluded by the query (see _candidates).
            absences=(),
            accepting_new_clients=self.accepting_new_clients,
            capacity_per_week=self.capacity_per_week,
        )


def _id_set(ids: list[int]) -> RawSQL:
    """``ids`` as ONE query parameter for ``__in`` lookups.

    A radius of 30 km covers hundreds of communes; as a plain list, Django compiles one parameter per id in
    every query that uses it, which cost more than running the queries (see docs/benchmarks.md).
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def _candidates(programme: Programme, activity: Activity, base_ids: list[int], on_date: dt.date) -> list[_Candidate]:
    """Providers based in ``base_ids`` holding a status for ``activity`` valid on ``on_date``.

    The SQL filters only drop providers the domain rule would reject too (inactive, full, absent on the date,
    no status valid on the date); the rule itself (:func:`check`) still decides on every remaining one.
    """
    valid_status = ProviderActivity.objects.filter(provider=OuterRef("pk"), activity=activity).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on_date),
        Q(valid_until__isnull=True) | Q(valid_until__gte=on_date),
    )
    absent = AbsencePeriod.objects.filter(provider=OuterRef("pk"), start__lte=on_date, end__gte=on_date)
    latest_score = QualityAudit.objects.filter(provider=OuterRef("pk")).order_by("-date", "-id").values("score")[:1]
    providers = (
        Provider.objects.for_programme(programme)
        .filter(is_active=True, accepting_new_clients=True, base_commune_id__in=_id_set(base_ids))
        .exclude(capacity_per_week=0)
        .filter(Exists(valid_status))
        .exclude(Exists(absent))
    )
    found = {
        row[0]: _Candidate(*row)
        for row in providers.annotate(latest_score=Subquery(latest_score)).values_list(
            "pk",
            "base_commune_id",
            "base_commune__insee_code",
            "is_active",
            "accepting_new_clients",
            "capacity_per_week",
            "latest_score",
        )
    }
    if not found:
        return []
    # The ids found, not the filtered queryset again as a subquery (the database would evaluate it twice more).
    ids = _id_set(list(found))
    # Statuses and areas in one round trip: a UNION ALL of two selects padded to the same nine columns
    # (every column an annotation, so that both sides list them in the same order).
    statuses = (
        ProviderActivity.objects.filter(activity=activity, provider__in=ids)
        .annotate(
            c_pid=F("provider_id"),
            c_src=Value("s", output_field=CharField()),
            c_kind=F("status"),
            c_mode=F("mode"),
            c_from=F("valid_from"),
            c_until=F("valid_until"),
            c_dept=F("department_code"),
            c_insee=Value(None, output_field=CharField()),
            c_radius=Value(None, output_field=FloatField()),
        )
        .values_list("c_pid", "c_src", "c_kind", "c_mode", "c_from", "c_until", "c_dept", "c_insee", "c_radius")
    )
    areas_qs = (
        ServiceArea.objects.filter(provider__in=ids)
        .annotate(
            c_pid=F("provider_id"),
            c_src=Value("a", output_field=CharField()),
            c_kind=F("kind"),
            c_mode=Value(None, output_field=CharField()),
            c_from=Value(None, output_field=DateField()),
            c_until=Value(None, output_field=DateField()),
            c_dept=F("department_code"),
            c_insee=F("commune__insee_code"),
            c_radius=F("radius_km"),
        )
        .values_list("c_pid", "c_src", "c_kind", "c_mode", "c_from", "c_until", "c_dept", "c_insee", "c_radius")
    )
    areas = []
    for pid, src, kind, mode, start, end, dept, insee, radius in statuses.union(areas_qs, all=True):
        if src == "s":
            found[pid].statuses.append(Status(StatusKind(kind), Mode(mode), start, end, dept))
        else:
            areas.append((pid, kind, insee, dept, radius))
    for pid, kind, insee, dept, radius in areas:
        c = found[pid]
        if kind == AreaKind.COMMUNE and insee:
            c.area_communes.add(insee)
        elif kind == AreaKind.DEPARTMENT:
            c.area_departments.add(dept)
        elif kind == AreaKind.RADIUS and radius is not None:
            c.radius_km = max(radius, c.radius_km or 0.0)
    return list(found.values())


def _reserve_seq(programme: Programme, activity: Activity) -> int:
    """Lock the (programme, activity) rotation and reserve its next sequence number in ONE statement: an upsert
    of the cursor row returning the value. Its row lock serialises concurrent searches until they commit."""
    table = connection.ops.quote_name(RotationCursor._meta.db_table)
    sql = (
        f"INSERT INTO {table} (programme_id, activity_id, next_seq) VALUES (%s, %s, 2) "  # noqa: S608 (model's table)
        f"ON CONFLICT (programme_id, activity_id) DO UPDATE SET next_seq = {table}.next_seq + 1 "
        "RETURNING next_seq - 1"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [programme.pk, activity.pk])
        row = cur.fetchone()
    return int(row[0])


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
    # A programme without the directory capability (the transport line) never searches providers, so it
    # never records a false unmet need in its report.
    require_capability(programme, DIRECTORY)
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise InvalidRadius(radius_km=radius_km)
    limit = max(1, min(limit, MAX_LIMIT))
    distances = dict(communes_within(commune, radius_km))
    place_dept = commune.department_code
    regime = Regime(activity.regime)
    eligible: list[tuple[_Candidate, float]] = []
    # Nearest distance band first: the ranking puts every provider of a nearer band before any farther one,
    # so when the first band already fills the page the others cannot be proposed (a dense city's 15 km
    # holds thousands of providers; its first 5 km usually suffice).
    first_band = [pk for pk, d in distances.items() if ranking.distance_band(d) == 0]
    rest = [pk for pk, d in distances.items() if ranking.distance_band(d) > 0]
    farther_skipped = False  # the count of matches is then a lower bound (shown as "at least")
    for ids in (first_band, rest):
        if not ids or len(eligible) >= limit:
            farther_skipped = farther_skipped or bool(ids)
            continue
        for candidate in _candidates(programme, activity, ids, on_date):
            distance = distances[candidate.base_commune_id]
            place = Place(commune.insee_code, place_dept, distance)
            if check(candidate.facts(), regime, place, on_date).eligible:
                eligible.append((candidate, distance))

    # No savepoint when the caller already holds a transaction (a lead's dispatch): two round trips saved,
    # and an error here aborts the caller's work anyway.
    with transaction.atomic(savepoint=False):
        seq = _reserve_seq(programme, activity)
        rotations = {
            r.provider_id: r
            for r in ProviderRotation.objects.filter(
                programme=programme, activity=activity, provider_id__in=_id_set([c.provider_id for c, _ in eligible])
            )
        }
        ranked = ranking.rank(
            ranking.Candidate(
                provider_id=c.provider_id,
                distance_km=d,
                quality_score=c.latest_score,
                last_first_seq=rotations[c.provider_id].last_first_seq if c.provider_id in rotations else 0,
                last_proposed_seq=rotations[c.provider_id].last_proposed_seq if c.provider_id in rotations else 0,
            )
            for c, d in eligible
        )
        proposed = ranked[:limit]
        now = timezone.now()
        if proposed:
            changed = []
            for i, c in enumerate(ranking.rotation_after(proposed, seq)):
                known = rotations.get(c.provider_id)
                # Rows without their id, known or new alike: Django sends one INSERT ... ON CONFLICT for all
                # (with ids set on some, it would split them into two statements).
                changed.append(
                    ProviderRotation(
                        programme=programme,
                        activity=activity,
                        provider_id=c.provider_id,
                        proposal_count=(known.proposal_count if known else 0) + 1,
                        first_count=(known.first_count if known else 0) + int(i == 0),
                        last_first_seq=c.last_first_seq,
                        last_proposed_seq=c.last_proposed_seq,
                        last_proposed_at=now,
                    )
                )
            # New and known rows in one statement (the values were computed under the cursor's lock).
            ProviderRotation.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["programme", "activity", "provider"],
                update_fields=[
                    "proposal_count",
                    "first_count",
                    "last_first_seq",
                    "last_proposed_seq",
                    "last_proposed_at",
                ],
            )
        search = ProviderSearch.objects.create(
            programme=programme,
            actor=actor,
            activity=activity,
            commune=commune,
            radius_km=radius_km,
            on_date=on_date,
            result_count=len(proposed),
            eligible_count=len(eligible),
            eligible_count_exact=not farther_skipped,
        )
        shown = Provider.objects.select_related("base_commune").in_bulk([c.provider_id for c in proposed])
        matches = [
            ProviderMatch(
                provider=shown[c.provider_id],
                distance_km=round(c.distance_km, 1),
                rank=i,
                quality_score=c.quality_score,
            )
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
