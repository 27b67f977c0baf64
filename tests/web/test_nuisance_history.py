"""Nuisance callers (issue 10 item 5, first half): the desk shows a number's nuisance history on its next call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.contacts import services
from plateau.tenants.models import ProgrammeKind
from tests import factories

pytestmark = pytest.mark.usefixtures("reference_data")


def test_given_a_number_closed_twice_as_nuisance_when_it_calls_again_then_the_desk_shows_count_and_last_date() -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(programme)
    first = services.start_contact(
        programme=programme, advisor=advisor, channel="call", phone="0612345678",
        started_at=timezone.now() - dt.timedelta(days=3),
    )  # fmt: skip
    services.wrap_up(first, actor=advisor, code="silent_call", ended_at=timezone.now() - dt.timedelta(days=3))
    again = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="06 12 34 56 78")
    services.wrap_up(again, actor=advisor, code="wrong_number")
    other = factories.programme(kind=ProgrammeKind.ELIGIBILITY)  # the same number elsewhere is not counted here
    elsewhere = services.start_contact(
        programme=other, advisor=factories.advisor(other), channel="call", phone="0612345678"
    )
    services.wrap_up(elsewhere, actor=elsewhere.advisor, code="silent_call")
    third = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")

    client = Client()
    client.force_login(advisor)
    page = client.get(reverse("web:contact", args=[programme.slug, third.pk])).content.decode()
    assert 'id="nuisance-history"' in page
    assert "clos 2 fois comme appels parasites" in page
    assert timezone.localtime(again.started_at).strftime("%d/%m/%Y") in page

    fresh = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0699999999")
    assert (
        'id="nuisance-history"'
        not in client.get(reverse("web:contact", args=[programme.slug, fresh.pk])).content.decode()
    )
