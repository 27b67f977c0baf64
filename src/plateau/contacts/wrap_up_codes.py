"""The wrap-up codes every programme starts with (seeded by migration 0002; edited in the admin)."""

from __future__ import annotations

from typing import Any

# (code, French label, category, position)
DEFAULT_WRAP_UP_CODES: list[tuple[str, str, str, int]] = [
    ("details_given", "Coordonnées de prestataires données", "answered", 10),
    ("no_provider_found", "Aucun prestataire trouvé", "unmet", 20),
    ("information_only", "Information seule", "answered", 30),
    ("transferred_urssaf", "Transféré à l'URSSAF (CESU / question juridique)", "oriented", 40),
    ("oriented_elsewhere", "Orienté vers un autre organisme", "oriented", 50),
    ("callback_requested", "Rappel demandé", "follow_up", 60),
    ("nuisance_prank", "Appel malveillant / canular", "nuisance", 70),
    ("wrong_number", "Erreur de numéro", "nuisance", 80),
    ("silent_call", "Appel muet", "nuisance", 90),
    ("cut_off", "Appel coupé", "nuisance", 100),
]


def seed_wrap_up_codes(model: Any) -> int:
    """Create the missing default codes (never overwrites an edited label); returns how many were created.

    ``model`` is the WrapUpCode model: the historical one inside the data migration, the real one elsewhere
    (tests run without migrations).
    """
    existing = set(model.objects.values_list("code", flat=True))
    missing = [
        model(code=code, label_fr=label, category=category, position=position)
        for code, label, category, position in DEFAULT_WRAP_UP_CODES
        if code not in existing
    ]
    model.objects.bulk_create(missing)
    return len(missing)
