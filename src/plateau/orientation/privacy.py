"""Personal data of the orientations: what was said of the caller's place (the commune's INSEE code) next to
what they were oriented to. Reached through the person's contacts by the privacy page (export, erasure) and
blanked by the retention job (:mod:`plateau.leads.privacy` calls these through the capability's
:class:`~plateau.capabilities.PrivacyHooks`). The facts counted by the transfer rate (destination, theme, mode,
date) stay: they say nothing of the person once the contact is anonymised."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plateau.tenants.models import Programme

from .models import Orientation


def export(programme: Programme, contact_ids: list[int]) -> list[dict[str, Any]]:
    rows = (
        Orientation.objects.for_programme(programme)
        .filter(contact_id__in=contact_ids)
        .select_related("destination", "theme")
        .order_by("pk")
    )
    return [
        {
            "contact": o.contact_id,
            "at": o.at.isoformat(),
            "destination": o.destination.name,
            "theme": o.theme.label,
            "mode": o.get_mode_display(),
            "target": o.target,
            "commune_insee": o.commune_insee,
        }
        for o in rows
    ]


def erase(programme: Programme, contact_ids: list[int]) -> int:
    rows = Orientation.objects.for_programme(programme).filter(contact_id__in=contact_ids).exclude(commune_insee="")
    return int(rows.update(commune_insee=""))


def retention(cutoff: dt.datetime) -> int:
    return int(Orientation.objects.filter(at__lt=cutoff).exclude(commune_insee="").update(commune_insee=""))
