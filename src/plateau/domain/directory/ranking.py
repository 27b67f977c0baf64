"""Ranking of eligible providers, with fair rotation among equals.

Order (documented in docs/directory.md):

1. distance band — distance from the provider's base to the caller's commune, in bands of
   :data:`DISTANCE_BAND_KM` (0-5 km, 5-10 km…): nearer first, but 1 km and 4 km are equals;
2. quality band — from the latest quality audit: ``high`` (≥ 75), ``standard`` (50-74 *or never audited*,
   so that a new provider is not buried), ``low`` (< 50);
3. rotation — the provider least recently proposed *in first position* comes first (never: before all), then
   the one least recently proposed at all;
4. provider id — only to make the order total.

Why "first position" and not simply "least recently proposed": with k equal providers and a page of
``limit`` < k, ordering only by last proposal makes the provider left out last time come first, and the
same one or two providers alternate in first place whenever ``limit`` and k share a factor. Sending the
provider shown first to the back of the queue (and nobody else) is a round-robin by one place: over N
searches each of k equals is first N/k times and shown N·limit/k times, and a newcomer gets first place
once, then joins the queue instead of monopolising it. Sequence numbers come from a per-(programme,
activity) counter rather than a clock, so two searches in the same microsecond are still ordered.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

DISTANCE_BAND_KM = 5.0
HIGH_QUALITY = 75
LOW_QUALITY = 50


@dataclass(frozen=True, slots=True)
class Candidate:
    provider_id: int
    distance_km: float
    quality_score: int | None = None
    last_first_seq: int = 0  # 0: never proposed first
    last_proposed_seq: int = 0  # 0: never proposed


def distance_band(distance_km: float) -> int:
    return math.floor(max(distance_km, 0.0) / DISTANCE_BAND_KM)


def quality_band(score: int | None) -> int:
    """0 = high, 1 = standard or unknown, 2 = low (smaller sorts first)."""
    if score is None:
        return 1
    if score >= HIGH_QUALITY:
        return 0
    return 1 if score >= LOW_QUALITY else 2


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates in proposal order."""
    return sorted(
        candidates,
        key=lambda c: (
            distance_band(c.distance_km),
            quality_band(c.quality_score),
            c.last_first_seq,
            c.last_proposed_seq,
            c.provider_id,
        ),
    )


def rotation_after(proposed: Sequence[Candidate], seq: int) -> list[Candidate]:
    """The proposed candidates with their rotation state after being shown in this order at sequence ``seq``:
    all get ``last_proposed_seq = seq``, the first also ``last_first_seq = seq``."""
    return [
        replace(c, last_proposed_seq=seq, last_first_seq=seq if i == 0 else c.last_first_seq)
        for i, c in enumerate(proposed)
    ]
