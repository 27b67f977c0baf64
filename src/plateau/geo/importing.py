"""Import of the official geodata CSV files (communes.csv, departements.csv, regions.csv).

communes.csv has one row per (commune, postal code) pair. Rows are parsed and checked first, then written with
bulk operations in one transaction: new communes are inserted, changed ones upserted, postal codes brought in
line with the file. Communes absent from the file are kept (other tables point at them) and counted. Every row
that is not imported as-is is reported with its line number and the reason.
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction

from plateau.domain.errors import DomainError
from plateau.domain.geo import normalise_commune_name
from plateau.domain.ids.insee import department_of_insee, validate_insee_code, validate_postal_code

from .errors import GeoImportError
from .models import Commune, CommuneType, Department, PostalCode, Region

COMMUNE_COLUMNS = ("insee_com", "insee_dep", "insee_reg", "commune", "commune_article", "code_postal", "commune_type")
OPTIONAL_COMMUNE_COLUMNS = ("insee_parente", "lat", "lng", "superficie_km2", "population_2021")
DEPARTMENT_COLUMNS = ("insee_dep", "insee_reg", "departement")
REGION_COLUMNS = ("insee_reg", "region")
# Commune fields written by the importer, in a fixed order (also used to detect changes).
FIELDS = (
    "name",
    "name_with_article",
    "search_name",
    "department_code",
    "region_code",
    "parent_insee_code",
    "latitude",
    "longitude",
    "population",
    "area_km2",
)
BATCH = 1000
_TYPES = frozenset(CommuneType.values)


@dataclass(frozen=True)
class RowIssue:
    line: int
    insee_code: str
    reason: str


@dataclass
class ImportReport:
    """What an import did; ``skipped`` rows were not imported, ``flagged`` ones were, with a caveat."""

    source: str
    rows_read: int = 0
    communes_created: int = 0
    communes_updated: int = 0
    communes_unchanged: int = 0
    communes_absent_from_file: int = 0
    postal_codes_created: int = 0
    postal_codes_deleted: int = 0
    departments_written: int = 0
    regions_written: int = 0
    skipped: list[RowIssue] = field(default_factory=list)
    flagged: list[RowIssue] = field(default_factory=list)
    seconds: float = 0.0

    def summary_lines(self) -> list[str]:
        lines = [
            f"Source : {self.source}",
            f"Lignes lues : {self.rows_read}",
            f"Communes créées : {self.communes_created}, mises à jour : {self.communes_updated}, "
            f"inchangées : {self.communes_unchanged}, absentes du fichier (conservées) : "
            f"{self.communes_absent_from_file}",
            f"Codes postaux ajoutés : {self.postal_codes_created}, retirés : {self.postal_codes_deleted}",
            f"Départements : {self.departments_written}, régions : {self.regions_written}",
            f"Lignes ignorées : {len(self.skipped)}",
            *(f"  ligne {i.line} ({i.insee_code or '?'}) : {i.reason}" for i in self.skipped),
            f"Communes importées avec réserve : {len(self.flagged)}",
            *(f"  ligne {i.line} ({i.insee_code}) : {i.reason}" for i in self.flagged),
            f"Durée : {self.seconds:.1f} s",
        ]
        return lines


@dataclass
class _ParsedCommune:
    line: int
    insee_code: str
    commune_type: str
    values: dict[str, Any]
    postal_codes: set[str]


def _open_rows(path: Path, required: tuple[str, ...]) -> tuple[csv.DictReader[str], Any]:
    if not path.is_file():
        raise GeoImportError(f"Fichier introuvable : {path}")
    handle = path.open(encoding="utf-8-sig", newline="")
    header = handle.readline()
    handle.seek(0)
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(handle, delimiter=delimiter)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        handle.close()
        raise GeoImportError(f"Colonnes manquantes dans {path.name} : {', '.join(missing)}")
    return reader, handle


def _float(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _parse_commune_row(row: dict[str, str], line: int, flags: list[RowIssue]) -> tuple[_ParsedCommune | None, str]:
    """Parse one row; returns (parsed, postal code) or (None, reason) when the row must be skipped.

    Caveats about a row that is kept (no coordinates...) are appended to ``flags``.
    """
    raw_code = (row.get("insee_com") or "").strip()
    try:
        insee = validate_insee_code(raw_code)
        postal = validate_postal_code(row.get("code_postal") or "")
    except DomainError as exc:
        return None, exc.message
    ctype = (row.get("commune_type") or "").strip().upper() or CommuneType.COM
    if ctype not in _TYPES:
        return None, f"type de commune inconnu « {ctype} » (attendu : COM, ARM ou COMD)"
    name = (row.get("commune") or "").strip()
    if not name:
        return None, "nom de commune vide"
    department = (row.get("insee_dep") or "").strip().upper() or department_of_insee(insee)
    if department != department_of_insee(insee):
        return None, f"département « {department} » incohérent avec le code INSEE {insee}"
    parent = (row.get("insee_parente") or "").strip()
    if parent:
        try:
            parent = validate_insee_code(parent)
        except DomainError as exc:
            return None, f"commune parente : {exc.message}"
    values: dict[str, Any] = {
        "name": name,
        "name_with_article": (row.get("commune_article") or "").strip() or name,
        "search_name": normalise_commune_name(name),
        "department_code": department,
        "region_code": (row.get("insee_reg") or "").strip(),
        "parent_insee_code": parent,
        "latitude": None,
        "longitude": None,
        "population": None,
        "area_km2": None,
    }
    try:
        lat, lon = _float(row.get("lat") or ""), _float(row.get("lng") or "")
        if lat is None or lon is None:
            flags.append(RowIssue(line, insee, "sans coordonnées : exclue des recherches par distance"))
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            flags.append(RowIssue(line, insee, f"coordonnées hors limites ({lat}, {lon}) : ignorées"))
        else:
            values["latitude"], values["longitude"] = lat, lon
    except ValueError:
        flags.append(RowIssue(line, insee, "coordonnées illisibles : ignorées"))
    try:
        pop = (row.get("population_2021") or "").strip()
        values["population"] = int(float(pop)) if pop else None
        values["area_km2"] = _float(row.get("superficie_km2") or "")
    except ValueError:
        flags.append(RowIssue(line, insee, "population ou superficie illisible : ignorée"))
    return _ParsedCommune(line, insee, ctype, values, {postal}), postal


def parse_communes(path: Path, report: ImportReport) -> dict[tuple[str, str], _ParsedCommune]:
    """Read communes.csv into one entry per (INSEE code, type), merging the postal codes of repeated rows."""
    reader, handle = _open_rows(path, COMMUNE_COLUMNS)
    communes: dict[tuple[str, str], _ParsedCommune] = {}
    with handle:
        for row in reader:
            report.rows_read += 1
            flags: list[RowIssue] = []
            parsed, reason = _parse_commune_row(row, reader.line_num, flags)
            if parsed is None:
                report.skipped.append(RowIssue(reader.line_num, (row.get("insee_com") or "").strip(), reason))
                continue
            key = (parsed.insee_code, parsed.commune_type)
            known = communes.get(key)
            if known is None:
                communes[key] = parsed
                report.flagged.extend(flags)
            elif known.values != parsed.values:
                report.skipped.append(
                    RowIssue(
                        parsed.line,
                        parsed.insee_code,
                        f"contredit la ligne {known.line} pour la même commune (nom, coordonnées ou population "
                        "différents)",
                    )
                )
            else:
                known.postal_codes |= parsed.postal_codes
    # Communes déléguées come without région: take the one of their commune nouvelle, else of the département.
    dept_regions = dict(Department.objects.values_list("code", "region_code"))
    for (insee, _ctype), parsed in communes.items():
        if not parsed.values["region_code"]:
            parent = communes.get((parsed.values["parent_insee_code"] or insee, CommuneType.COM))
            parsed.values["region_code"] = (parent.values["region_code"] if parent else "") or dept_regions.get(
                parsed.values["department_code"], ""
            )
    return communes


def write_communes(communes: dict[tuple[str, str], _ParsedCommune], report: ImportReport) -> None:
    """Upsert the parsed communes and their postal codes (call inside a transaction)."""
    existing: dict[tuple[str, str], tuple[int, tuple[Any, ...]]] = {
        (row[0], row[1]): (row[2], tuple(row[3:]))
        for row in Commune.objects.values_list("insee_code", "commune_type", "pk", *FIELDS)
    }
    report.communes_absent_from_file = sum(1 for key in existing if key not in communes)
    to_create: list[tuple[Any, ...]] = []
    to_update: list[Commune] = []
    for key, parsed in communes.items():
        values = tuple(parsed.values[f] for f in FIELDS)
        known = existing.get(key)
        if known is None:
            to_create.append((*key, *values))
        elif known[1] != values:
            to_update.append(Commune(insee_code=key[0], commune_type=key[1], **parsed.values))
        else:
            report.communes_unchanged += 1
    _insert(Commune, ("insee_code", "commune_type", *FIELDS), to_create)
    if to_update:
        Commune.objects.bulk_create(
            to_update,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["insee_code", "commune_type"],
            update_fields=list(FIELDS),
        )
    report.communes_created, report.communes_updated = len(to_create), len(to_update)

    pks = {(i, t): pk for i, t, pk in Commune.objects.values_list("insee_code", "commune_type", "pk")}
    wanted = {(pks[key], code) for key, parsed in communes.items() for code in parsed.postal_codes}
    in_file = {pks[key] for key in communes}
    current = {(cid, code): pk for pk, cid, code in PostalCode.objects.values_list("pk", "commune_id", "code")}
    stale = [pk for (cid, code), pk in current.items() if cid in in_file and (cid, code) not in wanted]
    for start in range(0, len(stale), BATCH):
        PostalCode.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    new = sorted(wanted - current.keys())
    _insert(PostalCode, ("commune", "code"), new)
    report.postal_codes_created, report.postal_codes_deleted = len(new), len(stale)


def _insert(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Bulk INSERT (COPY on PostgreSQL) of already checked, typed values: the ORM's per-object work (model
    instances, field preparation) was most of the full import's time."""
    if not rows:
        return
    meta = model._meta
    names = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        names.append(connection.ops.quote_name(field.column))
    table = f"{connection.ops.quote_name(meta.db_table)} ({', '.join(names)})"
    if connection.vendor == "postgresql":
        # COPY streams rows without parsing a huge parameterised statement on the client side.
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    head = f"INSERT INTO {table} VALUES "  # noqa: S608 (names from the model)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(BATCH, (connection.features.max_query_params or 65_000) // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


