"""Migration eligibility 0002: existing programmes of the eligibility kind get the capability, once."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from plateau.tenants.models import ProgrammeKind
from plateau.tenants.services import set_capabilities
from tests import factories

migration = import_module("plateau.eligibility.migrations.0002_capability_for_transport_programmes")


@pytest.mark.django_db
def test_given_programmes_from_before_the_capability_when_migrating_then_transport_gets_it_once() -> None:
    transport = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    set_capabilities(transport, [])  # as tenants 0003 left it: the eligibility preset was empty
    national = factories.programme(kind=ProgrammeKind.DIRECTORY)
    national_before = national.capability_codes()
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    transport.refresh_from_db()
    national.refresh_from_db()
    assert transport.capability_codes() == ["eligibility"]
    assert national.capability_codes() == national_before  # another kind is left alone
