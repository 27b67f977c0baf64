"""Existing programmes of the eligibility kind get the eligibility capability (their kind's preset). Their
wrap-up codes are already there: the capability's presets are the codes the kind had."""

from typing import Any

from django.db import migrations

# Frozen copy, at the time of this migration, of the eligibility kind's preset.
KIND = "eligibility"
CODE = "eligibility"


def forwards(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("tenants", "Programme")
    ProgrammeCapability = apps.get_model("tenants", "ProgrammeCapability")
    for programme in Programme.objects.filter(kind=KIND):
        if ProgrammeCapability.objects.filter(programme=programme, capability=CODE).exists():
            continue
        last = ProgrammeCapability.objects.filter(programme=programme).order_by("-position").first()
        ProgrammeCapability.objects.create(
            programme=programme, capability=CODE, position=(last.position if last else 0) + 10
        )


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0001_initial"), ("tenants", "0004_verbose_plural_names")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
