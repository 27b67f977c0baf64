from __future__ import annotations

import pytest

from plateau.domain.errors import DomainError
from plateau.domain.leads.dispatch import Candidate, DispatchPolicy, choose, jain_index, simulate, weight


def test_given_equal_candidates_without_history_then_the_first_in_rotation_order_wins() -> None:
    cands = [Candidate(7, "A", 2.0, 80, 0), Candidate(3, "A", 2.0, 80, 0)]
    decision = choose(cands, DispatchPolicy())
    assert decision.chosen is not None and decision.chosen.provider_id == 7
    assert [s.candidate.provider_id for s in decision.scored] == [7, 3]


def test_given_one_candidate_behind_its_share_then_it_gets_the_lead() -> None:
    cands = [Candidate(1, "A", 2.0, 80, 5), Candidate(2, "A", 2.0, 80, 1)]
    assert choose(cands, DispatchPolicy()).chosen == cands[1]


def test_given_a_nearer_and_better_provider_then_its_weight_is_higher() -> None:
    policy = DispatchPolicy()
    near_good = weight(Candidate(1, "A", 1.0, 95, 0), policy)
    far_poor = weight(Candidate(2, "A", 25.0, 40, 0), policy)
    unknown = weight(Candidate(3, "A", 1.0, None, 0), policy)
    assert near_good > unknown > far_poor


def test_given_a_network_weighted_zero_then_it_never_receives_a_lead() -> None:
    policy = DispatchPolicy(network_weights={"Z": 0.0})
    assert choose([Candidate(1, "Z", 1.0, 90, 0)], policy).chosen is None


def test_given_a_negative_weight_then_the_policy_is_refused() -> None:
    with pytest.raises(DomainError):
        DispatchPolicy(network_weights={"A": -1.0})


@pytest.mark.parametrize(("values", "expected"), [([1, 1, 1], 1.0), ([1, 0, 0, 0], 0.25), ([2, 1], 0.9), ([], 1.0)])
def test_jain_index_table(values: list[float], expected: float) -> None:
    assert jain_index(values) == pytest.approx(expected)


@pytest.mark.parametrize("eligible_fraction", [1.0, 0.5, 0.2])
def test_given_competitors_weighted_3_2_1_1_when_simulating_then_shares_converge_to_the_weights(
    eligible_fraction: float,
) -> None:
    result = simulate({"A": 3, "B": 2, "C": 1, "D": 1}, 3500, eligible_fraction=eligible_fraction, seed=1)
    assert result.max_abs_error < 0.01
    assert result.jain > 0.999
    assert sum(result.counts.values()) == 3500
