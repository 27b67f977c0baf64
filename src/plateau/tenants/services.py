"""Writes of the tenants app: lock, check, change, audit, notify."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from plateau import capabilities

from .errors import UnknownCapabilityCode
from .models import CALLER_BLOCKING_PRESETS, CAPABILITY_PRESETS, AuditEntry, Programme, ProgrammeCapability, User


def record_audit(
    *,
    action: str,
    actor: User | None,
    programme: Programme | None,
    obj: Any = None,
    **data: Any,
) -> AuditEntry:
    """Append an audit entry; call it inside the transaction of the change it describes."""
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        programme=programme,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or "") if obj is not None else "",
        data=data,
    )


def set_capabilities(programme: Programme, codes: Sequence[str], *, actor: User | None = None) -> list[str]:
    """Enable exactly ``codes`` on the programme, in that order (platform admins; the demo; tests).

    An unknown code is refused (the registry lists what exists); the change is audited.
    """
    unknown = [c for c in codes if c not in {cap.code for cap in capabilities.all_capabilities()}]
    if unknown:
        raise UnknownCapabilityCode(code=", ".join(unknown))
    codes = list(dict.fromkeys(codes))
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        before = list(programme.capabilities.values_list("capability", flat=True))
        programme.capabilities.all().delete()
        ProgrammeCapability.objects.bulk_create(
            ProgrammeCapability(programme=programme, capability=code, position=10 * (i + 1))
            for i, code in enumerate(codes)
        )
        if actor is not None:  # a person's change; a preset applied at creation (demo, tests) is not one
            record_audit(
                action="programme.capabilities_set", actor=actor, programme=programme, before=before, after=codes
            )
    programme.__dict__.pop("_capability_codes", None)
    return codes


def apply_capability_preset(programme: Programme, *, actor: User | None = None) -> list[str]:
    """Enable the capabilities of the programme's kind preset (a new programme; the demo), and its flags."""
    apply_flag_presets(programme)
    return set_capabilities(programme, CAPABILITY_PRESETS.get(programme.kind, ()), actor=actor)


def apply_flag_presets(programme: Programme) -> None:
    """Turn off what the programme's kind preset forbids (a telecare line never blocks a caller); never turns a
    flag on, so an admin's choice to forbid stays."""
    if programme.allows_caller_blocking and not CALLER_BLOCKING_PRESETS.get(programme.kind, True):
        programme.allows_caller_blocking = False
        Programme.objects.filter(pk=programme.pk).update(allows_caller_blocking=False)
