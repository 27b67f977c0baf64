"""CSV import of providers: every row is either kept (created or updated, keyed on SIRET) or reported with
its line number and every reason it was rejected. Nothing is dropped silently. Columns: docs/directory.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DatabaseError, transaction

from plateau.domain.directory.eligibility import Mode, StatusKind
from plateau.domain.errors import DomainError
from plateau.domain.ids.sap import normalize_sap_number
from plateau.domain.ids.siret import normalize_siret
from plateau.events import publish_on_commit
from plateau.geo.models import Commune, CommuneType
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .errors import InvalidImportFile
from .events import ProvidersImported
from .models import Activity, AreaKind, Provider, ProviderActivity, ServiceArea
from .validation import phone_e164

REQUIRED_COLUMNS = ("siret", "legal_name", "insee_code", "activities")
OPTIONAL_COLUMNS = (
    "trade_name",
    "network",
    "sap_number",
    "phone",
    "email",
    "website",
    "address",
    "postal_code",
    "area_communes",
    "area_departments",
    "area_radius_km",
    "accepting_new_clients",
    "capacity_per_week",
    "active",
)
# What each column holds, said to the person reading the report: the file's column names are stable English
# identifiers (the format is shared with integrators), so a message names both.
COLUMN_LABELS = {
    "siret": "SIRET",
    "legal_name": "Raison sociale",
    "insee_code": "Code INSEE de la commune",
    "activities": "Activités",
    "trade_name": "Nom commercial",
    "network": "Réseau",
    "sap_number": "Numéro SAP",
    "phone": "Téléphone",
    "email": "Courriel",
    "website": "Site web",
    "address": "Adresse",
    "postal_code": "Code postal",
    "area_communes": "Communes desservies",
    "area_departments": "Départements desservis",
    "area_radius_km": "Rayon d'intervention (km)",
    "accepting_new_clients": "Accepte de nouveaux clients",
    "capacity_per_week": "Capacité par semaine",
    "active": "Actif",
}


def column_label(column: str) -> str:
    """« Raison sociale (legal_name) »: the French meaning first, the file's column name to find it."""
    label = COLUMN_LABELS.get(column)
    return f"{label} ({column})" if label else column


def _say(message: str) -> str:
    # Row checks write "<column> : reason"; the report shows the column's French name beside it.
    column, sep, rest = message.partition(" : ")
    return f"{column_label(column)}{sep}{rest}" if sep and column in COLUMN_LABELS else message


# A provider's weekly capacity is a count of new clients: a bound catches a typo before the integer column does.
MAX_CAPACITY_PER_WEEK = 100_000
# The text columns checked against the model's max_length (a longer value is a rejected row, never a DataError).
_TEXT_COLUMNS = ("legal_name", "trade_name", "network", "address", "email", "website")
log = logging.getLogger(__name__)
_TRUE = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_FALSE = {"non", "n", "no", "false", "faux", "0", ""}


@dataclass(frozen=True)
class RejectedRow:
    line: int
    siret: str
    reasons: list[str]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True)
class _StatusRow:
    activity: Activity
    status: str
    mode: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    department_code: str


@dataclass
class _Row:
    fields: dict[str, Any]
    statuses: list[_StatusRow]
    area_communes: list[Commune]
    area_departments: list[str]
    area_radius_km: float | None


def _split(value: str) -> list[str]:
    return [v for v in value.replace("|", " ").replace(",", " ").split() if v]


def _date(value: str, errors: list[str], label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label} : date « {value} » invalide (format AAAA-MM-JJ attendu)")
        return None


def _bool(value: str, column: str, default: bool, errors: list[str]) -> bool:
    v = value.strip().lower()
    if not value.strip():
        return default
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    errors.append(f"{column} : « {value} » n'est pas oui/non")
    return default


def _statuses(value: str, activities: dict[str, Activity], errors: list[str]) -> list[_StatusRow]:
    out: list[_StatusRow] = []
    items = [i.strip() for i in value.split("|") if i.strip()]
    if not items:
        errors.append("activities : au moins une activité est requise (ex. SAP06)")
    kinds, modes = {k.value for k in StatusKind}, {m.value for m in Mode}
    for item in items:
        parts = [p.strip() for p in item.split(":")] + [""] * 6
        code, kind, mode, start, end, dept = parts[0].upper(), parts[1].lower(), parts[2].lower(), *parts[3:6]
        activity = activities.get(code)
        if activity is None:
            errors.append(f"activities : code d'activité inconnu « {parts[0]} »")
            continue
        kind = kind or StatusKind.DECLARATION.value
        mode = mode or Mode.PRESTATAIRE.value
        if kind not in kinds:
            errors.append(f"activities : statut « {kind} » inconnu pour {code} (declaration, agrement, autorisation)")
            continue
        if mode not in modes:
            errors.append(f"activities : mode « {mode} » inconnu pour {code} (prestataire, mandataire)")
            continue
        valid_from, valid_until = _date(start, errors, code), _date(end, errors, code)
        if valid_from and valid_until and valid_until < valid_from:
            errors.append(f"activities : pour {code}, la fin de validité précède le début")
        if kind == StatusKind.AUTORISATION.value and not dept:
            errors.append(f"activities : l'autorisation de {code} doit indiquer son département")
        elif dept and not _is_department(dept):
            errors.append(f"activities : pour {code}, « {dept} » n'est pas un code de département")
        out.append(_StatusRow(activity, kind, mode, valid_from, valid_until, dept.upper()))
    return out


