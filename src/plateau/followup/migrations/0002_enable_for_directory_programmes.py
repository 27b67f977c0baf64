"""Existing programmes of the kinds whose preset now includes the follow-up get it, right after their
provider directory (a programme whose admin removed the directory is left as it is)."""

from typing import Any

from django.db import migrations

# Frozen copy of the kinds of tenants.models.CAPABILITY_PRESETS that include "followup" at this migration.
KINDS = ("directory", "lead_dispatch")


def forwards(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("tenants", "Programme")
    ProgrammeCapability = apps.get_model("tenants", "ProgrammeCapability")
    for programme in Programme.objects.filter(kind__in=KINDS):
        rows = list(ProgrammeCapability.objects.filter(programme=programme).order_by("position", "pk"))
        codes = [r.capability for r in rows]
        if "followup" in codes or "directory" not in codes:
            continue
        # Positions are renumbered 10, 20, … with the follow-up after the directory.
        at = codes.index("directory") + 1
        codes.insert(at, "followup")
        ProgrammeCapability.objects.filter(programme=programme).delete()
        ProgrammeCapability.objects.bulk_create(
            ProgrammeCapability(programme=programme, capability=code, position=10 * (i + 1))
            for i, code in enumerate(codes)
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("tenants", "ProgrammeCapability").objects.filter(capability="followup").delete()


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial"), ("tenants", "0004_verbose_plural_names")]
    operations = [migrations.RunPython(forwards, backwards)]
