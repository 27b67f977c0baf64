"""Configuration refused at save time with the reason."""

from __future__ import annotations

import pytest

from plateau.domain.routing.config import (
    AdvisorProfile,
    Overflow,
    OverflowKind,
    RoutingConfig,
    SkillRequirement,
    Target,
    parse_skill_expression,
    validate_config,
)
from plateau.domain.routing.errors import InvalidConfiguration, UnknownQueue, UnknownSkill

from .builders import SKILLS, queue


@pytest.mark.parametrize(
    ("build", "error", "words"),
    [
        pytest.param(
            lambda: RoutingConfig(SKILLS, (queue(targets=(Target((SkillRequirement("klingon", 2),)),)),)),
            UnknownSkill,
            "klingon",
            id="target_with_unknown_skill",
        ),
        pytest.param(
            lambda: RoutingConfig(SKILLS, (), (AdvisorProfile("a", (("elfique", 3),), ("p1",)),)),
            UnknownSkill,
            "elfique",
            id="advisor_with_unknown_skill",
        ),
        pytest.param(
            lambda: RoutingConfig(
                SKILLS, (queue(overflow=Overflow(OverflowKind.QUEUE, "ghost"), overflow_after_s=60),)
            ),
            UnknownQueue,
            "ghost",
            id="overflow_to_unknown_queue",
        ),
        pytest.param(
            lambda: RoutingConfig(SKILLS, (queue(targets=(Target((SkillRequirement("fr", 7),)),)),)),
            InvalidConfiguration,
            "0 à 5",
            id="proficiency_out_of_range",
        ),
        pytest.param(
            lambda: RoutingConfig(SKILLS, (queue(targets=(Target(), Target())),)),
            InvalidConfiguration,
            "élargir",
            id="widening_target_without_timeout",
        ),
        pytest.param(
            lambda: RoutingConfig(SKILLS, (queue(strategy="au_hasard"),)),
            InvalidConfiguration,
            "au_hasard",
            id="unknown_strategy",
        ),
        pytest.param(
            lambda: RoutingConfig(SKILLS, (queue(), queue())),
            InvalidConfiguration,
            "double",
            id="duplicate_queue",
        ),
        pytest.param(
            lambda: RoutingConfig(SKILLS, (queue(overflow=Overflow(OverflowKind.VOICEMAIL)),)),
            InvalidConfiguration,
            "débordement",
            id="overflow_without_delay",
        ),
    ],
)
def test_given_an_incoherent_configuration_when_validated_then_refused_with_the_reason(build, error, words):
    with pytest.raises(error) as raised:
        validate_config(build())
    assert words in raised.value.message


def test_given_a_skill_expression_when_parsed_then_levels_default_to_one():
    assert parse_skill_expression("fr>=3 & aide") == (SkillRequirement("fr", 3), SkillRequirement("aide", 1))


def test_given_garbage_in_a_skill_expression_when_parsed_then_refused():
    with pytest.raises(InvalidConfiguration):
        parse_skill_expression("fr>=9")
