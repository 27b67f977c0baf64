from django.db import migrations

from plateau.contacts.wrap_up_codes import seed_wrap_up_codes


def seed(apps, schema_editor):
    seed_wrap_up_codes(apps.get_model("contacts", "WrapUpCode"))


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
