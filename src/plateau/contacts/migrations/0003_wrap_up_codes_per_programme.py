import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_seed_wrap_up_codes"), ("tenants", "0003_capabilities_from_kind")]

    operations = [
        migrations.AddField(
            model_name="wrapupcode",
            name="programme",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenants.programme"
            ),
        ),
        migrations.AddField(
            model_name="wrapupcode",
            name="excluded_from_kpis",
            field=models.BooleanField(
                default=False,
                help_text="Appel parasite, erreur de numéro, appel muet…",
                verbose_name="hors indicateurs de service",
            ),
        ),
        migrations.AddField(
            model_name="wrapupcode",
            name="introduced_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="en service depuis le"),
        ),
        migrations.AddField(
            model_name="wrapupcode",
            name="retired_on",
            field=models.DateField(blank=True, null=True, verbose_name="retiré le"),
        ),
        migrations.AlterField(
            model_name="wrapupcode", name="code", field=models.CharField(max_length=32, verbose_name="code")
        ),
    ]
