"""A letter registered on the desk files a « courrier » application with its scan, shown beside the file."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from plateau.contacts import services as contacts
from plateau.eligibility.models import Application, Channel
from plateau.tenants.models import ProgrammeKind
from tests import factories

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _form(**extra: Any) -> dict[str, Any]:
    return {
        "channel": "letter", "birth_name": "Martin", "first_names": "Samuel", "birth_date": "1982-03-09",
        "sex": "M", "birth_commune_insee": "75107", "birth_commune": "75107", "birth_country_code": "99100",
        "address_line": "12 rue de l'Exemple", "postal_code": "92200", "commune": "92051", "ass": "no", "ame": "no",
        "email": "s.martin@example.org", **extra,
    }  # fmt: skip


def test_given_a_letter_when_filing_with_its_scan_then_a_letter_application_showing_the_scan(communes: None) -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(programme)
    contact = contacts.start_contact(
        programme=programme, advisor=advisor, channel="letter", correspondent="M. Martin, 12 rue de l'Exemple"
    )
    client = Client()
    client.force_login(advisor)
    url = reverse("eligibility:new_application", args=[programme.slug, contact.pk])
    assert 'value="letter" selected' in client.get(url).content.decode()

    refused = client.post(url, _form(scan=SimpleUploadedFile("lettre.pdf", b"MZ not a scan")))
    assert "PDF ou une image" in refused.content.decode() and not Application.objects.exists()

    client.post(url, _form(scan=SimpleUploadedFile("lettre.png", PNG)))
    application = Application.objects.get()
    assert application.channel == Channel.LETTER and application.contact_id == contact.pk
    assert application.applicant.email == "s.martin@example.org"  # where the renewal reminder goes
    document = application.documents.get()
    assert (document.kind, document.content_type) == ("letter", "image/png")
    page = client.get(reverse("eligibility:application", args=[programme.slug, application.number])).content.decode()
    assert f'id="scan-{document.pk}"' in page and "Courrier du demandeur : lettre.png" in page