def _is_department(code: str) -> bool:
    """``01``…``95``, ``2A``/``2B``, ``971``…``976``: two or three ASCII letters or digits (the model's limit)."""
    return 2 <= len(code) <= 3 and code.isascii() and code.isalnum()


def _is_ascii_number(value: str) -> bool:
    # str.isdigit() accepts "²" and other Unicode digits that int() refuses.
    return value.isascii() and value.isdigit()


def _parse_row(
    raw: dict[str, str], activities: dict[str, Activity], communes: dict[str, Commune]
) -> tuple[_Row | None, list[str]]:
    errors: list[str] = []

    def get(column: str) -> str:
        return (raw.get(column) or "").strip()

    fields: dict[str, Any] = {}
    # SIRET is required (an empty one gets the normaliser's "obligatoire" message); the others are optional.
    for column, normalise, required in (
        ("siret", normalize_siret, True),
        ("sap_number", normalize_sap_number, False),
        ("phone", phone_e164, False),
    ):
        fields[column] = ""
        if get(column) or required:
            try:
                fields[column] = normalise(get(column))
            except DomainError as e:
                errors.append(f"{column} : {e.message}")
    fields["legal_name"] = get("legal_name")
    if not fields["legal_name"]:
        errors.append("legal_name : la raison sociale est obligatoire")
    for column in ("trade_name", "network", "address"):
        fields[column] = get(column)
    fields["email"], fields["website"] = get("email"), get("website")
    for column, validator in (("email", EmailValidator()), ("website", URLValidator())):
        if fields[column]:
            try:
                validator(fields[column])
            except ValidationError:
                errors.append(f"{column} : « {fields[column]} » invalide")
    for column in _TEXT_COLUMNS:
        limit = getattr(Provider._meta.get_field(column), "max_length", None)
        if limit is not None and len(fields[column]) > limit:
            errors.append(f"{column} : {len(fields[column])} caractères, {limit} au plus")
    if bad := [c for c, v in raw.items() if isinstance(v, str) and "\x00" in v]:
        errors.append(f"{', '.join(sorted(str(c) for c in bad))} : caractère nul interdit")
    fields["postal_code"] = get("postal_code")
    if fields["postal_code"] and not (len(fields["postal_code"]) == 5 and _is_ascii_number(fields["postal_code"])):
        errors.append(f"postal_code : « {fields['postal_code']} » n'est pas un code postal à 5 chiffres")
    base = communes.get(get("insee_code").upper())
    if base is None:
        errors.append(f"insee_code : code INSEE de commune inconnu « {get('insee_code')} »")
    fields["base_commune"] = base
    fields["accepting_new_clients"] = _bool(get("accepting_new_clients"), "accepting_new_clients", True, errors)
    fields["is_active"] = _bool(get("active"), "active", True, errors)
    fields["capacity_per_week"] = None
    if cap := get("capacity_per_week"):
        if _is_ascii_number(cap) and len(cap) <= 9 and int(cap) <= MAX_CAPACITY_PER_WEEK:
            fields["capacity_per_week"] = int(cap)
        else:
            errors.append(
                f"capacity_per_week : « {cap[:40]} » n'est pas un nombre entier entre 0 et {MAX_CAPACITY_PER_WEEK}"
            )
    statuses = _statuses(get("activities"), activities, errors)
    area_communes = []
    for code in _split(get("area_communes")):
        if (c := communes.get(code.upper())) is None:
            errors.append(f"area_communes : code INSEE de commune inconnu « {code} »")
        else:
            area_communes.append(c)
    area_departments = [d.upper() for d in _split(get("area_departments"))]
    if bad := [d for d in area_departments if not _is_department(d)]:
        errors.append(f"area_departments : code(s) de département invalide(s) {', '.join(bad)}")
    radius = None
    if r := get("area_radius_km"):
        try:
            radius = float(r.replace(",", "."))
            if not 0 <= radius <= 200:
                raise ValueError
        except ValueError:
            errors.append(f"area_radius_km : « {r} » n'est pas un rayon entre 0 et 200 km")
    if errors:
        return None, errors
    return _Row(fields, statuses, area_communes, area_departments, radius), []


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # spreadsheets saved "CSV (séparateur : point-virgule)" on Windows


