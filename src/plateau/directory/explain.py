"""The providers of a search as the advisor reads them: why each is at its rank (distance band, quality,
rotation among equals, per plateau.domain.directory.ranking), where it is, when it is open, what it does."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from plateau.contacts.models import Contact
from plateau.directory.models import ProviderActivity, ProviderProposal, QualityAudit
from plateau.domain.directory import ranking
from plateau.ivr.preview import DAYS, week_ranges


@dataclass(frozen=True)
class ProposalRow:
    proposal: ProviderProposal
    band: str
    quality: str
    rotation: str
    address: str
    hours: list[str]
    activities: list[str]


def _band(distance_km: float) -> str:
    low = ranking.distance_band(distance_km) * ranking.DISTANCE_BAND_KM
    return _("%(a)s à %(b)s km") % {"a": f"{low:.0f}", "b": f"{low + ranking.DISTANCE_BAND_KM:.0f}"}


def _quality(score: int | None) -> str:
    if score is None:
        return _("standard (jamais auditée)")
    words = {0: _("élevée"), 1: _("standard"), 2: _("faible")}[ranking.quality_band(score)]
    return _("%(words)s (audit : %(score)s/100)") % {"words": words, "score": score}


def _hours(opening_hours: object) -> list[str]:
    if not isinstance(opening_hours, dict) or not opening_hours:
        return []
    return [f"{label} : {week_ranges(opening_hours.get(day))}" for day, label in DAYS.items() if day in opening_hours]


def proposal_rows(proposals: list[ProviderProposal]) -> list[ProposalRow]:
    """One row per proposal, in rank order (``proposals`` carry their provider and its base commune)."""
    ids = [p.provider_id for p in proposals]
    latest = QualityAudit.objects.filter(provider=OuterRef("provider")).order_by("-date", "-pk").values("score")[:1]
    scores = dict(
        QualityAudit.objects.filter(provider_id__in=ids)
        .annotate(latest=Subquery(latest))
        .values_list("provider_id", "latest")
        .distinct()
    )
    activities: dict[int, list[str]] = {}
    for pa in (
        ProviderActivity.objects.filter(provider_id__in=ids).select_related("activity").order_by("activity__code")
    ):
        activities.setdefault(pa.provider_id, []).append(f"{pa.activity.label_fr} ({pa.activity.code})")
    groups = [
        (ranking.distance_band(p.distance_km), ranking.quality_band(scores.get(p.provider_id))) for p in proposals
    ]
    sizes, seen = Counter(groups), Counter[tuple[int, int]]()
    rows = []
    for p, group in zip(proposals, groups, strict=True):
        seen[group] += 1
        rotation = (
            _("seul à ce niveau")
            if sizes[group] == 1
            else _("tour de rôle : %(i)s sur %(n)s à égalité") % {"i": seen[group], "n": sizes[group]}
        )
        provider = p.provider
        commune = provider.base_commune
        address = ", ".join(x for x in (provider.address, f"{provider.postal_code} {commune.name}".strip()) if x)
        rows.append(
            ProposalRow(
                proposal=p,
                band=_band(p.distance_km),
                quality=_quality(scores.get(p.provider_id)),
                rotation=rotation,
                address=address,
                hours=_hours(provider.opening_hours),
                activities=activities.get(p.provider_id, []),
            )
        )
    return rows


def providers_map(contact: Contact, proposals: list[ProviderProposal]) -> dict[str, object] | None:
    """What the desk's small map draws: the caller's commune and the proposed providers' base communes."""
    commune = contact.commune
    if commune is None or commune.latitude is None or commune.longitude is None or not proposals:
        return None
    providers = [
        {
            "rank": p.rank,
            "name": str(p.provider),
            "lat": p.provider.base_commune.latitude,
            "lon": p.provider.base_commune.longitude,
        }
        for p in proposals
        if p.provider.base_commune.latitude is not None and p.provider.base_commune.longitude is not None
    ]
    return {"caller": {"name": commune.name, "lat": commune.latitude, "lon": commune.longitude}, "providers": providers}
