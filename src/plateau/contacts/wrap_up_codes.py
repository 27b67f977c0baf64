"""The wrap-up codes a programme starts with: the frame's own (nuisance, excluded from service KPIs), the
presets of its capabilities (``plateau.capabilities``), and the codes of its kind's reference programme
(programmes.md) until those programmes get their own capabilities. The programme manager edits them after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from plateau import capabilities
from plateau.capabilities import EMERGENCY, HANDLED, NUISANCE, ORIENTED, OTHER, TRANSFERRED, WrapUpPreset

# Every programme: a contact that was no real request (excluded from the service KPIs).
FRAME_CODES: tuple[WrapUpPreset, ...] = (
    WrapUpPreset("nuisance_prank", "Appel malveillant / canular", NUISANCE, excluded_from_kpis=True),
    WrapUpPreset("wrong_number", "Erreur de numéro", NUISANCE, excluded_from_kpis=True),
    WrapUpPreset("silent_call", "Appel muet", NUISANCE, excluded_from_kpis=True),
    WrapUpPreset("cut_off", "Appel coupé", NUISANCE, excluded_from_kpis=True),
)

# The reference programmes whose desk capabilities do not exist yet (telecare, eligibility, IT, public
# information: issue 10 item 8). When their capability lands, these move into its ``wrap_up_presets``.
KIND_CODES: dict[str, tuple[WrapUpPreset, ...]] = {
    "telecare": (
        WrapUpPreset("emergency", "Urgence : secours déclenchés", EMERGENCY),
        WrapUpPreset("welfare_isolation", "Appel de convivialité / isolement", HANDLED),
        WrapUpPreset("technical_alarm", "Alarme technique (matériel, pile, ligne)", OTHER),
        WrapUpPreset("false_alarm", "Fausse alarme", OTHER),
    ),
    "it_assistance": (
        WrapUpPreset("installation", "Installation", HANDLED),
        WrapUpPreset("training", "Formation", HANDLED),
        WrapUpPreset("troubleshooting", "Dépannage", HANDLED),
        WrapUpPreset("sale", "Vente", OTHER),
    ),
    "public_information": (
        WrapUpPreset("answered", "Réponse apportée", HANDLED),
        WrapUpPreset("oriented", "Orienté vers l'administration compétente", ORIENTED),
        WrapUpPreset("transferred", "Transféré à l'administration compétente", TRANSFERRED),
    ),
}


def presets_for(capability_codes: list[str], kind: str = "") -> list[WrapUpPreset]:
    """The programme's default codes, in display order: its capabilities', its kind's, then the frame's."""
    seen: dict[str, WrapUpPreset] = {}
    for preset in (*capabilities.wrap_up_presets_for(capability_codes), *KIND_CODES.get(kind, ()), *FRAME_CODES):
        seen.setdefault(preset.code, preset)
    return list(seen.values())


def seed_programme_codes(programme: Any, *, model: Any = None, today: dt.date | None = None) -> int:
    """Create the programme's missing default codes (never overwrites an edited one); returns how many.

    ``model`` is the WrapUpCode model (the historical one in a data migration); ``programme`` needs
    ``capability_codes()`` or a ``_capability_codes`` list, and ``kind``.
    """
    if model is None:
        from .models import WrapUpCode as model
    codes = programme.capability_codes() if hasattr(programme, "capability_codes") else programme._capability_codes
    with transaction.atomic():
        existing = set(model.objects.filter(programme=programme).values_list("code", flat=True))
        missing = [
            model(
                programme=programme,
                code=p.code,
                label_fr=p.label_fr,
                category=p.category,
                excluded_from_kpis=p.excluded_from_kpis,
                position=10 * (i + 1),
                introduced_on=today or timezone.localdate(),
            )
            for i, p in enumerate(presets_for(codes, programme.kind))
            if p.code not in existing
        ]
        model.objects.bulk_create(missing)
    return len(missing)


def seed_wrap_up_codes(model: Any = None) -> int:
    """Seed the default codes of every programme (test fixtures; ``manage.py`` after adding a programme)."""
    from plateau.tenants.models import Programme

    return sum(seed_programme_codes(p, model=model) for p in Programme.objects.all())
