"""Multi-skill staffing: single-skill Erlang A per queue, then the pooled team searched by simulation."""

import pytest

from plateau.domain.wfm.errors import InfeasibleTarget, InvalidParameter
from plateau.domain.wfm.multiskill import (
    QueueTarget,
    SkillGroup,
    SkillQueue,
    _smaller_teams,
    evaluate,
    search_team,
    single_skill_staffing,
)
from plateau.domain.wfm.simulation import replication_seeds

QUEUES = [SkillQueue("fr", 60, 300, 120), SkillQueue("en", 20, 300, 120)]
TARGET = QueueTarget(0.8, 20)


def _groups(bilingual_max=None):
    return [SkillGroup("fr", ("fr",)), SkillGroup("en", ("en",)), SkillGroup("bi", ("fr", "en"), bilingual_max)]


def test_given_two_languages_when_bilingual_advisors_exist_then_pooled_team_is_smaller_and_meets_every_target():
    result = search_team(QUEUES, _groups(), TARGET, intervals=3, replications=4, seed=1)
    assert result.single_skill == single_skill_staffing(QUEUES, TARGET, 1800.0)
    assert result.start.team["bi"] == 0 and result.start.size >= sum(result.single_skill.values())
    assert result.best.size < result.start.size  # pooling saves advisors
    assert result.best.margin >= 0 and all(k["sl_offered"] >= 0.8 for k in result.best.kpis.values())
    # A local minimum: every team with one advisor less (same seeds) misses a queue's target.
    seeds = replication_seeds(1, 4)
    for smaller in _smaller_teams(result.best.team, _groups(), 1):
        assert evaluate(QUEUES, _groups(), smaller, TARGET, seeds, intervals=3).margin < 0


def test_given_a_cap_on_bilingual_advisors_when_searching_then_the_cap_holds():
    result = search_team(QUEUES, _groups(bilingual_max=1), TARGET, intervals=3, replications=4, seed=1)
    assert result.best.team["bi"] <= 1
    assert result.best.margin >= 0


def test_given_specialists_only_when_searching_then_the_single_skill_plan_is_kept_or_trimmed():
    groups = [SkillGroup("fr", ("fr",)), SkillGroup("en", ("en",))]
    result = search_team(QUEUES, groups, TARGET, intervals=3, replications=4, seed=2)
    for q in QUEUES:  # separate pools: close to Erlang A per queue (the simulation may trim one or add one)
        assert abs(result.best.team[q.queue_id] - result.single_skill[q.queue_id]) <= 1


@pytest.mark.parametrize(
    ("queues", "groups", "error"),
    [
        ([SkillQueue("fr", 60)], [SkillGroup("x", ("en",))], InvalidParameter),  # unknown queue in a group
        ([SkillQueue("fr", 60), SkillQueue("en", 5)], [SkillGroup("x", ("fr",))], InfeasibleTarget),  # nobody for en
        ([SkillQueue("fr", 60), SkillQueue("fr", 5)], [SkillGroup("x", ("fr",))], InvalidParameter),  # twice
    ],
)
def test_given_inconsistent_queues_or_groups_when_searching_then_refused(queues, groups, error):
    with pytest.raises(error):
        search_team(queues, groups, TARGET, intervals=2, replications=2)


@pytest.mark.parametrize("kwargs", [{"calls": -1.0}, {"calls": 10.0, "aht": 0.0}, {"calls": 10.0, "patience": -5.0}])
def test_given_negative_or_zero_rates_when_describing_a_queue_then_refused(kwargs):
    with pytest.raises(InvalidParameter):
        SkillQueue("fr", **kwargs)


def test_given_an_impossible_target_when_describing_it_then_refused():
    with pytest.raises(InfeasibleTarget):
        QueueTarget(1.0, 0.0)  # 100 % within 0 s
