"""Each programme gets its own copy of the codes (its presets, and every shared code its contacts used), its
contacts point to the copies, and the shared codes go. Categories move to the new list."""

import datetime as dt
from typing import Any

from django.db import migrations

CATEGORY = {"answered": "handled", "unmet": "handled", "follow_up": "other"}
EXCLUDED = {"nuisance_prank", "wrong_number", "silent_call", "cut_off"}
# Frozen copy of the presets at the time of this migration: (code, label, category, excluded).
DIRECTORY = [
    ("details_given", "Coordonnées de prestataires données", "handled", False),
    ("no_provider_found", "Aucun prestataire trouvé", "handled", False),
    ("information_only", "Information seule", "handled", False),
    ("transferred_urssaf", "Transféré à l'URSSAF (CESU / question juridique)", "transferred", False),
    ("oriented_elsewhere", "Orienté vers un autre organisme", "oriented", False),
    ("callback_requested", "Rappel demandé", "other", False),
]
LEADS = [("lead_forwarded", "Demande transmise à un prestataire", "handled", False)]
KIND = {
    "telecare": [
        ("emergency", "Urgence : secours déclenchés", "emergency", False),
        ("welfare_isolation", "Appel de convivialité / isolement", "handled", False),
        ("technical_alarm", "Alarme technique (matériel, pile, ligne)", "other", False),
        ("false_alarm", "Fausse alarme", "other", False),
    ],
    "eligibility": [
        ("application", "Demande d'ouverture de droits", "handled", False),
        ("renewal", "Renouvellement", "handled", False),
        ("status_enquiry", "Suivi d'un dossier", "handled", False),
        ("ineligible_oriented", "Non éligible, orienté", "oriented", False),
    ],
    "it_assistance": [
        ("installation", "Installation", "handled", False),
        ("training", "Formation", "handled", False),
        ("troubleshooting", "Dépannage", "handled", False),
        ("sale", "Vente", "other", False),
    ],
    "public_information": [
        ("answered", "Réponse apportée", "handled", False),
        ("oriented", "Orienté vers l'administration compétente", "oriented", False),
        ("transferred", "Transféré à l'administration compétente", "transferred", False),
    ],
}
FRAME = [
    ("nuisance_prank", "Appel malveillant / canular", "nuisance", True),
    ("wrong_number", "Erreur de numéro", "nuisance", True),
    ("silent_call", "Appel muet", "nuisance", True),
    ("cut_off", "Appel coupé", "nuisance", True),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    WrapUpCode = apps.get_model("contacts", "WrapUpCode")
    Contact = apps.get_model("contacts", "Contact")
    Programme = apps.get_model("tenants", "Programme")
    ProgrammeCapability = apps.get_model("tenants", "ProgrammeCapability")
    shared = {c.pk: c for c in WrapUpCode.objects.filter(programme__isnull=True)}
    for programme in Programme.objects.all():
        caps = set(ProgrammeCapability.objects.filter(programme=programme).values_list("capability", flat=True))
        presets = (DIRECTORY if "directory" in caps else []) + (LEADS if "leads" in caps else [])
        presets += KIND.get(programme.kind, []) + FRAME
        copies: dict[str, Any] = {}
        for i, (code, label, category, excluded) in enumerate(presets):
            copies.setdefault(
                code,
                WrapUpCode(
                    programme=programme, code=code, label_fr=label, category=category,
                    excluded_from_kpis=excluded, position=10 * (i + 1), introduced_on=dt.date(2024, 1, 1),
                ),
            )  # fmt: skip
        used = Contact.objects.filter(programme=programme, wrap_up__isnull=False).values_list("wrap_up_id", flat=True)
        for pk in set(used):
            old = shared.get(pk)
            if old is None:
                continue
            copy = copies.get(old.code)
            if copy is None:  # a code the programme used outside its presets: kept, retired, to count its past
                copy = copies[old.code] = WrapUpCode(
                    programme=programme, code=old.code, category=CATEGORY.get(old.category, old.category),
                    excluded_from_kpis=old.code in EXCLUDED, position=old.position, label_fr=old.label_fr,
                    introduced_on=dt.date(2024, 1, 1), retired_on=dt.date.today(),
                )  # fmt: skip
            else:
                copy.label_fr = old.label_fr  # an edited label stays
        for copy in copies.values():
            copy.save()
        for old in shared.values():
            if old.code in copies:
                Contact.objects.filter(programme=programme, wrap_up_id=old.pk).update(wrap_up_id=copies[old.code].pk)
    WrapUpCode.objects.filter(programme__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_wrap_up_codes_per_programme")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
