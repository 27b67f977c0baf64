"""Demo contacts go through the real services: closed, coded, in the past, searches linked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plateau.contacts.demo import generate_contacts
from plateau.contacts.models import Contact, DetailsGiven
from plateau.geo.access import commune_by_insee
from tests.contacts import builders

pytestmark = pytest.mark.usefixtures("reference_data")


def test_given_a_directory_line_when_generating_demo_contacts_then_closed_coded_past_contacts() -> None:
    builders.demo_communes()
    line = builders.directory_line(providers=4)
    communes = [commune_by_insee(code) for code in builders.BASES_NEAR_NEUILLY]
    now = timezone.now()
    n = generate_contacts(line.programme, [line.advisor], communes, days=3, per_day=6, seed=1, now=now)
    contacts = Contact.objects.for_programme(line.programme)
    assert n == contacts.count() > 0
    assert not contacts.filter(status="open").exists()
    assert not contacts.filter(started_at__gt=now).exists()
    assert contacts.filter(started_at__lt=now - dt.timedelta(days=1)).exists()
    given = DetailsGiven.objects.filter(contact__programme=line.programme)
    assert given.exists() and all(d.contact.searches.filter(pk=d.search_id).exists() for d in given)
    assert set(contacts.values_list("wrap_up__code", flat=True)) >= {"details_given"}
