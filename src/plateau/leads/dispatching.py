"""Choosing the provider of a lead: the directory's eligibility and rotation, then weighted fair dispatch.

The directory's :func:`search_providers` decides who is eligible (activity, area, status valid on the date,
absences, accepting new clients) and in which rotation order, and records the search and its proposals.
This module removes providers already tried for the lead and those whose weekly capacity is used up by
leads, then asks :func:`plateau.domain.leads.dispatch.choose` for the one furthest behind its target share.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils import timezone

from plateau.directory.models import Provider, QualityAudit
from plateau.directory.services import search_providers
from plateau.domain.leads import dispatch
from plateau.domain.leads.lifecycle import SlaPolicy
from plateau.geo.errors import CommuneWithoutCoordinates
from plateau.tenants.models import Programme, User

from .models import DispatchSettings, Lead, LeadProposal


def settings_for(programme: Programme) -> DispatchSettings:
    found = DispatchSettings.objects.filter(programme=programme).first()
    return found if found is not None else DispatchSettings(programme=programme)


def policy_of(s: DispatchSettings) -> dispatch.DispatchPolicy:
    return dispatch.DispatchPolicy(
        network_weights={str(k): float(v) for k, v in (s.network_weights or {}).items()},
        default_weight=s.default_weight,
        distance_scale_km=s.distance_scale_km,
        quality_exponent=s.quality_exponent,
    )


def sla_of(s: DispatchSettings) -> SlaPolicy:
    reminders = tuple(float(h) for h in (s.reminder_hours_before or [24.0, 4.0]))
    return SlaPolicy(s.call_back_hours, reminders, s.feedback_days_after_service)


def quality_scores(provider_ids: list[int], audits: dict[int, float] | None = None) -> dict[int, float]:
    """Quality 0-100 per provider: the latest audit and the clients' survey average (1-5 → 0-100), averaged
    when both exist. Providers with neither are absent (the dispatcher then uses its neutral value).

    ``audits``: the latest audit scores when the caller already has them (the directory's search reads them)."""
    if audits is None:
        audits = {}
        for pid, score in (
            QualityAudit.objects.filter(provider_id__in=provider_ids).order_by("provider_id", "date", "id")
        ).values_list("provider_id", "score"):
            audits[pid] = float(score)  # ordered by date: the last one wins
    from .models import Survey

    surveys = (
        {
            pid: (avg - 1.0) * 25.0
            for pid, avg in Survey.objects.filter(provider_id__in=provider_ids, score__isnull=False)
            .values("provider_id")
            .annotate(avg=Avg("score"))
            .values_list("provider_id", "avg")
        }
        if provider_ids
        else {}
    )
    out: dict[int, float] = {}
    for pid in provider_ids:
        values = [v for v in (audits.get(pid), surveys.get(pid)) if v is not None]
        if values:
            out[pid] = sum(values) / len(values)
    return out


@dataclass(frozen=True)
class DispatchOutcome:
    provider: Provider | None
    decision: dispatch.Decision


def choose_provider(
    lead: Lead, *, actor: User | None, now: dt.datetime | None = None, settings: DispatchSettings | None = None
) -> DispatchOutcome:
    """Pick the provider for ``lead``'s next attempt and record every candidate (:class:`LeadProposal`).

    Call inside the transaction that sends the lead. Database round trips are counted (docs/benchmarks.md):
    the directory's search, one read of past and weekly shares, one of survey scores, one insert of the
    audit rows; providers already tried are read only from the second attempt on.
    """
    now = now or timezone.now()
    s = settings if settings is not None else settings_for(lead.programme)
    try:
        outcome = search_providers(
            programme=lead.programme,
            actor=actor,
            activity=lead.activity,
            commune=lead.commune,
            radius_km=s.radius_km,
            on_date=lead.need_date,
            limit=50,
        )
    except CommuneWithoutCoordinates:
        # No distance search possible: nobody can be chosen automatically (the sweep must not crash on it).
        return DispatchOutcome(None, dispatch.Decision(None, ()))
    tried = (
        set(LeadProposal.objects.filter(lead=lead, chosen=True).values_list("provider_id", flat=True))
        if lead.attempt
        else set()
    )
    matches = [m for m in outcome.matches if m.provider.pk not in tried]
    ids = [m.provider.pk for m in matches]
    since = now - dt.timedelta(days=s.share_window_days)
    week_start = now - dt.timedelta(days=7)
    past: dict[int, int] = defaultdict(int)
    week: dict[int, int] = defaultdict(int)
    if ids:  # past share and this week's load in one read
        for pid, n_past, n_week in (
            Lead.objects.filter(programme=lead.programme, provider_id__in=ids, sent_at__gte=min(since, week_start))
            .values("provider_id")
            .annotate(
                n_past=Count("id", filter=Q(sent_at__gte=since)),
                n_week=Count("id", filter=Q(sent_at__gte=week_start)),
            )
            .values_list("provider_id", "n_past", "n_week")
        ):
            past[pid], week[pid] = n_past, n_week
    matches = [
        m for m in matches if m.provider.capacity_per_week is None or week[m.provider.pk] < m.provider.capacity_per_week
    ]
    audits = {m.provider.pk: float(m.quality_score) for m in matches if m.quality_score is not None}
    quality = quality_scores(ids, audits)
    candidates = [
        dispatch.Candidate(
            m.provider.pk, m.provider.network, m.distance_km, quality.get(m.provider.pk), past[m.provider.pk]
        )
        for m in matches
    ]
    decision = dispatch.choose(candidates, policy_of(s))
    attempt = lead.attempt + 1
    LeadProposal.objects.bulk_create(
        LeadProposal(
            programme=lead.programme,
            lead=lead,
            attempt=attempt,
            provider_id=sc.candidate.provider_id,
            network=sc.candidate.network,
            rotation_rank=i,
            distance_km=sc.candidate.distance_km,
            quality=sc.candidate.quality,
            past_leads=sc.candidate.past_leads,
            weight=sc.weight,
            target_share=sc.target_share,
            deficit=sc.deficit,
            chosen=decision.chosen is not None and sc.candidate.provider_id == decision.chosen.provider_id,
            at=now,
        )
        for i, sc in enumerate(decision.scored, start=1)
    )
    chosen = None
    if decision.chosen is not None:
        chosen = next(m.provider for m in matches if m.provider.pk == decision.chosen.provider_id)
    return DispatchOutcome(chosen, decision)
