"""The orientations' personal data through the privacy services: exported with the person's data; the
commune's code blanked on erasure and by retention, while the transfer rate keeps counting them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plateau import capabilities
from plateau.leads.privacy import erase_person, export_person
from plateau.orientation import services
from plateau.orientation.access import transfer_rate
from plateau.orientation.models import Orientation
from plateau.tenants.models import AuditEntry

from . import builders

pytestmark = pytest.mark.usefixtures("reference_data")
PHONE = "06 12 34 56 78"


def _oriented(line: builders.Line) -> Orientation:
    contact = builders.call(line, phone=PHONE)
    return services.record_orientation(contact, actor=line.advisor, destination_id=line.mairie.pk,
                                       theme_code="titres", mode="number_given",
                                       commune_insee=builders.NEUILLY_PLAISANCE)  # fmt: skip


def test_given_an_orientation_when_exporting_then_erasing_the_person_then_exported_and_commune_blanked() -> None:
    line = builders.line()
    orientation = _oriented(line)
    data = export_person(line.programme, PHONE, actor=line.manager)
    [row] = data["capabilities"]["orientation"]
    assert (row["contact"], row["destination"], row["mode"], row["commune_insee"]) == (
        orientation.contact_id, "Mairie de Neuilly-Plaisance", "Numéro donné", "93049",
    )  # fmt: skip
    erase_person(line.programme, PHONE, actor=line.manager)
    orientation.refresh_from_db()
    assert orientation.commune_insee == "" and orientation.destination_id == line.mairie.pk
    assert AuditEntry.objects.get(action="person.erased").data["capabilities"]["orientation"] == 1


def test_given_old_orientations_when_retention_runs_then_their_commune_is_blanked_once_and_still_counted() -> None:
    line = builders.line()
    old, recent = _oriented(line), _oriented(line)
    Orientation.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=4 * 365))
    hooks = dict(capabilities.privacy_hooks())["orientation"]
    cutoff = timezone.now() - dt.timedelta(days=3 * 365)
    assert (hooks.retention(cutoff), hooks.retention(cutoff)) == (1, 0)
    assert Orientation.objects.get(pk=old.pk).commune_insee == ""
    assert Orientation.objects.get(pk=recent.pk).commune_insee == "93049"
    assert transfer_rate(line.programme).handled == 0  # nothing closed yet: the rate reads contacts, not places
