"""Data migration: the 26 official activities, from the pure table in plateau.domain.directory.activities."""

from django.db import migrations

from plateau.directory.activities import sync_activities


def load(apps, schema_editor):
    sync_activities(apps.get_model("directory", "Activity"))


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
