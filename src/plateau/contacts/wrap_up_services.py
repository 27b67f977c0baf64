"""A programme manager's changes to the programme's wrap-up codes (lock, check, change, audit).

Codes are versioned like KPI definitions: a code is never deleted nor re-categorised; it is retired (from
today: its past contacts keep counting under it on every report) and a new code takes over.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from plateau.errors import PermissionDenied
from plateau.tenants.access import has_role
from plateau.tenants.models import Programme, Role, User
from plateau.tenants.services import record_audit

from .errors import InvalidWrapUpCode, WrapUpCodeExists
from .models import WrapUpCategory, WrapUpCode

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _check_manager(actor: User, programme: Programme) -> None:
    if not has_role(actor, programme, [Role.PROGRAMME_MANAGER]):
        raise PermissionDenied()


@transaction.atomic
def add_wrap_up_code(
    programme: Programme, *, actor: User, code: str, label: str, category: str, excluded_from_kpis: bool = False
) -> WrapUpCode:
    """A new code, offered on the desk from today, after the programme's other codes."""
    _check_manager(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    code = code.strip()
    if not CODE_RE.match(code) or not label.strip() or category not in WrapUpCategory.values:
        raise InvalidWrapUpCode(field="code")
    existing = WrapUpCode.objects.for_programme(programme)
    if existing.filter(code=code).exists():
        raise WrapUpCodeExists(field="code", code=code)
    last = existing.order_by("-position").values_list("position", flat=True).first() or 0
    created = WrapUpCode.objects.create(
        programme=programme,
        code=code,
        label_fr=label.strip()[:120],
        category=category,
        position=last + 10,
        excluded_from_kpis=excluded_from_kpis,
    )
    record_audit(action="wrap_up_code.added", actor=actor, programme=programme, obj=created, code=code)
    return created


@transaction.atomic
def set_wrap_up_code_active(programme: Programme, *, actor: User, code: str, active: bool) -> WrapUpCode:
    """Retire a code from today (it leaves the desk's list, its past counts stay) or bring it back."""
    _check_manager(actor, programme)
    target: WrapUpCode | None = (
        WrapUpCode.objects.for_programme(programme).select_for_update().filter(code=code).first()
    )
    if target is None:
        raise InvalidWrapUpCode(field="code")
    target.retired_on = None if active else timezone.localdate()
    target.save(update_fields=["retired_on"])
    record_audit(
        action="wrap_up_code.restored" if active else "wrap_up_code.retired",
        actor=actor,
        programme=programme,
        obj=target,
        code=code,
    )
    return target
