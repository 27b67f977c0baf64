"""Writes of the geo app: importing the official geodata (and the demo fixture) into the commune tables.

The read API lives in :mod:`plateau.geo.access`; it is re-exported here so callers may use either module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from plateau.events import Event, publish_on_commit
from plateau.tenants.services import record_audit

from .access import CommuneResolution, commune_by_insee, communes_within, resolve_commune
from .catalogue import mark_geodata_changed
from .errors import GeoImportError
from .importing import ImportReport, import_files

__all__ = [
    "DEMO_COMMUNES_CSV",
    "DEMO_FIXTURE_DIR",
    "CommuneResolution",
    "GeodataImported",
    "ImportReport",
    "commune_by_insee",
    "communes_within",
    "default_geodata_dir",
    "import_communes",
    "load_demo_communes",
    "mark_geodata_changed",
    "resolve_commune",
]

DEMO_FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "demo"
# Named apart from the official file so that nobody takes the 391-row fixture for a copy of it.
DEMO_COMMUNES_CSV = DEMO_FIXTURE_DIR / "communes_demo.csv"


@dataclass(frozen=True)
class GeodataImported(Event):
    """The commune tables were rewritten by an import (programme_id is None: reference data)."""


def default_geodata_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "fr-geo"


def import_communes(
    source: Path | str | None = None, *, departements: Path | None = None, regions: Path | None = None
) -> ImportReport:
    """Import official geodata: a directory with communes.csv (+ departements.csv, regions.csv if present),
    or a single communes-format CSV file (with optional ``departements`` and ``regions`` files).
    Idempotent: re-importing updates changed rows only.

    Raises :class:`~plateau.geo.errors.GeoImportError` when the source or a required column is missing; bad
    rows are reported in the returned :class:`ImportReport`, never raised.
    """
    path = Path(source) if source is not None else default_geodata_dir()
    if path.is_dir():
        communes = path / "communes.csv"
        if not communes.is_file():
            raise GeoImportError(f"Aucun fichier communes.csv dans {path}")
        departements = path / "departements.csv"
        regions = path / "regions.csv"
        files = {
            "departements_csv": departements if departements.is_file() else None,
            "regions_csv": regions if regions.is_file() else None,
        }
    elif path.is_file():
        communes, files = path, {"departements_csv": departements, "regions_csv": regions}
    else:
        raise GeoImportError(f"Source introuvable : {path}")
    with transaction.atomic():
        report = import_files(communes, **files)
        mark_geodata_changed()
        record_audit(
            action="geo.communes_imported",
            actor=None,
            programme=None,
            source=str(path),
            created=report.communes_created,
            updated=report.communes_updated,
            skipped=len(report.skipped),
            flagged=len(report.flagged),
        )
        publish_on_commit(GeodataImported(programme_id=None))
    return report


def load_demo_communes() -> ImportReport:
    """Load the small built-in fixture of real communes (demo and tests); idempotent."""
    return import_communes(
        DEMO_COMMUNES_CSV,
        departements=DEMO_FIXTURE_DIR / "departements.csv",
        regions=DEMO_FIXTURE_DIR / "regions.csv",
    )
