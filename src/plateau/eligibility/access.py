"""Reads of the eligibility app, always scoped to what the user may see."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from plateau.errors import NotFound
from plateau.tenants.models import STAFF_ROLES, Programme, User

from .models import Applicant, Application


def applications_visible_to(user: User | AnonymousUser) -> QuerySet[Application]:
    return Application.objects.visible_to(user, STAFF_ROLES)


def access_application(user: User | AnonymousUser, number: str, *, programme: Programme) -> Application:
    """The application if ``user`` is staff of its programme; another tenant's is "not found"."""
    application = (
        applications_visible_to(user)
        .filter(programme=programme, number=number)
        .select_related("applicant", "applicant__commune", "contact", "created_by")
        .first()
    )
    if application is None:
        raise NotFound(number=number)
    return application


def applications_of_contact(user: User | AnonymousUser, contact_id: int) -> list[Application]:
    return list(applications_visible_to(user).filter(contact_id=contact_id).select_related("applicant"))


def find_applicants(programme: Programme, *, birth_name: str, birth_date: object) -> QuerySet[Applicant]:
    """Applicants of this programme with this birth name and date (the identity form's look-up)."""
    return Applicant.objects.for_programme(programme).filter(birth_name=birth_name, birth_date=birth_date)
