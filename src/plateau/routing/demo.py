"""Demo routing configuration for the six programmes (idempotent; called by the integrator's demo loader)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from plateau.tenants.models import Membership, Programme, Role

from . import models as m
from .services import apply_configuration

SKILLS = (("accueil", "Accueil et orientation"), ("expert", "Dossiers complexes"), ("handicap", "Handicap"))
PAUSE_REASONS = (("pause", "Pause"), ("dejeuner", "Déjeuner"), ("formation", "Formation"), ("reunion", "Réunion"))
# Per programme: (code, label, channel, strategy, targets [(requires, timeout_s)], wrap_up_s, sl_s, overflow)
QUEUES: dict[
    str,
    tuple[tuple[str, str, str, str, tuple[tuple[str, int | None], ...], int, int, tuple[str, str, int] | None], ...],
] = {
    "default": (
        ("appels", "Appels", "call", "longest_idle", (("expert>=3", 30), ("", None)), 20, 60, ("callback", "", 600)),
        ("courriers", "Courriers", "letter", "least_occupied", (("", None),), 60, 86400, None),
        ("courriels", "Courriels", "email", "least_occupied", (("", None),), 30, 14400, None),
    ),
    # The provider-network line: escalated leads (48 h breached, nobody left) are work items of their own queue.
    "reseaux-prestataires": (
        ("appels", "Appels", "call", "longest_idle", (("expert>=3", 30), ("", None)), 20, 60, ("callback", "", 600)),
        ("courriers", "Courriers", "letter", "least_occupied", (("", None),), 60, 86400, None),
        ("courriels", "Courriels", "email", "least_occupied", (("", None),), 30, 14400, None),
        (
            "demandes-escaladees",
            "Demandes escaladées",
            "lead",
            "longest_idle",
            (("expert>=3", 600), ("", None)),
            60,
            3600,
            None,
        ),
    ),
    "teleassistance": (
        ("alertes", "Alertes", "call", "ring_all", (("", None),), 15, 20, ("queue", "appels", 60)),
        ("appels", "Appels", "call", "longest_idle", (("", None),), 20, 60, None),
        ("courriels", "Courriels", "email", "least_occupied", (("", None),), 30, 14400, None),
    ),
}


@transaction.atomic
def load_routing_demo(programmes: Mapping[str, Programme]) -> dict[str, int]:
    """Skills, pause reasons, queues with targets and a profile for every advisor of ``programmes``; applied."""
    counts = {"queues": 0, "profiles": 0}
    for slug, programme in programmes.items():
        for code, label in SKILLS:
            m.Skill.objects.get_or_create(programme=programme, code=code, defaults={"label": label})
        for code, label in PAUSE_REASONS:
            m.PauseReason.objects.get_or_create(programme=programme, code=code, defaults={"label": label})
        for code, label, channel, strategy, targets, wrap, sl, overflow in QUEUES.get(slug, QUEUES["default"]):
            kind, dest, after = overflow or ("", "", None)
            queue, created = m.Queue.objects.get_or_create(
                programme=programme,
                code=code,
                defaults={
                    "label": label,
                    "channel": channel,
                    "strategy": strategy,
                    "wrap_up_s": wrap,
                    "service_level_s": sl,
                    "overflow_kind": kind,
                    "overflow_destination": dest,
                    "overflow_after_s": after,
                },
            )
            counts["queues"] += 1
            if created:
                for order, (requires, timeout) in enumerate(targets, start=1):
                    m.QueueTarget.objects.create(queue=queue, order=order, requires=requires, timeout_s=timeout)
        advisors = Membership.objects.filter(programme=programme, role=Role.ADVISOR).select_related("user")
        for k, membership in enumerate(advisors.order_by("user__username")):
            m.AdvisorProfile.objects.get_or_create(
                programme=programme,
                user=membership.user,
                defaults={
                    "skills": {"accueil": 3, "expert": 1 + (k * 2) % 5, "handicap": 4 if k % 3 == 0 else 0},
                    "capacity": {"call": 1, "letter": 3, "email": 3, "lead": 1},
                },
            )
            counts["profiles"] += 1
    apply_configuration(*programmes.values(), actor=None)
    return counts
