"""The hot-path constructors build objects indistinguishable from the frozen dataclasses' own."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from plateau.domain.routing import events as ev
from plateau.domain.routing._fastnew import fast_constructor
from plateau.domain.routing.codec import event_to_dict

CASES = [
    (ev.new_offer_made, ev.OfferMade, ("e1", 1.5, "o1", "c1", "a1", "q1", 21.5)),
    (ev.new_contact_queued, ev.ContactQueued, ("e1", 1.5, "c1", "q1", None)),
    (ev.new_offer_withdrawn, ev.OfferWithdrawn, ("e1", 1.5, "o1", "c1", "a1", "expired")),
    (ev.new_contact_answered, ev.ContactAnswered, ("e1", 1.5, "c1", "a1", "q1", 3.0)),
    (ev.new_contact_left, ev.ContactLeft, ("e1", 1.5, "c1", "q1", "completed", 3.0)),
    (ev.new_contact_retargeted, ev.ContactRetargeted, ("e1", 1.5, "c1", "q1", 1)),
    (ev.new_advisor_state_changed, ev.AdvisorStateChanged, ("e1", 1.5, "a1", "wrap_up", "")),
    (ev.new_contact_arrived, ev.ContactArrived, ("e1", 1.5, "c1", "q1", ("fr",))),
    (ev.new_contact_abandoned, ev.ContactAbandoned, ("e1", 1.5, "c1")),
    (ev.new_offer_accepted, ev.OfferAccepted, ("e1", 1.5, "o1", "a1")),
    (ev.new_contact_completed, ev.ContactCompleted, ("e1", 1.5, "c1", "a1")),
    (ev.new_tick, ev.Tick, ("e1", 1.5)),
]


@pytest.mark.parametrize(("new", "cls", "args"), CASES, ids=[c[1].__name__ for c in CASES])
def test_given_a_fast_constructor_when_called_then_the_object_equals_the_plain_construction(new, cls, args):
    fast, plain = new(*args), cls(*args)

    assert type(fast) is cls
    assert fast == plain
    assert hash(fast) == hash(plain)
    assert repr(fast) == repr(plain)
    assert event_to_dict(fast) == event_to_dict(plain)


@pytest.mark.parametrize(("new", "cls", "args"), CASES, ids=[c[1].__name__ for c in CASES])
def test_given_a_fast_built_event_when_a_field_is_assigned_then_it_is_refused_as_frozen(new, cls, args):
    fast = new(*args)

    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.at = 99.0


def test_given_omitted_defaults_when_built_fast_then_the_dataclass_defaults_apply():
    fast = ev.new_contact_arrived("e1", 1.0, "c1", "q1")

    assert fast == ev.ContactArrived("e1", 1.0, "c1", "q1")
    assert fast.skills == () and fast.priority == 0.0 and fast.attributes == ()


def test_given_a_class_with_post_init_when_asked_for_a_fast_constructor_then_it_is_refused():
    @dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            assert self.value >= 0

    with pytest.raises(TypeError):
        fast_constructor(Checked)
