from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from plateau.geo.importing import ImportReport
from plateau.geo.models import Commune, Department, GeoDataVersion, PostalCode, Region
from plateau.geo.services import load_demo_communes
from plateau.tenants.models import AuditEntry


@pytest.fixture
def demo_communes(db: None) -> ImportReport:
    """The built-in fixture of ~340 real communes (Paris, Lyon, Guéret, homonyms...), loaded for the test."""
    return load_demo_communes()


@pytest.fixture(scope="module")
def demo_communes_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[ImportReport]:
    """The demo fixture loaded once for a module of read-only tests (each test still runs in a transaction
    rolled back at its end); removed when the module is done so other modules start from empty tables."""
    with django_db_blocker.unblock():
        report = load_demo_communes()
    yield report
    with django_db_blocker.unblock():
        PostalCode.objects.all().delete()
        Commune.objects.all().delete()
        Department.objects.all().delete()
        Region.objects.all().delete()
        GeoDataVersion.objects.all().delete()
        AuditEntry.objects.filter(action="geo.communes_imported").delete()
