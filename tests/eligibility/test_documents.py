"""Scans attached to an application: checked by their first bytes, audited, readable only by the programme;
and the look-up of an application by the number the caller quotes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from plateau.eligibility import services
from plateau.eligibility.documents import MAX_BYTES, RefusedDocument, attach_document
from plateau.tenants.models import AuditEntry, ProgrammeKind
from tests import factories
from tests.eligibility.test_services import applicant

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def filed(communes: None) -> Any:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(programme)
    return services.file_application(programme, advisor, applicant("Martin", "Samuel")), advisor


def test_given_a_pdf_when_uploaded_on_the_page_then_attached_audited_and_served_to_the_programme_only(
    filed: Any,
) -> None:
    application, advisor = filed
    client = Client()
    client.force_login(advisor)
    url = reverse("eligibility:upload_document", args=[application.programme.slug, application.number])
    client.post(url, {"kind": "benefit", "file": SimpleUploadedFile("attestation CAF.pdf", PDF)})
    document = application.documents.get()
    assert (document.content_type, document.size, document.filename) == (
        "application/pdf",
        len(PDF),
        "attestation CAF.pdf",
    )
    assert AuditEntry.objects.filter(action="eligibility.document_attached", data__sha256=document.sha256).exists()
    file_url = reverse("eligibility:document", args=[application.programme.slug, application.number, document.pk])
    served = client.get(file_url)
    assert (served.status_code, served["Content-Type"], served.content) == (200, "application/pdf", PDF)
    stranger_programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    stranger = Client()
    stranger.force_login(factories.advisor(stranger_programme))
    assert stranger.get(file_url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [("scan.pdf", b"MZ\x90\x00 not a pdf"), ("vide.pdf", b""), ("gros.pdf", b"%PDF-" + b"0" * MAX_BYTES)],
)
def test_given_a_file_that_is_no_scan_when_attaching_then_refused_in_french(
    filed: Any, name: str, content: bytes
) -> None:
    application, advisor = filed
    with pytest.raises(RefusedDocument) as caught:
        attach_document(application, advisor, kind="identity", upload=SimpleUploadedFile(name, content))
    assert "PDF ou une image" in str(caught.value.message)
    assert not application.documents.exists()


def test_given_a_quoted_number_when_the_advisor_looks_it_up_then_opened_or_said_in_french(filed: Any) -> None:
    application, advisor = filed
    slug = application.programme.slug
    client = Client()
    client.force_login(advisor)
    url = reverse("eligibility:find", args=[slug])
    opened = client.get(url, {"numero": application.number.replace("-", " ")})
    assert opened["Location"] == reverse("eligibility:application", args=[slug, application.number])
    digits = application.number.replace("-", "")
    mistyped = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    page = client.get(url, {"numero": mistyped, "retour": f"/p/{slug}/poste/"}, follow=True).content.decode()
    assert "Ce numéro de dossier n&#x27;est pas valide" in page
    unknown = client.get(url, {"numero": "26-999999-" + _check("26999999")}, follow=True).content.decode()
    assert "Aucune demande n° 26-999999-" in unknown
    hostile = client.get(url, {"numero": mistyped, "retour": "https://ailleurs.example/"})
    assert hostile["Location"] == reverse("web:desk", args=[slug])  # never sent off the platform


def _check(body: str) -> str:
    from stdnum import luhn

    return str(luhn.calc_check_digit(body))
