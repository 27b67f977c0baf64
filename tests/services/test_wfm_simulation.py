import numpy as np

from plateau.domain.wfm.simulation import SimulationSpec, Stream, single_queue_config
from plateau.services.wfm_simulation import run_replications, simulate


def test_given_two_workers_when_replicating_then_same_results_as_in_process():
    spec = SimulationSpec(single_queue_config(6), (Stream("file", (50.0, 70.0)),))
    alone = run_replications(spec, 4, seed=9, workers=1)
    pooled = run_replications(spec, 4, seed=9, workers=2)
    assert len(pooled) == 4
    for a, b in zip(alone, pooled, strict=True):
        assert np.array_equal(a.wait_all, b.wait_all)


def test_given_replications_when_simulating_then_summary_has_intervals_and_ci():
    spec = SimulationSpec(single_queue_config(6), (Stream("file", (50.0, 70.0)),))
    summary = simulate(spec, 5, seed=1, workers=1)
    assert summary.replications == 5 and len(summary.per_interval) == 2
    sl = summary.day["sl_offered"]
    assert sl.low < sl.mean < sl.high
