from django.db import migrations

# Superseded: wrap-up codes became per programme (0003-0005); 0004 converts the codes this migration used
# to seed on databases that already ran it. Kept as a no-op so the migration graph does not change.


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
