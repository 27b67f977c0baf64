"""Shared set-up of the geo benchmarks: Django on a throw-away SQLite database (or DATABASE_URL if given)."""

from __future__ import annotations

import os
import platform
import tempfile
from pathlib import Path


def django_on_temp_db(database_url: str | None) -> Path:
    """Configure and start Django on a fresh database; returns the temp folder (SQLite file inside)."""
    tmp = Path(tempfile.mkdtemp(prefix="plateau-bench-"))
    os.environ["PLATEAU_VAR_DIR"] = str(tmp)
    os.environ["PLATEAU_SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plateau.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return tmp


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"
