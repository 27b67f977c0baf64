"""Tenant-checked reads of voice menus: platform admins and the programme's managers only."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from plateau.errors import NotFound
from plateau.tenants.access import programmes_for
from plateau.tenants.models import Programme, Role, User

from .models import FlowStatus, IvrFlow, RecordedPrompt

EDITOR_ROLES = (Role.PROGRAMME_MANAGER,)


def is_platform_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_platform_admin", False))


def editable_programmes(user: User | AnonymousUser) -> QuerySet[Programme]:
    """Programmes whose voice menu ``user`` may edit: all of them for platform admins (configuration, not
    callers' data), else those where they are programme manager."""
    if is_platform_admin(user):
        return Programme.objects.filter(is_active=True)
    return programmes_for(user, EDITOR_ROLES)


def access_ivr_programme(user: User | AnonymousUser, slug: str) -> Programme:
    """The programme ``slug`` if ``user`` may edit its voice menu; otherwise :class:`NotFound`."""
    programme = editable_programmes(user).filter(slug=slug).first()
    if programme is None:
        raise NotFound(slug=slug)
    return programme


def draft_of(programme: Programme) -> IvrFlow | None:
    return IvrFlow.objects.for_programme(programme).filter(status=FlowStatus.DRAFT).first()


def draft_token(draft: IvrFlow | None) -> str:
    """What the editor was based on: saving over a draft someone else changed since is refused."""
    return f"{draft.version}:{draft.updated_at.isoformat()}" if draft else "none"


def published_of(programme: Programme) -> IvrFlow | None:
    return IvrFlow.objects.for_programme(programme).filter(status=FlowStatus.PUBLISHED).first()


def history_of(programme: Programme, limit: int = 20) -> list[IvrFlow]:
    return list(IvrFlow.objects.for_programme(programme).select_related("created_by", "published_by")[:limit])


def prompts_of(programme: Programme) -> QuerySet[RecordedPrompt]:
    return RecordedPrompt.objects.for_programme(programme).defer("alaw", "ulaw")


def access_recorded_prompt(programme: Programme, name: str) -> RecordedPrompt:
    prompt: RecordedPrompt | None = RecordedPrompt.objects.for_programme(programme).filter(name=name).first()
    if prompt is None:
        raise NotFound(name=name)
    return prompt
