"""Existing programmes get the capabilities of their kind's preset (the kind becomes only a preset)."""

from typing import Any

from django.db import migrations

# Frozen copy of tenants.models.CAPABILITY_PRESETS at the time of this migration.
PRESETS = {"directory": ("directory",), "lead_dispatch": ("directory", "leads")}


def forwards(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("tenants", "Programme")
    ProgrammeCapability = apps.get_model("tenants", "ProgrammeCapability")
    for programme in Programme.objects.all():
        if ProgrammeCapability.objects.filter(programme=programme).exists():
            continue
        ProgrammeCapability.objects.bulk_create(
            ProgrammeCapability(programme=programme, capability=code, position=10 * (i + 1))
            for i, code in enumerate(PRESETS.get(programme.kind, ()))
        )


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_programme_capabilities")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
