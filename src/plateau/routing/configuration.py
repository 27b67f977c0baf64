"""From the routing tables to the domain's :class:`RoutingConfig`, validated with ``validate_config``.

``build_config()`` reads every active programme (the router calls it at start and on reload, never on its
hot path). The ``check_*`` functions validate one row being saved against the rest of its programme and raise
``ValidationError`` with the domain's French reason (unknown queue or skill, bad proficiency...), so the admin
and the services refuse a bad configuration at save time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from plateau.domain.routing import (
    AdvisorProfile,
    Overflow,
    QueueConfig,
    RoutingConfig,
    Target,
    parse_skill_expression,
    validate_config,
)
from plateau.domain.routing.config import SkillRequirement
from plateau.domain.routing.errors import RoutingError
from plateau.tenants.models import Programme

from . import models as m


def skill_id(programme: Programme, code: str) -> str:
    return f"{programme.slug}.{code}"


def queue_id(programme: Programme, code: str) -> str:
    return f"{programme.slug}.{code}"


def _target(programme: Programme, t: m.QueueTarget) -> Target:
    reqs = tuple(
        SkillRequirement(skill_id(programme, r.skill), r.min_level) for r in parse_skill_expression(t.requires)
    )
    return Target(reqs, t.needs_min_level, float(t.timeout_s) if t.timeout_s else None)


def _queue(programme: Programme, q: m.Queue, targets: Iterable[m.QueueTarget]) -> QueueConfig:
    overflow = None
    if q.overflow_kind:
        dest = q.overflow_destination
        if q.overflow_kind == m.OverflowKind.QUEUE:
            dest = queue_id(programme, dest)
        overflow = Overflow(q.overflow_kind, dest)  # type: ignore[arg-type]
    ordered = sorted(targets, key=lambda t: t.order)
    return QueueConfig(
        queue_id=queue_id(programme, q.code),
        programme=programme.slug,
        channel=q.channel,
        targets=tuple(_target(programme, t) for t in ordered) or (Target(),),
        strategy=q.strategy,  # type: ignore[arg-type]
        priority_aging=q.priority_aging,
        overflow=overflow,
        overflow_after_s=float(q.overflow_after_s) if q.overflow_after_s else None,
        wrap_up_s=float(q.wrap_up_s),
        offer_timeout_s=float(q.offer_timeout_s),
        max_no_answer=q.max_no_answer,
        default_handle_s=float(q.default_handle_s),
        service_level_s=float(q.service_level_s),
    )


def _programme_parts(
    programme: Programme,
    *,
    queue: m.Queue | None = None,
    target: m.QueueTarget | None = None,
    profile: m.AdvisorProfile | None = None,
) -> tuple[list[str], list[QueueConfig], list[tuple[str, AdvisorProfile]]]:
    """The programme's skills, queues and profiles as in the DB, with one unsaved row put in its place."""
    skills = [
        skill_id(programme, code) for code in m.Skill.objects.filter(programme=programme).values_list("code", flat=True)
    ]
    queues = {q.pk or 0: q for q in m.Queue.objects.filter(programme=programme)}
    if queue is not None:
        queues[queue.pk or 0] = queue
    targets: dict[int, list[m.QueueTarget]] = defaultdict(list)
    for t in m.QueueTarget.objects.filter(queue__programme=programme):
        if target is None or t.pk != target.pk:
            targets[t.queue_id].append(t)
    if target is not None:
        targets[target.queue_id or 0].append(target)
    configs = [_queue(programme, q, targets.get(pk, [])) for pk, q in sorted(queues.items(), key=lambda kv: kv[1].code)]
    profiles = []
    for p in m.AdvisorProfile.objects.filter(programme=programme).select_related("user"):
        if profile is not None and p.pk == profile.pk:
            continue
        profiles.append(_profile(programme, p))
    if profile is not None:
        profiles.append(_profile(programme, profile))
    return skills, configs, profiles


def _profile(programme: Programme, p: m.AdvisorProfile) -> tuple[str, AdvisorProfile]:
    return p.user.username, AdvisorProfile(
        p.user.username,
        tuple(sorted((skill_id(programme, k), int(v)) for k, v in p.skills.items())),
        (programme.slug,),
        tuple(sorted((str(k), int(v)) for k, v in (p.capacity or {"call": 1}).items())),
    )


def _merge(profiles: Iterable[tuple[str, AdvisorProfile]]) -> tuple[AdvisorProfile, ...]:
    """One profile per advisor: skills and programmes united, the largest capacity per channel."""
    skills: dict[str, dict[str, int]] = defaultdict(dict)
    progs: dict[str, set[str]] = defaultdict(set)
    caps: dict[str, dict[str, int]] = defaultdict(dict)
    for username, p in profiles:
        skills[username].update(p.skills)
        progs[username].update(p.programmes)
        for ch, n in p.capacity:
            caps[username][ch] = max(n, caps[username].get(ch, 0))
    return tuple(
        AdvisorProfile(u, tuple(sorted(skills[u].items())), tuple(sorted(progs[u])), tuple(sorted(caps[u].items())))
        for u in sorted(progs)
    )


def _validate(
    skills: list[str], queues: list[QueueConfig], profiles: list[tuple[str, AdvisorProfile]]
) -> RoutingConfig:
    try:
        return validate_config(RoutingConfig(tuple(skills), tuple(queues), _merge(profiles)))
    except RoutingError as err:
        raise ValidationError(err.message, code=err.error_id) from err


def build_config(programmes: Iterable[Programme] | None = None) -> RoutingConfig:
    """The validated configuration of ``programmes`` (every active programme by default)."""
    chosen = list(programmes) if programmes is not None else list(Programme.objects.filter(is_active=True))
    skills: list[str] = []
    queues: list[QueueConfig] = []
    profiles: list[tuple[str, AdvisorProfile]] = []
    for programme in sorted(chosen, key=lambda p: p.slug):
        s, q, p = _programme_parts(programme)
        skills += s
        queues += q
        profiles += p
    return _validate(skills, queues, profiles)


def check_queue(queue: m.Queue) -> None:
    _validate(*_programme_parts(queue.programme, queue=queue))


def check_target(target: m.QueueTarget) -> None:
    try:
        parse_skill_expression(target.requires)
    except RoutingError as err:
        raise ValidationError(err.message, code=err.error_id) from err
    queue = target.queue
    _validate(*_programme_parts(queue.programme, queue=queue if queue.pk is None else None, target=target))


def check_profile(profile: m.AdvisorProfile) -> None:
    _validate(*_programme_parts(profile.programme, profile=profile))
