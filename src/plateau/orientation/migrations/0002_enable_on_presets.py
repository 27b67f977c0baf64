"""Existing programmes of the kinds whose preset now includes orientation get it (after their other
capabilities), with its two wrap-up codes when they lack them (see tenants 0003 for the pattern)."""

from typing import Any

from django.db import migrations

# Frozen copies (tenants.models.CAPABILITY_PRESETS, orientation.capability presets) at the time of this migration.
KINDS = ("directory", "lead_dispatch", "public_information", "telecare", "it_assistance")
CODES = (
    ("transferred", "Transféré vers le service compétent", "transferred"),
    ("oriented", "Orienté vers le service compétent (numéro donné)", "oriented"),
)


def forwards(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("tenants", "Programme")
    ProgrammeCapability = apps.get_model("tenants", "ProgrammeCapability")
    WrapUpCode = apps.get_model("contacts", "WrapUpCode")
    for programme in Programme.objects.filter(kind__in=KINDS):
        enabled = ProgrammeCapability.objects.filter(programme=programme)
        if enabled.filter(capability="orientation").exists():
            continue
        last = enabled.order_by("-position").values_list("position", flat=True).first() or 0
        ProgrammeCapability.objects.create(programme=programme, capability="orientation", position=last + 10)
        existing = set(WrapUpCode.objects.filter(programme=programme).values_list("code", flat=True))
        position = WrapUpCode.objects.filter(programme=programme).order_by("-position").values_list(
            "position", flat=True
        ).first() or 0
        for code, label, category in CODES:
            if code not in existing:
                position += 10
                WrapUpCode.objects.create(
                    programme=programme, code=code, label_fr=label, category=category, position=position
                )


class Migration(migrations.Migration):
    dependencies = [
        ("orientation", "0001_initial"),
        ("tenants", "0004_verbose_plural_names"),
        ("contacts", "0006_verbose_plural_names"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
