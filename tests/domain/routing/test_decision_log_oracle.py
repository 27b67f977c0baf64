"""Differential regression test: the engine's decisions are exactly those of the engine before its speed-up.

The digests below were recorded with the engine as merged before the performance work (commit 52fa6d1),
with ``tests/domain/routing/oracle.py`` unchanged since. A mismatch means a semantic change: a different
advisor chosen, an order of decisions changed, a float computed differently...
"""

from __future__ import annotations

import pytest

from plateau.domain.routing.simulation import simulate_day
from tests.domain.routing.oracle import digest, oracle_day, rich_traffic

RICH_TRAFFIC_DIGESTS = {
    1: (6060, "2e8f0de9095d34b943c0cce8fc6a7d3c4486a8c821f11baa140b6b84f226e5ca"),
    2: (5978, "b5a1c9c3ed7abfcfdffbed4bea811e0baa0cecae3802f2c4e0a383713c59fbe4"),
    3: (6197, "b941beae3fcd5619cc1545d02be55606303ec138c902d300f10e72eab813304c"),
}
DAY_DIGEST = (35983, 5992, "80af5dc407e52cfe08a796394b0c4f2f4a8754e3280c5fc1399e438ea8144828")


@pytest.mark.parametrize("seed", sorted(RICH_TRAFFIC_DIGESTS))
def test_given_seeded_rich_traffic_when_applied_then_the_decision_log_is_the_recorded_one(seed):
    log = rich_traffic(seed, 3000)

    assert (len(log), digest(log)) == RICH_TRAFFIC_DIGESTS[seed]


def test_given_a_seeded_day_when_simulated_then_the_decision_log_is_the_recorded_one():
    result = simulate_day(oracle_day())

    assert (len(result.log), result.decisions, digest(result.log)) == DAY_DIGEST
