"""Who am I and where may I act: the programmes and roles of the logged-in user."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from .models import Membership

router = Router(tags=["tenants"])


class MembershipOut(Schema):
    programme: str
    programme_name: str
    role: str


class MeOut(Schema):
    username: str
    is_platform_admin: bool
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert user.pk is not None  # django_auth lets only authenticated users in
    memberships = Membership.objects.filter(user_id=user.pk, programme__is_active=True).select_related("programme")
    return MeOut(
        username=user.get_username(),
        is_platform_admin=bool(getattr(user, "is_platform_admin", False)),
        memberships=[
            MembershipOut(programme=m.programme.slug, programme_name=m.programme.name, role=m.role)
            for m in memberships.order_by("programme__name", "role")
        ],
    )
