"""Migration orientation 0002: existing programmes of the kinds whose preset now includes orientation get it,
last on their desk, with its two wrap-up codes; transport eligibility does not; a programme that has it is
left alone. (The suite runs with ``--no-migrations``: the data step is run here on current models.)"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from plateau.contacts.models import WrapUpCode
from plateau.tenants.models import ProgrammeKind
from plateau.tenants.services import set_capabilities
from tests import factories

migration = importlib.import_module("plateau.orientation.migrations.0002_enable_on_presets")


@pytest.mark.usefixtures("reference_data")
def test_given_programmes_before_orientation_when_migrating_then_the_preset_kinds_get_it_last_with_its_codes() -> None:
    national, transport = (
        factories.programme(kind=ProgrammeKind.DIRECTORY),
        factories.programme(kind=ProgrammeKind.ELIGIBILITY),
    )
    telecare = factories.programme(kind=ProgrammeKind.TELECARE)
    set_capabilities(national, ["leads", "directory"])  # as an admin left it, before orientation existed
    WrapUpCode.objects.filter(programme=national, code__in=["oriented", "transferred"]).delete()
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    for p in (national, transport, telecare):
        p.refresh_from_db()
    assert national.capability_codes() == ["leads", "directory", "orientation"]
    assert transport.capability_codes() == ["eligibility"] and telecare.capability_codes() == [
        "knowledge",
        "orientation",
    ]
    codes = {c.code: c.category for c in WrapUpCode.objects.for_programme(national)}
    assert (codes["transferred"], codes["oriented"]) == ("transferred", "oriented")
    assert not WrapUpCode.objects.for_programme(transport).filter(code__in=["oriented", "transferred"]).exists()
