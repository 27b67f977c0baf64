from __future__ import annotations

import pytest
from django.test import Client

from plateau.tenants.models import Role
from tests import factories


@pytest.mark.django_db
def test_given_anonymous_when_asking_me_then_401() -> None:
    assert Client().get("/api/me").status_code == 401


@pytest.mark.django_db
def test_given_shared_advisor_when_asking_me_then_both_programmes_listed() -> None:
    org = factories.organisation()
    a, b = factories.programme(org, slug="aaa"), factories.programme(org, slug="bbb")
    factories.programme(org, slug="ccc")
    adv = factories.user((a, Role.ADVISOR), (b, Role.ADVISOR), (b, Role.SUPERVISOR))
    client = Client()
    client.force_login(adv)
    body = client.get("/api/me").json()
    assert [(m["programme"], m["role"]) for m in body["memberships"]] == [
        ("aaa", "advisor"),
        ("bbb", "advisor"),
        ("bbb", "supervisor"),
    ]
