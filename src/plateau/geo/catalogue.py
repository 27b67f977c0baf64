"""Process-wide in-memory view of the commune table: the radius index and the name lookup tables.

Built on first use and rebuilt when the table changes. The cache key is the token of
:class:`~plateau.geo.models.GeoDataVersion` (renewed by every import and admin edit) plus the highest id, so
rows inserted outside the importer are noticed too. Any other direct write to the commune table (shell, data
migration, tests) must call :func:`mark_geodata_changed`. Checking the key costs one query reading two indexed values.
"""

from __future__ import annotations

import bisect
import threading
import uuid
from dataclasses import dataclass

from django.db import connection

from plateau.domain.geo import RadiusIndex

from .models import Commune, CommuneType, GeoDataVersion


@dataclass(frozen=True)
class Entry:
    pk: int
    insee_code: str
    commune_type: str
    search_name: str
    department_code: str
    population: int


@dataclass(frozen=True)
class Catalogue:
    key: tuple[object, ...]
    entries: dict[int, Entry]
    # Communes and arrondissements with coordinates (communes déléguées are parts of a commune, not places
    # a provider serves on their own).
    index: RadiusIndex[int]
    by_name: dict[str, list[int]]
    names: list[str]  # sorted distinct search names, for prefix lookups by bisection

    def with_prefix(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.names, prefix)
        out: list[str] = []
        for name in self.names[start:]:
            if not name.startswith(prefix):
                break
            out.append(name)
        return out


_lock = threading.Lock()
_current: Catalogue | None = None


def mark_geodata_changed() -> str:
    """Renew the version token so every process rebuilds its catalogue on its next query."""
    token = uuid.uuid4().hex
    updated = GeoDataVersion.objects.filter(pk=1).update(token=token)
    if not updated:
        GeoDataVersion.objects.update_or_create(pk=1, defaults={"token": token})
    return token


def _key() -> tuple[object, ...]:
    # One round trip (this runs before every search); table names come from the models, not from input.
    version = connection.ops.quote_name(GeoDataVersion._meta.db_table)
    communes = connection.ops.quote_name(Commune._meta.db_table)
    sql = f"SELECT (SELECT token FROM {version} WHERE id = 1), (SELECT MAX(id) FROM {communes})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return (row[0], row[1])


def _build(key: tuple[object, ...]) -> Catalogue:
    entries: dict[int, Entry] = {}
    points: list[tuple[int, float, float]] = []
    by_name: dict[str, list[int]] = {}
    rows = Commune.objects.values_list(
        "pk", "insee_code", "commune_type", "search_name", "department_code", "population", "latitude", "longitude"
    )
    for pk, insee, ctype, search_name, dept, population, lat, lon in rows.iterator(chunk_size=5000):
        entries[pk] = Entry(pk, insee, ctype, search_name, dept, population or 0)
        by_name.setdefault(search_name, []).append(pk)
        if lat is not None and lon is not None and ctype != CommuneType.COMD:
            points.append((pk, lat, lon))
    return Catalogue(key, entries, RadiusIndex(points), by_name, sorted(by_name))


def catalogue() -> Catalogue:
    """The catalogue for the commune table as it is now (rebuilt if it changed since the last call)."""
    global _current
    key = _key()
    current = _current
    if current is not None and current.key == key:
        return current
    with _lock:
        if _current is None or _current.key != key:
            _current = _build(key)
        return _current
