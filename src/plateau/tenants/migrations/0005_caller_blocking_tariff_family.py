"""Issue 10 items 5 and 7: the caller-blocking flag (false on telecare lines, whose calls may be distress
calls), the tariffs' change time (the SIP gateway reloads on it) and the caller costs named by ARCEP family."""

from django.db import migrations, models


def no_blocking_on_telecare(apps, schema_editor):
    Programme = apps.get_model("tenants", "Programme")
    Programme.objects.filter(kind="telecare").update(allows_caller_blocking=False)


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0004_verbose_plural_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='numbertariff',
            name='updated_at',
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name='programme',
            name='allows_caller_blocking',
            field=models.BooleanField(default=True, help_text='Un superviseur peut faire entendre un court message aux numéros importuns au lieu de les mettre en file. Jamais pour une ligne qui peut recevoir des appels de détresse (téléassistance).', verbose_name="blocage d'appelants importuns permis"),
        ),
        migrations.AlterField(
            model_name='numbertariff',
            name='caller_cost',
            field=models.CharField(choices=[('free', 'Gratuit (service et appel)'), ('free_service', "Banalisé : service gratuit + prix d'un appel"), ('local_rate', "Banalisé : prix d'un appel local"), ('surcharged', "Majoré : service payant + prix d'un appel")], max_length=20, verbose_name="coût pour l'appelant"),
        ),
        migrations.RunPython(no_blocking_on_telecare, migrations.RunPython.noop),
    ]
