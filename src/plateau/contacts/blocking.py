"""Nuisance callers blocked by a supervisor (issue 10 item 5): lock, check, change, audit, notify.

A supervisor (or the programme manager) marks a caller's number for a short voice message instead of the
queue, for a few days (``MAX_BLOCK_DAYS`` at most: a nuisance number may be reassigned, a person may change),
with a reason; lifting it early is audited too. The SIP gateway reads the marks in force
(``plateau.ivr.lines``) and compares numbers in E.164. A programme whose calls may be distress calls never
blocks anyone: ``Programme.allows_caller_blocking`` is data (false for the telecare preset), not a kind check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from plateau.domain.ids.phone import parse_caller_phone
from plateau.errors import NotFound, PermissionDenied
from plateau.events import publish_on_commit
from plateau.tenants.access import has_role
from plateau.tenants.models import SUPERVISING_ROLES, Programme, User
from plateau.tenants.services import record_audit

from .errors import (
    BlockAlreadyLifted,
    BlockReasonRequired,
    CallerAlreadyBlocked,
    CallerBlockingNotAllowed,
    InvalidBlockDuration,
)
from .events import CallerBlocked, CallerBlockLifted
from .models import CallerBlock, Contact

MAX_BLOCK_DAYS = 30
DEFAULT_BLOCK_DAYS = 7


def can_block(user: User, programme: Programme) -> bool:
    """Whether ``user`` may mark callers of ``programme`` (its supervisors and manager, if the line allows it)."""
    return programme.allows_caller_blocking and has_role(user, programme, SUPERVISING_ROLES)


def _check(actor: User, programme: Programme) -> None:
    if not has_role(actor, programme, SUPERVISING_ROLES):
        raise PermissionDenied()
    if not programme.allows_caller_blocking:
        raise CallerBlockingNotAllowed()


def active_blocks(programme: Programme, now: dt.datetime | None = None) -> QuerySet[CallerBlock]:
    return CallerBlock.objects.for_programme(programme).filter(lifted_at=None, expires_at__gt=now or timezone.now())


def active_block_of(programme: Programme, e164: str) -> CallerBlock | None:
    return active_blocks(programme).filter(phone_e164=e164).order_by("-expires_at").first()


@transaction.atomic
def block_caller(
    *, actor: User, programme: Programme, phone: str, days: int, reason: str, contact: Contact | None = None
) -> CallerBlock:
    """Mark ``phone`` (any French or international form) for ``days`` days from now."""
    _check(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    e164 = parse_caller_phone(phone).e164
    assert e164 is not None  # parse_caller_phone refuses short numbers
    if not isinstance(days, int) or not 1 <= days <= MAX_BLOCK_DAYS:
        raise InvalidBlockDuration(InvalidBlockDuration.default_message % {"max": MAX_BLOCK_DAYS}, field="days")
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise BlockReasonRequired(field="reason")
    if contact is not None and contact.programme_id != programme.pk:
        raise NotFound()
    current = active_block_of(programme, e164)
    if current is not None:
        until = date_format(timezone.localtime(current.expires_at), "d/m/Y H:i")
        raise CallerAlreadyBlocked(CallerAlreadyBlocked.default_message % {"until": until}, field="phone")
    block = CallerBlock.objects.create(
        programme=programme,
        phone_e164=e164,
        reason=reason,
        expires_at=timezone.now() + dt.timedelta(days=days),
        contact=contact,
        created_by=actor,
    )
    # The number itself stays out of the audit (the row's number is blanked by erasure and retention).
    record_audit(action="caller.blocked", actor=actor, programme=programme, obj=block, days=days, reason=reason,
                 expires_at=block.expires_at.isoformat(), contact=contact.pk if contact else None)  # fmt: skip
    publish_on_commit(CallerBlocked(programme.pk, block.pk, block.expires_at.isoformat()))
    return block


@transaction.atomic
def lift_block(*, actor: User, programme: Programme, block_id: int, reason: str = "") -> CallerBlock:
    """End a mark before its expiry (audited with who, when and why)."""
    if not has_role(actor, programme, SUPERVISING_ROLES):
        raise PermissionDenied()
    block: CallerBlock | None = (
        CallerBlock.objects.for_programme(programme).select_for_update().filter(pk=block_id).first()
    )
    if block is None:
        raise NotFound()
    if not block.is_active():
        raise BlockAlreadyLifted()
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise BlockReasonRequired(field="lift_reason")
    block.lifted_at, block.lifted_by, block.lift_reason = timezone.now(), actor, reason
    block.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
    record_audit(action="caller.block_lifted", actor=actor, programme=programme, obj=block, reason=reason,
                 expires_at=block.expires_at.isoformat())  # fmt: skip
    publish_on_commit(CallerBlockLifted(programme.pk, block.pk))
    return block


@dataclass(frozen=True)
class BlockRow:
    block: CallerBlock
    active: bool
    status: str  # French: « en vigueur », « levé », « expiré »


def blocks_page(programme: Programme, limit: int = 200) -> list[BlockRow]:
    """The programme's marks, those in force first (soonest expiry first), then the past ones (latest first)."""
    now = timezone.now()
    rows = []
    for block in CallerBlock.objects.for_programme(programme).select_related("created_by", "lifted_by")[:limit]:
        active = block.is_active(now)
        status = "en vigueur" if active else ("levé" if block.lifted_at else "expiré")
        rows.append(BlockRow(block, active, status))
    rows.sort(key=lambda r: (not r.active, r.block.expires_at if r.active else now - r.block.created_at))
    return rows


def contact_block_context(user: User, contact: Contact) -> dict[str, object]:
    """For the contact page's nuisance history: may this user mark the caller, and is the number marked now."""
    if contact.caller is None:
        return {"can_block_caller": False, "caller_block": None}
    return {
        "can_block_caller": can_block(user, contact.programme),
        "caller_block": active_block_of(contact.programme, contact.caller.phone_e164),
    }
