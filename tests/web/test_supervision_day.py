"""Supervision of another day: a date picker, rows that open the contact, a French message for a bad date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.contacts.models import Contact
from tests.contacts import builders

pytestmark = pytest.mark.usefixtures("reference_data")


def test_given_a_contact_of_yesterday_when_the_supervisor_picks_that_day_then_it_is_listed_with_a_link() -> None:
    builders.demo_communes()
    line = builders.directory_line()
    advisor = Client()
    advisor.force_login(line.advisor)
    advisor.post(reverse("web:desk", args=[line.programme.slug]), {"channel": "call", "phone": "06 12 34 56 78"})
    contact = Contact.objects.get()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Contact.objects.filter(pk=contact.pk).update(started_at=timezone.now() - dt.timedelta(days=1))
    client = Client()
    client.force_login(line.supervisor)
    url = reverse("web:supervision", args=[line.programme.slug])

    today = client.get(url).content.decode()
    assert 'type="date"' in today and f'data-contact="{contact.pk}"' not in today

    page = client.get(url, {"jour": yesterday.isoformat()}).content.decode()
    link = reverse("web:contact", args=[line.programme.slug, contact.pk])
    assert f'data-contact="{contact.pk}"' in page and f'href="{link}"' in page
    assert f'value="{yesterday.isoformat()}"' in page and "06 12 34 56 78" in page
    assert client.get(link).status_code == 200  # the supervisor may open it

    bad = client.get(url, {"jour": "31/02/2026"})
    assert bad.status_code == 200 and "Date illisible" in bad.content.decode()
