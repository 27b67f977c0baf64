"""Writes of the tenants app: lock, check, change, audit, notify."""

from __future__ import annotations

from typing import Any

from .models import AuditEntry, Programme, User


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
