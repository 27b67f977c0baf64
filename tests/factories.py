"""Builders of real rows for tests (no mocks): organisations, programmes, users with roles."""

from __future__ import annotations

import itertools

from plateau.contacts.wrap_up_codes import seed_programme_codes
from plateau.tenants.models import Membership, Organisation, Programme, ProgrammeKind, Role, User
from plateau.tenants.services import apply_capability_preset

_seq = itertools.count(1)
PASSWORD = "plateau-test-pw"


def organisation(name: str = "Plateau Services") -> Organisation:
    n = next(_seq)
    return Organisation.objects.create(name=f"{name} {n}", slug=f"org-{n}")


def programme(
    org: Organisation | None = None, *, slug: str | None = None, kind: str = ProgrammeKind.DIRECTORY
) -> Programme:
    n = next(_seq)
    prog = Programme.objects.create(
        organisation=org or organisation(), slug=slug or f"prog-{n}", name=f"Programme {n}", kind=kind
    )
    apply_capability_preset(prog)  # as the demo and the admin do for a new programme
    seed_programme_codes(prog)
    return prog


def user(*roles: tuple[Programme, str], username: str | None = None, platform_admin: bool = False) -> User:
    n = next(_seq)
    u = User.objects.create_user(
        username=username or f"user{n}", password=PASSWORD, first_name=f"Prénom{n}", last_name=f"Nom{n}"
    )
    u.is_platform_admin = platform_admin
    u.save(update_fields=["is_platform_admin"])
    for prog, role in roles:
        Membership.objects.create(user=u, programme=prog, role=role)
    return u


def advisor(*programmes: Programme) -> User:
    return user(*[(p, Role.ADVISOR) for p in programmes])


def supervisor(*programmes: Programme) -> User:
    return user(*[(p, Role.SUPERVISOR) for p in programmes])
