"""Coverage gaps: unmet needs (searches with no result, from the directory, and leads nobody took) aggregated
by département x activity x period, per-commune points for a map, and the CSV for the DDETS."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F
from django.db.models.functions import TruncMonth

from plateau import csvexport
from plateau.directory.models import UnmetNeed
from plateau.tenants.models import Programme

from .models import Lead, LeadState


def _unmet_leads(programme: Programme, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    """Leads closed without any provider taking them (every attempt expired or had no capacity)."""
    return Lead.objects.for_programme(programme).filter(
        state=LeadState.CLOSED, called_back_at__isnull=True, need_date__range=(start, end)
    )


@dataclass(frozen=True)
class GapRow:
    period: str  # YYYY-MM
    department_code: str
    activity_code: str
    searches_without_result: int
    leads_not_taken: int

    @property
    def total(self) -> int:
        return self.searches_without_result + self.leads_not_taken


def gaps(programme: Programme, start: dt.date, end: dt.date) -> list[GapRow]:
    """Unmet needs per month x département x activity between ``start`` and ``end`` (need dates, inclusive)."""
    counts: dict[tuple[str, str, str], list[int]] = {}
    searches = (
        UnmetNeed.objects.for_programme(programme)
        .filter(on_date__range=(start, end))
        .annotate(month=TruncMonth("on_date"), dept=F("commune__department_code"), act=F("activity__code"))
        .values("month", "dept", "act")
        .annotate(n=Count("id"))
    )
    for r in searches:
        counts.setdefault((r["month"].strftime("%Y-%m"), r["dept"], r["act"]), [0, 0])[0] += r["n"]
    leads = (
        _unmet_leads(programme, start, end)
        .annotate(month=TruncMonth("need_date"), dept=F("commune__department_code"), act=F("activity__code"))
        .values("month", "dept", "act")
        .annotate(n=Count("id"))
    )
    for r in leads:
        counts.setdefault((r["month"].strftime("%Y-%m"), r["dept"], r["act"]), [0, 0])[1] += r["n"]
    return [GapRow(p, d, a, s, lead) for (p, d, a), (s, lead) in sorted(counts.items())]


@dataclass(frozen=True)
class MapPoint:
    insee_code: str
    name: str
    latitude: float
    longitude: float
    count: int


def map_points(programme: Programme, start: dt.date, end: dt.date) -> list[MapPoint]:
    """One point per commune with unmet demand (communes without coordinates are left out)."""
    counter: Counter[tuple[str, str, float, float]] = Counter()
    for qs in (
        UnmetNeed.objects.for_programme(programme).filter(on_date__range=(start, end)),
        _unmet_leads(programme, start, end),
    ):
        for code, name, lat, lon, n in (
            qs.filter(commune__latitude__isnull=False)
            .values("commune__insee_code", "commune__name", "commune__latitude", "commune__longitude")
            .annotate(n=Count("id"))
            .values_list("commune__insee_code", "commune__name", "commune__latitude", "commune__longitude", "n")
        ):
            counter[(code, name, lat, lon)] += n
    return [MapPoint(c, nm, la, lo, n) for (c, nm, la, lo), n in counter.most_common()]


# Metropolitan France's bounding box (lon -5.3..9.7, lat 41.3..51.2); overseas points are not drawn.
_LON0, _LON1, _LAT0, _LAT1 = -5.3, 9.7, 41.3, 51.2


def svg_xy(p: MapPoint, width: int = 500, height: int = 500) -> tuple[float, float] | None:
    """Equirectangular projection of a point onto the map (None outside metropolitan France)."""
    if not (_LON0 <= p.longitude <= _LON1 and _LAT0 <= p.latitude <= _LAT1):
        return None
    x = (p.longitude - _LON0) / (_LON1 - _LON0) * width
    y = (_LAT1 - p.latitude) / (_LAT1 - _LAT0) * height
    return round(x, 1), round(y, 1)


def gaps_csv(rows: list[GapRow]) -> str:
    """CSV for the DDETS (semicolon, UTF-8 with BOM so that spreadsheet software reads the accents)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csvexport.Writer(buf, delimiter=";")
    w.writerow(["periode", "departement", "activite", "recherches_sans_resultat", "demandes_non_prises", "total"])
    for r in rows:
        w.writerow(
            [r.period, r.department_code, r.activity_code, r.searches_without_result, r.leads_not_taken, r.total]
        )
    return buf.getvalue()
