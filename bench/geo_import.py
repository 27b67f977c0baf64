"""Benchmark: import of the full official geodata (communes.csv ~36k rows) into an empty database, then again.

Usage: .venv/bin/python bench/geo_import.py [--dir /path/to/fr-geo] [--database-url postgres://...]
Default database: a throw-away SQLite file (WAL, as in production embedded mode).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _geo_setup import django_on_temp_db, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None, help="folder with communes.csv (default: shared data)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: temp SQLite)")
    args = parser.parse_args()
    django_on_temp_db(args.database_url)
    from django.db import connection

    from plateau.geo.services import import_communes

    print(f"machine: {machine()}; database: {connection.vendor}")
    for label in ("first import (empty tables)", "re-import (nothing changed)"):
        started = time.perf_counter()
        report = import_communes(args.dir)
        elapsed = time.perf_counter() - started
        print(
            f"{label}: {elapsed:.2f} s — rows {report.rows_read}, created {report.communes_created}, "
            f"updated {report.communes_updated}, unchanged {report.communes_unchanged}, "
            f"postal codes +{report.postal_codes_created}, skipped {len(report.skipped)}, "
            f"flagged {len(report.flagged)}"
        )


if __name__ == "__main__":
    main()
