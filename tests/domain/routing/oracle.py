"""A regression oracle for the engine: seeded rich traffic and a seeded day, reduced to a digest of decisions.

The digests in ``test_decision_log_oracle.py`` were produced by the engine *before* its performance work;
any optimisation must reproduce them bit for bit (same decisions, same order, same floats).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterable

from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import event_to_dict
from plateau.domain.routing.config import (
    AdvisorProfile,
    Overflow,
    OverflowKind,
    QueueConfig,
    RoutingConfig,
    SkillRequirement,
    Strategy,
    Target,
    validate_config,
)
from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.simulation import ArrivalStream, DaySpec

SKILLS = ("fr", "en", "aide", "handicap", "retraite")


def _target(*reqs: tuple[str, int], timeout_s: float | None = None, needs_min_level: int = 1) -> Target:
    return Target(tuple(SkillRequirement(s, lvl) for s, lvl in reqs), needs_min_level, timeout_s)


def rich_config() -> RoutingConfig:
    """Every strategy, every overflow kind, widening targets, several channels and shared advisors."""
    queues = (
        QueueConfig(
            "q1",
            "p1",
            targets=(_target(("aide", 3), timeout_s=5, needs_min_level=2), _target(("aide", 1))),
            wrap_up_s=2,
            overflow=Overflow(OverflowKind.QUEUE, "q2"),
            overflow_after_s=30,
        ),
        QueueConfig("q2", "p1", strategy=Strategy.LEAST_OCCUPIED, offer_timeout_s=4, max_no_answer=2),
        QueueConfig(
            "q3",
            "p2",
            strategy=Strategy.ROUND_ROBIN,
            overflow=Overflow(OverflowKind.CALLBACK),
            overflow_after_s=20,
            wrap_up_s=1,
        ),
        QueueConfig("q4", "p2", channel="letter", targets=(_target(("fr", 2)),), strategy=Strategy.SKILLS_WEIGHTED),
        QueueConfig(
            "q5",
            "p3",
            strategy=Strategy.RING_ALL,
            offer_timeout_s=3,
            overflow=Overflow(OverflowKind.VOICEMAIL),
            overflow_after_s=25,
        ),
        QueueConfig(
            "q6",
            "p3",
            channel="email",
            priority_aging=0.5,
            overflow=Overflow(OverflowKind.EXTERNAL, "+33100000000"),
            overflow_after_s=40,
            targets=(_target(("retraite", 2), timeout_s=8), _target()),
        ),
    )
    rng = random.Random(11)
    programmes = ("p1", "p2", "p3")
    advisors = []
    for i in range(14):
        skills = tuple((s, rng.randint(1, 5)) for s in SKILLS if rng.random() < 0.7) or (("fr", 3),)
        progs = tuple(p for p in programmes if rng.random() < 0.6) or ("p1",)
        capacity = (("call", 1), ("letter", 3), ("email", 2)) if i % 3 == 0 else (("call", 1),)
        advisors.append(AdvisorProfile(f"a{i:02d}", skills, progs, capacity))
    return validate_config(RoutingConfig(SKILLS, queues, tuple(advisors)))


def rich_traffic(
    seed: int, steps: int, engine: RoutingEngine | None = None, check: Callable[[RoutingEngine], None] | None = None
) -> list[ev.Decision]:
    """Drive an engine with seeded traffic reacting to its decisions; return every decision in order.

    ``check`` (if given) is called with the engine after every event.
    """
    rng = random.Random(seed)
    config = rich_config()
    if engine is None:
        engine = RoutingEngine(dedupe_window=50)
    log: list[ev.Decision] = []
    offers: dict[str, ev.OfferMade] = {}
    assigned: dict[str, str] = {}
    waiting: set[str] = set()
    wrapping: set[str] = set()
    ids = [a.advisor_id for a in config.advisors]
    now = 0.0
    last_id = "cfg"

    def run(event: ev.RoutingEvent) -> None:
        out = engine.apply(event)
        log.extend(out)
        if check is not None:
            check(engine)
        for d in out:
            if isinstance(d, ev.OfferMade):
                offers[d.offer_id] = d
            elif isinstance(d, ev.OfferWithdrawn):
                offers.pop(d.offer_id, None)
            elif isinstance(d, ev.ContactAnswered):
                assigned[d.contact_id] = d.advisor_id
                waiting.discard(d.contact_id)
            elif isinstance(d, ev.ContactLeft):
                assigned.pop(d.contact_id, None)
                waiting.discard(d.contact_id)
            elif isinstance(d, ev.AdvisorStateChanged):
                if d.state == "wrap_up":
                    wrapping.add(d.advisor_id)
                else:
                    wrapping.discard(d.advisor_id)

    run(ev.ConfigurationApplied("cfg", 0.0, config))
    for aid in ids:
        if rng.random() < 0.8:
            run(ev.AdvisorLoggedIn(f"in-{aid}", 0.0, aid))
    for n in range(steps):
        now += rng.choice((0.0, 0.1, 0.5, 1.0, 2.0, 3.5, 6.0))
        eid = f"t{n}"
        roll = rng.random()
        if roll < 0.3:
            cid = f"c{n}"
            waiting.add(cid)
            qid = rng.choice(("q1", "q2", "q3", "q4", "q5", "q6"))
            skills = rng.choice(((), ("fr",), ("en",), ("fr", "handicap")))
            prio = rng.choice((0.0, 0.0, 0.0, 10.0, -5.0))
            run(ev.ContactArrived(eid, now, cid, qid, skills, prio))
        elif roll < 0.5 and offers:
            o = offers.pop(rng.choice(sorted(offers)))
            r = rng.random()
            if r < 0.75:
                run(ev.OfferAccepted(eid, now, o.offer_id, o.advisor_id))
            elif r < 0.9:
                run(ev.OfferDeclined(eid, now, o.offer_id, o.advisor_id))
            # else: ignored, it will expire
        elif roll < 0.7 and assigned:
            cid = rng.choice(sorted(assigned))
            run(ev.ContactCompleted(eid, now, cid, assigned.pop(cid)))
        elif roll < 0.73 and wrapping:
            run(ev.WrapUpEnded(eid, now, rng.choice(sorted(wrapping))))
        elif roll < 0.77 and waiting:
            cid = rng.choice(sorted(waiting))
            start = now + rng.choice((0.0, 5.0, 30.0))
            run(ev.CallbackRequested(eid, now, cid, "+33600000000", start, start + rng.choice((10.0, 60.0))))
        elif roll < 0.81 and waiting:
            cid = rng.choice(sorted(waiting))
            waiting.discard(cid)
            run(ev.ContactAbandoned(eid, now, cid))
        elif roll < 0.84:
            run(ev.AdvisorPaused(eid, now, rng.choice(ids), rng.choice(("pause", "formation"))))
        elif roll < 0.88:
            run(ev.AdvisorResumed(eid, now, rng.choice(ids)))
        elif roll < 0.9:
            run(ev.AdvisorLoggedOut(eid, now, rng.choice(ids)))
        elif roll < 0.93:
            run(ev.AdvisorLoggedIn(eid, now, rng.choice(ids)))
        elif roll < 0.95:
            run(ev.OfferAccepted(eid, now, "o999999", rng.choice(ids)))  # refused: no such offer
        elif roll < 0.96:
            run(ev.ContactCompleted(eid, now, "nobody", rng.choice(ids)))  # refused: unknown contact
        elif roll < 0.97:
            run(ev.Tick(last_id, now))  # a retry: ignored while within the dedupe window
        elif roll < 0.975:
            run(ev.ConfigurationApplied(eid, now, config))
        else:
            deadline = engine.next_deadline()
            run(ev.Tick(eid, now if deadline is None else max(now, deadline)))
            now = engine.now
        last_id = eid
    return log


def oracle_day(contacts: int = 6000, seed: int = 5) -> DaySpec:
    """A seeded day on a mid-size centre: 120 advisors, 12 queues (four strategies), widening targets."""
    rng = random.Random(seed)
    skills = tuple(f"s{i}" for i in range(6))
    strategies = (Strategy.LONGEST_IDLE, Strategy.LEAST_OCCUPIED, Strategy.ROUND_ROBIN, Strategy.SKILLS_WEIGHTED)
    queues = tuple(
        QueueConfig(
            f"q{i:02d}",
            f"p{i % 4}",
            targets=(_target((skills[i % 6], 3), timeout_s=30), _target((skills[i % 6], 1))),
            strategy=strategies[i % 4],
            wrap_up_s=15,
            overflow=Overflow(OverflowKind.CALLBACK) if i % 5 == 0 else None,
            overflow_after_s=120 if i % 5 == 0 else None,
        )
        for i in range(12)
    )
    advisors = tuple(
        AdvisorProfile(
            f"a{a:03d}",
            tuple((s, rng.randint(1, 5)) for s in rng.sample(skills, 3)),
            tuple(rng.sample(("p0", "p1", "p2", "p3"), 2)),
        )
        for a in range(120)
    )
    config = validate_config(RoutingConfig(skills, queues, advisors))
    profile = (2, 4, 7, 9, 10, 10, 9, 8, 6, 5, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2)
    streams = tuple(
        ArrivalStream(q.queue_id, contacts / len(queues), profile, mean_handle_s=240, mean_patience_s=180)
        for q in queues
    )
    return DaySpec(config, streams, seed=seed, keep_log=True)


def digest(decisions: Iterable[ev.Decision]) -> str:
    """SHA-256 of the decisions in their JSON journal form, one per line (order and floats included)."""
    h = hashlib.sha256()
    for d in decisions:
        h.update(json.dumps(event_to_dict(d), sort_keys=True, ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()