def _save(programme: Programme, row: _Row) -> bool:
    provider, created = Provider.objects.update_or_create(
        programme=programme, siret=row.fields["siret"], defaults=row.fields
    )
    # The file is the truth for the provider's statuses and area: replace them (idempotent re-import).
    provider.activities.all().delete()
    ProviderActivity.objects.bulk_create(
        ProviderActivity(
            provider=provider,
            activity=s.activity,
            status=s.status,
            mode=s.mode,
            valid_from=s.valid_from,
            valid_until=s.valid_until,
            department_code=s.department_code,
        )
        for s in {(s.activity.pk, s.status, s.mode): s for s in row.statuses}.values()
    )
    provider.areas.all().delete()
    areas = [ServiceArea(provider=provider, kind=AreaKind.COMMUNE, commune=c) for c in row.area_communes]
    areas += [ServiceArea(provider=provider, kind=AreaKind.DEPARTMENT, department_code=d) for d in row.area_departments]
    if row.area_radius_km is not None:
        areas.append(ServiceArea(provider=provider, kind=AreaKind.RADIUS, radius_km=row.area_radius_km))
    ServiceArea.objects.bulk_create(areas)
    return created


def import_providers(*, programme: Programme, actor: User | None, data: bytes) -> ImportReport:
    """Import providers of ``programme`` from CSV bytes (UTF-8 or Windows-1252, ``;`` or ``,`` separated).

    Good rows are kept even when others are rejected; each rejected row is reported with its line number in
    the file (the header is line 1) and all its reasons. Re-importing the same file changes nothing.
    """
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if missing := [c for c in REQUIRED_COLUMNS if c not in header]:
        named = ", ".join(column_label(c) for c in missing)
        raise InvalidImportFile(f"Colonnes obligatoires absentes : {named}.", missing=missing)
    reader.fieldnames = header
    activities = {a.code: a for a in Activity.objects.all()}
    try:
        rows = list(reader)
        line_numbers = _line_numbers(text, delimiter)
    except csv.Error as e:  # a NUL byte, a cell over the csv module's size limit...
        raise InvalidImportFile(f"Fichier CSV illisible : {e}.") from e
    codes = {(r.get("insee_code") or "").strip().upper() for r in rows}
    for r in rows:
        codes.update(c.upper() for c in _split(r.get("area_communes") or ""))
    # A commune déléguée shares its commune nouvelle's INSEE code: the code names the commune nouvelle.
    communes = {
        c.insee_code: c for c in Commune.objects.filter(insee_code__in=codes).exclude(commune_type=CommuneType.COMD)
    }

    report = ImportReport()
    try:
        _import_rows(programme, rows, line_numbers, activities, communes, report)
    finally:  # whatever happened, the rows kept so far and the rows rejected are on record
        _record(programme, actor, report)
    return report


def _import_rows(
    programme: Programme,
    rows: list[dict[str, str]],
    line_numbers: list[int],
    activities: dict[str, Activity],
    communes: dict[str, Commune],
    report: ImportReport,
) -> None:
    seen: dict[str, int] = {}
    for raw, line in zip(rows, line_numbers, strict=True):
        siret = str(raw.get("siret") or "").strip()[:40]
        if None in raw:  # more cells than columns
            report.rejected.append(RejectedRow(line, siret, ["trop de colonnes"]))
            continue
        row, errors = _parse_row(raw, activities, communes)
        if row is not None and (first := seen.get(row.fields["siret"])) is not None:
            errors, row = [f"siret : déjà présent ligne {first} du même fichier"], None
        if row is None:
            report.rejected.append(RejectedRow(line, siret, [_say(e) for e in errors]))
            continue
        seen[row.fields["siret"]] = line
        try:
            with transaction.atomic():  # a savepoint: a refused row leaves the others and the transaction intact
                created = _save(programme, row)
        except DatabaseError as e:
            # A limit the checks above missed: the row is reported, never a half-done import without a report.
            log.warning("provider import: line %s refused by the database: %s", line, e)
            report.rejected.append(RejectedRow(line, siret, [f"refusée par la base de données ({type(e).__name__})"]))
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1


def _record(programme: Programme, actor: User | None, report: ImportReport) -> None:
    with transaction.atomic():
        record_audit(
            action="directory.import_providers",
            actor=actor,
            programme=programme,
            created=report.created,
            updated=report.updated,
            rejected=[{"line": r.line, "siret": r.siret, "reasons": r.reasons} for r in report.rejected],
        )
        publish_on_commit(ProvidersImported(programme.pk, report.created, report.updated, len(report.rejected)))


def _line_numbers(text: str, delimiter: str) -> list[int]:
    """The file line where each data record starts (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts, previous_end = [], 0
    for i, record in enumerate(reader):
        if i > 0 and record:  # DictReader skips blank lines too
            starts.append(previous_end + 1)
        previous_end = reader.line_num
    return starts
