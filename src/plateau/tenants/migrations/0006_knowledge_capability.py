"""Existing public-information, telecare and personal-services programmes get the knowledge base capability
(added last on their desk; a programme that already has it keeps its position)."""

from typing import Any

from django.db import migrations

# Frozen: the kinds whose preset gained "knowledge" (tenants.models.CAPABILITY_PRESETS).
KINDS = ("public_information", "telecare", "directory")


def forwards(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("tenants", "Programme")
    ProgrammeCapability = apps.get_model("tenants", "ProgrammeCapability")
    for programme in Programme.objects.filter(kind__in=KINDS):
        rows = ProgrammeCapability.objects.filter(programme=programme)
        if rows.filter(capability="knowledge").exists():
            continue
        last = max(rows.values_list("position", flat=True), default=0)
        ProgrammeCapability.objects.create(programme=programme, capability="knowledge", position=last + 10)


def backwards(apps: Any, schema_editor: Any) -> None:
    ProgrammeCapability = apps.get_model("tenants", "ProgrammeCapability")
    ProgrammeCapability.objects.filter(capability="knowledge").delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0005_caller_blocking_tariff_family")]
    operations = [migrations.RunPython(forwards, backwards)]
