"""Weighted fair dispatch: which eligible provider receives the next lead.

The directory decides who is *eligible* (activity, area, status valid on the date, absences, capacity) and
in which rotation order; this module decides who among them gets the lead, so that over time each
competitor's share of leads converges to its *target weight*:

    target weight  w_i = network weight (configured per programme, default 1)
                         x distance factor   1 / (1 + distance_km / distance_scale_km)
                         x quality factor    (quality / 100) ** quality_exponent   (unknown quality: 0.75)

and the lead goes to the candidate with the largest *deficit* between the leads it should have had and the
leads it had::

    deficit_i = w_i / Σw x (Σ past_i + 1) - past_i

(the "largest remainder" / deficit round-robin rule: deterministic, no randomness to audit, and the gap
between actual and target counts stays bounded by one lead per competitor when the candidate set is
stable). Ties go to the directory's rotation order (the candidates' order as given). Every candidate's
figures are returned so that the choice can be shown to the programme owner (neutrality).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from plateau.domain.errors import DomainError

UNKNOWN_QUALITY = 75.0


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    """Per-programme configuration of the weights (see the module docstring)."""

    network_weights: Mapping[str, float] = field(default_factory=dict)
    default_weight: float = 1.0
    distance_scale_km: float = 10.0
    quality_exponent: float = 1.0

    def __post_init__(self) -> None:
        if self.default_weight < 0 or any(w < 0 for w in self.network_weights.values()):
            raise DomainError("Un poids ne peut pas être négatif.", field="network_weights")
        if self.distance_scale_km <= 0:
            raise DomainError("L'échelle de distance doit être positive.", field="distance_scale_km")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible provider as the dispatcher sees it; ``past_leads``: leads it received in the window."""

    provider_id: int
    network: str
    distance_km: float
    quality: float | None
    past_leads: int


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    weight: float
    target_share: float
    deficit: float


@dataclass(frozen=True, slots=True)
class Decision:
    chosen: Candidate | None
    scored: tuple[Scored, ...]  # every candidate in the given order, with its figures (for the audit trail)


def weight(candidate: Candidate, policy: DispatchPolicy) -> float:
    network = policy.network_weights.get(candidate.network, policy.default_weight)
    distance = 1.0 / (1.0 + max(candidate.distance_km, 0.0) / policy.distance_scale_km)
    quality = (UNKNOWN_QUALITY if candidate.quality is None else min(max(candidate.quality, 0.0), 100.0)) / 100.0
    return float(network * distance * quality**policy.quality_exponent)


def choose(candidates: Sequence[Candidate], policy: DispatchPolicy) -> Decision:
    """The candidate with the largest deficit (first in the given order on ties); ``None`` when no candidate
    has a positive weight."""
    weights = [weight(c, policy) for c in candidates]
    total_w = sum(weights)
    if total_w <= 0:
        return Decision(None, tuple(Scored(c, w, 0.0, 0.0) for c, w in zip(candidates, weights, strict=True)))
    total_past = sum(c.past_leads for c in candidates)
    scored = tuple(
        Scored(c, w, w / total_w, w / total_w * (total_past + 1) - c.past_leads)
        for c, w in zip(candidates, weights, strict=True)
    )
    best: Scored | None = None
    for s in scored:
        if s.weight > 0 and (best is None or s.deficit > best.deficit + 1e-12):
            best = s
    return Decision(best.candidate if best else None, scored)


def jain_index(values: Sequence[float]) -> float:
    """Jain's fairness index (Σx)² / (n·Σx²): 1 when all equal, 1/n when one takes everything."""
    if not values:
        return 1.0
    squares = sum(v * v for v in values)
    return 1.0 if squares == 0 else sum(values) ** 2 / (len(values) * squares)


@dataclass(frozen=True, slots=True)
class SimulationResult:
    counts: dict[str, int]
    shares: dict[str, float]
    targets: dict[str, float]
    jain: float  # Jain's index over share/target ratios: 1.0 = every competitor exactly at its weight
    max_abs_error: float


def simulate(
    competitors: Mapping[str, float],
    leads: int,
    *,
    providers_per_network: int = 3,
    eligible_fraction: float = 1.0,
    seed: int = 0,
) -> SimulationResult:
    """Dispatch ``leads`` leads among networks configured with ``competitors`` weights.

    Each network has ``providers_per_network`` providers; for each lead a pseudo-random subset (a fraction
    ``eligible_fraction`` of the providers, at least one) is eligible, at random distances and qualities
    identical across networks on average — so the only systematic difference is the configured weight.
    """
    import random  # stdlib, deterministic for a seed

    rng = random.Random(seed)  # noqa: S311 (a reproducible simulation, not a secret)
    policy = DispatchPolicy(network_weights=dict(competitors), distance_scale_km=1e9, quality_exponent=0.0)
    providers = [(i * 1000 + j, net) for i, net in enumerate(competitors) for j in range(providers_per_network)]
    past: dict[int, int] = dict.fromkeys((p for p, _ in providers), 0)
    for _ in range(leads):
        pool = [p for p in providers if rng.random() < eligible_fraction] or [rng.choice(providers)]
        rng.shuffle(pool)
        cands = [Candidate(pid, net, rng.uniform(0, 20), rng.uniform(50, 100), past[pid]) for pid, net in pool]
        chosen = choose(cands, policy).chosen
        if chosen is not None:
            past[chosen.provider_id] += 1
    counts = dict.fromkeys(competitors, 0)
    for pid, net in providers:
        counts[net] += past[pid]
    total_w = sum(competitors.values())
    targets = {n: w / total_w for n, w in competitors.items()}
    shares = {n: counts[n] / max(leads, 1) for n in competitors}
    ratios = [shares[n] / targets[n] for n in competitors if targets[n] > 0]
    return SimulationResult(
        counts=counts,
        shares=shares,
        targets=targets,
        jain=jain_index(ratios),
        max_abs_error=max(abs(shares[n] - targets[n]) for n in competitors),
    )
