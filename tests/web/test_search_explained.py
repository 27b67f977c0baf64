"""Search results explained to the advisor: why each provider is at its rank, how many matched in total,
where the provider is and what it does; ticked boxes kept after a refusal; the wrap-up code suggested."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts.models import Contact
from plateau.directory.models import Activity, ProviderSearch, QualityAudit
from tests.contacts import builders

pytestmark = pytest.mark.usefixtures("reference_data")


def _contact_with_need(client: Client, line: builders.Line) -> Contact:
    slug = line.programme.slug
    client.post(reverse("web:desk", args=[slug]), {"channel": "call", "phone": "06 12 34 56 78"})
    contact = Contact.objects.get()
    need = {
        "activity": Activity.objects.get(code="SAP06").pk,
        "commune": "Neuilly",
        "need_date": "",
        "candidate": builders.NEUILLY_SUR_SEINE,
        "candidates_for": "Neuilly",
    }
    assert client.post(reverse("directory:capture_need", args=[slug, contact.pk]), need).status_code == 302
    return contact


def test_given_a_search_then_each_row_says_why_and_the_count_tells_matches_from_shown() -> None:
    builders.demo_communes()
    line = builders.directory_line(providers=7)
    QualityAudit.objects.create(provider=line.providers[0], date="2026-01-10", grid="grille", score=90)
    client = Client()
    client.force_login(line.advisor)
    contact = _contact_with_need(client, line)
    url = reverse("web:contact", args=[line.programme.slug, contact.pk])
    assert client.post(
        reverse("directory:search", args=[line.programme.slug, contact.pk]), {"radius_km": "15"}
    ).status_code
    search = ProviderSearch.objects.get()
    assert (search.eligible_count, search.result_count) == (7, 5)

    page = client.get(url).content.decode()
    count = re.search(r'id="search-count">(.*?)</p>', page, re.S)
    assert count and "7 prestataires correspondent" in count.group(1) and "les 5 premiers" in count.group(1)
    rows = re.findall(r'<tr data-provider="(\d+)">(.*?)</tr>', page, re.S)
    assert len(rows) == 5
    first_id, first = rows[0]
    assert int(first_id) == line.providers[0].pk  # the audited one leads its distance band
    assert "élevée (audit : 90/100)" in first and "distance 0 à 5 km" in first
    assert all("à égalité" in r or "seul à ce niveau" in r for _, r in rows)
    assert any("standard (jamais auditée)" in r for _, r in rows)
    provider = line.providers[0]
    assert provider.base_commune.name in first and "SAP06" in first

    # A refusal (no consent) keeps the boxes the advisor ticked.
    ticked = [int(rows[1][0]), int(rows[2][0])]
    refused = client.post(
        reverse("directory:give_details", args=[line.programme.slug, contact.pk]), {"providers": ticked}
    ).content.decode()
    assert "consentement" in refused
    for pk in ticked:
        assert re.search(rf'value="{pk}" id="provider-{pk}" checked', refused)
    assert not re.search(rf'value="{rows[0][0]}" id="provider-{rows[0][0]}" checked', refused)

    # Once details are given, the wrap-up form suggests the matching code.
    client.post(
        reverse("directory:give_details", args=[line.programme.slug, contact.pk]),
        {"providers": ticked, "consent": "on"},
    )
    page = client.get(url).content.decode()
    assert re.search(r'<option value="details_given" selected>', page)
