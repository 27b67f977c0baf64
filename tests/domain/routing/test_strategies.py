"""Which advisor gets the contact, strategy by strategy (a table of readable scenarios)."""

from __future__ import annotations

import pytest

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import Strategy

from .builders import Scenario, advisor, config, queue

ADVISORS = (
    advisor("alice", fr=2),
    advisor("bruno", fr=5),
    advisor("chloe", fr=3),
)


def _busy_history(s: Scenario) -> None:
    """Alice logs in first, Bruno second, Chloé third; Chloé then handles a long contact and Bruno a short one."""
    s.login(0, "alice")
    s.login(10, "bruno")
    s.login(20, "chloe")


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        pytest.param(Strategy.LONGEST_IDLE, "alice", id="longest_idle_picks_the_advisor_idle_since_the_longest"),
        pytest.param(Strategy.SKILLS_WEIGHTED, "bruno", id="skills_weighted_picks_the_most_proficient"),
        pytest.param(Strategy.ROUND_ROBIN, "alice", id="round_robin_starts_with_the_first_advisor"),
    ],
)
def test_given_three_idle_advisors_when_a_contact_arrives_then_the_strategy_chooses(strategy, expected):
    s = Scenario(config(queue(strategy=strategy), advisors=ADVISORS))
    _busy_history(s)
    out = s.arrive(30, "c1", "q1", "fr")
    assert [o.advisor_id for o in s.offers(out)] == [expected]


def test_given_round_robin_when_contacts_follow_each_other_then_advisors_take_turns_with_memory():
    s = Scenario(config(queue(strategy=Strategy.ROUND_ROBIN), advisors=ADVISORS))
    _busy_history(s)
    chosen = []
    for i in range(4):
        offer = s.offers(s.arrive(30 + i * 10, f"c{i}", "q1", "fr"))[0]
        chosen.append(offer.advisor_id)
        s.accept(31 + i * 10, offer)
        s.complete(32 + i * 10, f"c{i}", offer.advisor_id)
    assert chosen == ["alice", "bruno", "chloe", "alice"]


def test_given_least_occupied_when_one_advisor_worked_more_then_the_other_is_chosen():
    s = Scenario(config(queue(strategy=Strategy.LEAST_OCCUPIED), advisors=ADVISORS[:2]))
    s.login(0, "alice", "bruno")
    offer = s.offers(s.arrive(1, "c1", "q1", "fr"))[0]
    assert offer.advisor_id == "alice"  # equal occupancy: longest idle then id decide
    s.accept(1, offer)
    s.complete(500, "c1", "alice")
    assert s.offers(s.arrive(600, "c2", "q1", "fr"))[0].advisor_id == "bruno"


def test_given_ring_all_when_one_advisor_accepts_then_the_other_offers_are_withdrawn():
    s = Scenario(config(queue(strategy=Strategy.RING_ALL), advisors=ADVISORS))
    s.login(0, "alice", "bruno", "chloe")
    offers = s.offers(s.arrive(1, "c1", "q1", "fr"))
    assert sorted(o.advisor_id for o in offers) == ["alice", "bruno", "chloe"]
    out = s.accept(3, offers[1])
    withdrawn = sorted(d.advisor_id for d in out if isinstance(d, ev.OfferWithdrawn))
    assert withdrawn == ["alice", "chloe"]
    assert s.engine.advisor_state("alice").value == "available"
    assert s.engine.advisor_state("bruno").value == "busy"
