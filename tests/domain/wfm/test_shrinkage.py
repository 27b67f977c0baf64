import numpy as np
import pytest

from plateau.domain.wfm.errors import InvalidParameter
from plateau.domain.wfm.shrinkage import Shrinkage


@pytest.mark.parametrize(
    ("required", "shares", "heads"),
    [
        ([0, 10, 24, 7], (0.0, 0.0, 0.0), [0, 10, 24, 7]),
        ([0, 10, 24, 7], (0.1, 0.07, 0.03), [0, 13, 30, 9]),  # 20 %: 10/0.8 = 12.5 -> 13, 24/0.8 = 30 exactly
        ([8], (0.5, 0.0, 0.0), [16]),
        ([1], (0.3, 0.3, 0.3), [10]),  # 90 % lost: 1/0.1 = 10 (not 11 from rounding noise)
    ],
)
def test_given_required_advisors_and_shrinkage_when_scheduling_then_heads_cover_the_losses(required, shares, heads):
    s = Shrinkage(*shares)
    got = s.heads(required)
    assert got.tolist() == heads
    # The scheduled heads, once shrunk, still cover the need, and one head fewer would not.
    assert np.all(got * (1 - s.total) >= np.asarray(required) - 1e-9)
    assert np.all((got - 1) * (1 - s.total) < np.asarray(required)) or not any(required)


def test_given_breaks_in_the_shift_patterns_when_scheduling_then_only_absence_and_training_count():
    s = Shrinkage(breaks=0.1, absence=0.1, training=0.05)
    assert s.without_breaks().total == pytest.approx(0.15)
    assert s.without_breaks().heads([17]).tolist() == [20]


@pytest.mark.parametrize("shares", [(-0.1, 0, 0), (0, 1.0, 0), (0.5, 0.3, 0.2), (float("nan"), 0, 0)])
def test_given_impossible_shrinkage_when_building_then_refused(shares):
    with pytest.raises(InvalidParameter):
        Shrinkage(*shares)


def test_given_negative_need_when_computing_heads_then_refused():
    with pytest.raises(InvalidParameter):
        Shrinkage(0.1).heads([3, -1])
