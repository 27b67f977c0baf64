"""Loading the official activity table (pure data in plateau.domain) into the Activity model."""

from __future__ import annotations

from typing import Any

from plateau.domain.directory.activities import ACTIVITIES


def sync_activities(activity_model: Any) -> int:
    """Create or update the 26 activities; used by the data migration (historical model) and by tests.

    Returns how many rows were created.
    """
    created = 0
    for a in ACTIVITIES:
        _, was_created = activity_model.objects.update_or_create(
            code=a.code,
            defaults={
                "label_fr": a.label_fr,
                "label_en": a.label_en,
                "regime": a.regime.value,
                "family": a.family.value,
            },
        )
        created += int(was_created)
    return created
