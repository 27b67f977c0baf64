"""Shared set-up of the routing benchmarks: 1,000 advisors, 100 queues, 20 skills (seeded)."""

from __future__ import annotations

import numpy as np

from plateau.domain.routing.config import (
    AdvisorProfile,
    QueueConfig,
    RoutingConfig,
    SkillRequirement,
    Strategy,
    Target,
    validate_config,
)

STRATEGIES = (Strategy.LONGEST_IDLE, Strategy.LEAST_OCCUPIED, Strategy.ROUND_ROBIN, Strategy.SKILLS_WEIGHTED)


def build_config(
    advisors: int = 1000,
    queues: int = 100,
    skills: int = 20,
    programmes: int = 10,
    seed: int = 1,
    wrap_up_s: float = 15,
) -> RoutingConfig:
    """Queues of ``programmes`` programmes; each needs one skill at level 3, widening to level 1 after 30 s.

    Each advisor serves 3 programmes and holds 5 skills at random levels 1-5.
    """
    rng = np.random.default_rng(seed)
    names = tuple(f"s{i:02d}" for i in range(skills))
    qs = tuple(
        QueueConfig(
            f"q{i:03d}",
            f"p{i % programmes}",
            targets=(
                Target((SkillRequirement(names[i % skills], 3),), timeout_s=30),
                Target((SkillRequirement(names[i % skills], 1),)),
            ),
            strategy=STRATEGIES[i % len(STRATEGIES)],
            wrap_up_s=wrap_up_s,
        )
        for i in range(queues)
    )
    ads = tuple(
        AdvisorProfile(
            f"a{a:04d}",
            tuple((names[int(s)], int(rng.integers(1, 6))) for s in rng.choice(skills, 5, replace=False)),
            tuple(f"p{int(p)}" for p in rng.choice(programmes, 3, replace=False)),
        )
        for a in range(advisors)
    )
    return validate_config(RoutingConfig(names, qs, ads))
