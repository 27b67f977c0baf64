"""Tenant safety by construction: every programme-owned model is scoped; access helpers hide other tenants."""

from __future__ import annotations

import pytest
from django.apps import apps

from plateau.errors import NotFound
from plateau.tenants.access import access_programme_by_slug, has_role, programmes_for
from plateau.tenants.models import Programme, ProgrammeOwned, Role
from tests import factories


def test_every_model_with_a_programme_foreign_key_is_programme_owned() -> None:
    offenders = []
    for model in apps.get_models():
        if model._meta.app_label == "tenants":
            continue
        for field in model._meta.get_fields():
            points_to_programme = getattr(field, "related_model", None) is Programme and field.concrete
            if points_to_programme and not field.many_to_many and not issubclass(model, ProgrammeOwned):
                offenders.append(f"{model._meta.label}.{field.name}")
    assert offenders == []


@pytest.mark.django_db
def test_given_advisor_of_two_programmes_when_listing_then_sees_exactly_those() -> None:
    org = factories.organisation()
    a, b, c = factories.programme(org), factories.programme(org), factories.programme(org)
    adv = factories.advisor(a, b)
    assert set(programmes_for(adv)) == {a, b}
    assert set(programmes_for(adv, [Role.SUPERVISOR])) == set()
    assert access_programme_by_slug(adv, a.slug) == a
    with pytest.raises(NotFound):
        access_programme_by_slug(adv, c.slug)
    with pytest.raises(NotFound):
        access_programme_by_slug(adv, a.slug, [Role.SUPERVISOR])
    assert has_role(adv, b, [Role.ADVISOR]) and not has_role(adv, c, [Role.ADVISOR])


@pytest.mark.django_db
def test_given_platform_admin_without_membership_then_no_programme_data() -> None:
    admin = factories.user(platform_admin=True)
    factories.programme()
    assert list(programmes_for(admin)) == []