def import_regions(path: Path, report: ImportReport) -> None:
    reader, handle = _open_rows(path, REGION_COLUMNS)
    with handle:
        rows = {r["insee_reg"].strip(): r["region"].strip() for r in reader if r["insee_reg"].strip()}
    known = dict(Region.objects.values_list("code", "name"))
    Region.objects.bulk_create([Region(code=c, name=n) for c, n in rows.items() if c not in known])
    for code, name in rows.items():
        if code in known and known[code] != name:
            Region.objects.filter(code=code).update(name=name)
    report.regions_written = len(rows)


def import_departments(path: Path, report: ImportReport) -> None:
    reader, handle = _open_rows(path, DEPARTMENT_COLUMNS)
    rows: dict[str, tuple[str, str]] = {}
    with handle:
        for r in reader:
            code = r["insee_dep"].strip().upper()
            if code:
                rows[code] = (r["departement"].strip(), r["insee_reg"].strip())
    known = {c: (n, rc) for c, n, rc in Department.objects.values_list("code", "name", "region_code")}
    Department.objects.bulk_create(
        [Department(code=c, name=n, region_code=rc) for c, (n, rc) in rows.items() if c not in known]
    )
    for code, (name, region) in rows.items():
        if code in known and known[code] != (name, region):
            Department.objects.filter(code=code).update(name=name, region_code=region)
    report.departments_written = len(rows)


def import_files(
    communes_csv: Path, *, departements_csv: Path | None = None, regions_csv: Path | None = None
) -> ImportReport:
    """Import the given files in one transaction (régions, then départements, then communes)."""
    started = time.perf_counter()
    report = ImportReport(source=str(communes_csv))
    with transaction.atomic():
        if regions_csv is not None:
            import_regions(regions_csv, report)
        if departements_csv is not None:
            import_departments(departements_csv, report)
        write_communes(parse_communes(communes_csv, report), report)
    report.seconds = time.perf_counter() - started
    return report
