from hypothesis import given, settings
from hypothesis import strategies as st

from plateau.domain.wfm.erlang_a import erlang_a


@settings(max_examples=80, deadline=None)
@given(
    agents=st.integers(1, 3000),
    load=st.floats(0.01, 4000),
    aht=st.floats(10, 3600),
    patience=st.floats(1, 36_000),
    answer_time=st.floats(0, 600),
)
def test_given_any_erlang_a_point_then_probabilities_are_consistent(agents, load, aht, patience, answer_time):
    r = erlang_a(agents, load / aht, aht, patience, answer_time)
    p_wait, p_ab = float(r.p_wait), float(r.p_abandon)
    sl_off, sl_ans, sl_hand = float(r.sl_offered), float(r.sl_answered), float(r.sl_handled)
    for value in (p_wait, p_ab, sl_off, sl_ans, sl_hand, float(r.occupancy)):
        assert 0.0 <= value <= 1.0
    eps = 1e-9
    assert p_ab <= p_wait + eps  # only callers who wait can hang up
    assert sl_off <= sl_ans + eps  # same numerator, smaller denominator
    assert sl_off <= sl_hand + eps  # answered within T is part of "left the queue within T"
    assert sl_off >= 1.0 - p_wait - eps  # callers answered at once are within any T
    assert float(r.asa) >= 0.0
