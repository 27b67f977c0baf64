import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_wrap_up_codes_to_programmes")]

    operations = [
        migrations.AlterField(
            model_name="wrapupcode",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenants.programme"
            ),
        ),
        migrations.RemoveField(model_name="wrapupcode", name="is_active"),
        migrations.AlterField(
            model_name="wrapupcode",
            name="category",
            field=models.CharField(
                choices=[
                    ("handled", "Demande traitée"),
                    ("oriented", "Orientation"),
                    ("transferred", "Transfert"),
                    ("nuisance", "Appel parasite"),
                    ("emergency", "Urgence"),
                    ("other", "Autre"),
                ],
                max_length=16,
                verbose_name="catégorie",
            ),
        ),
        migrations.AlterField(
            model_name="wrapupcode",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="ordre"),
        ),
        migrations.AlterModelOptions(
            name="wrapupcode",
            options={
                "ordering": ["programme", "position", "code"],
                "verbose_name": "code de clôture",
                "verbose_name_plural": "codes de clôture",
            },
        ),
        migrations.AddConstraint(
            model_name="wrapupcode",
            constraint=models.UniqueConstraint(fields=("programme", "code"), name="wrap_up_code_once_per_programme"),
        ),
    ]
