"""Ranking and fair rotation, in pure form."""

from __future__ import annotations

from collections import Counter

import pytest

from plateau.domain.directory.ranking import Candidate, distance_band, quality_band, rank, rotation_after


@pytest.mark.parametrize(("km", "band"), [(0.0, 0), (4.9, 0), (5.0, 1), (14.99, 2), (-1.0, 0)])
def test_distance_band(km: float, band: int) -> None:
    assert distance_band(km) == band


@pytest.mark.parametrize(("score", "band"), [(100, 0), (75, 0), (74, 1), (50, 1), (None, 1), (49, 2), (0, 2)])
def test_quality_band(score: int | None, band: int) -> None:
    assert quality_band(score) == band


def test_nearer_band_then_better_quality_then_least_recently_first() -> None:
    ranked = rank(
        [
            Candidate(1, 12.0, 90),
            Candidate(2, 3.0, 40),
            Candidate(3, 4.0, 80, last_first_seq=7, last_proposed_seq=8),
            Candidate(4, 1.0, 80, last_first_seq=9, last_proposed_seq=9),
            Candidate(5, 2.0, None),
            Candidate(6, 1.5, 80, last_first_seq=0, last_proposed_seq=8),
            Candidate(8, 0.5, 80, last_first_seq=0, last_proposed_seq=3),
        ]
    )
    assert [c.provider_id for c in ranked] == [8, 6, 3, 4, 5, 2, 1]


def _simulate(k: int, n: int, limit: int) -> tuple[Counter[int], Counter[int]]:
    state = {pid: Candidate(pid, 2.0, 80) for pid in range(1, k + 1)}
    firsts: Counter[int] = Counter()
    shown: Counter[int] = Counter()
    for seq in range(1, n + 1):
        proposed = rank(state.values())[:limit]
        firsts[proposed[0].provider_id] += 1
        shown.update(c.provider_id for c in proposed)
        state.update({c.provider_id: c for c in rotation_after(proposed, seq)})
    return firsts, shown


@pytest.mark.parametrize(("k", "limit"), [(4, 3), (6, 3), (6, 2), (5, 5), (3, 5), (7, 1)])
def test_given_k_equal_providers_when_rotating_n_times_then_each_first_n_over_k_times(k: int, limit: int) -> None:
    n = 12 * k
    firsts, shown = _simulate(k, n, limit)
    assert firsts == dict.fromkeys(range(1, k + 1), n // k)
    # Exposure: equal up to the warm-up round (before everyone has been first once the order is not yet cyclic).
    expected = n * min(limit, k) / k
    assert set(shown) == set(range(1, k + 1))
    assert all(abs(count - expected) <= 2 for count in shown.values()), shown


def test_given_a_newcomer_then_it_is_first_once_then_joins_the_queue() -> None:
    old = [Candidate(pid, 1.0, None, last_first_seq=pid, last_proposed_seq=pid) for pid in (1, 2, 3)]
    newcomer = Candidate(9, 1.0)
    first = rank([*old, newcomer])
    assert first[0].provider_id == 9
    after = rotation_after(first[:2], 10)
    state = {c.provider_id: c for c in [*old, newcomer]} | {c.provider_id: c for c in after}
    assert [c.provider_id for c in rank(state.values())] == [1, 2, 3, 9]


def test_first_one_gets_the_first_sequence_others_only_the_proposal_sequence() -> None:
    proposed = [Candidate(7, 1.0), Candidate(3, 1.0, last_first_seq=4)]
    assert rotation_after(proposed, 10) == [
        Candidate(7, 1.0, last_first_seq=10, last_proposed_seq=10),
        Candidate(3, 1.0, last_first_seq=4, last_proposed_seq=10),
    ]
