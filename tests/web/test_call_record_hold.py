"""The contact page's call record shows the call's time on hold (issue 20: hold time in the call record)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.calls.models import CallDetailRecord
from plateau.contacts import services
from plateau.tenants.models import ProgrammeKind
from tests import factories

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.parametrize(("holds", "seconds", "shown"), [(2, 42.4, "42 s (2 fois)"), (1, 7.0, "7 s (une fois)")])
def test_given_a_call_put_on_hold_when_its_contact_page_opens_then_the_record_says_how_long(
    holds: int, seconds: float, shown: str
) -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(programme)
    contact = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    now = timezone.now()
    held = CallDetailRecord.objects.create(programme=programme, call_id="held", contact=contact, started_at=now,
                                           ended_at=now, holds=holds, hold_seconds=seconds)  # fmt: skip
    plain = CallDetailRecord.objects.create(programme=programme, call_id="plain", contact=contact, started_at=now)

    client = Client()
    client.force_login(advisor)
    page = client.get(reverse("web:contact", args=[programme.slug, contact.pk])).content.decode()
    record = page.split(f'id="call-record-{held.pk}"', 1)[1].split("</dl>", 1)[0]
    assert "Mise en garde" in record and f'<dd class="call-hold">{shown}</dd>' in record
    other = page.split(f'id="call-record-{plain.pk}"', 1)[1].split("</dl>", 1)[0]
    assert "Mise en garde" not in other  # never on hold: no line
