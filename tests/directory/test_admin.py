"""Admin screens: provider form normalisation and the CSV upload report, through the real admin views."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plateau.directory.models import Provider
from plateau.tenants.models import User
from tests import factories
from tests.directory import builders as b

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "providers.csv"


@pytest.fixture
def admin_client() -> Client:
    admin = User.objects.create_superuser("root", "root@example.fr", "pw-root-12345")
    c = Client()
    c.force_login(admin)
    return c


def test_given_upload_with_a_bad_row_then_report_lists_line_and_reason(admin_client: Client) -> None:
    b.all_communes()
    prog = factories.programme()
    data = EXAMPLE.read_bytes() + b"80000001000011;Mauvais;;;;;;;;;23096;SAP06;;;;;;\n"
    r = admin_client.post(
        "/admin/directory/provider/import/",
        {"programme": prog.pk, "file": SimpleUploadedFile("p.csv", data, content_type="text/csv")},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "4 créé(s), 0 mis à jour, 1 ligne(s) rejetée(s)." in html
    assert "<td>6</td><td>80000001000011</td>" in html
    assert Provider.objects.filter(programme=prog).count() == 4
    assert admin_client.get("/admin/directory/provider/").status_code == 200


def test_given_spaced_siret_and_local_phone_in_admin_form_then_normalised(admin_client: Client) -> None:
    prog = factories.programme()
    gueret = b.commune("23096")
    r = admin_client.post(
        "/admin/directory/provider/add/",
        {
            "programme": prog.pk,
            "siret": "800 000 010 00010",
            "legal_name": "Clair Logis",
            "phone": "05 55 41 20 10",
            "base_commune": gueret.pk,
            "opening_hours": "{}",
            "is_active": "on",
            "accepting_new_clients": "on",
            **{
                f"{prefix}-{k}": v
                for prefix in ("activities", "areas", "absences", "audits", "users")
                for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    p = Provider.objects.get()
    assert (p.siret, p.siren, p.phone) == ("80000001000010", "800000010", "+33555412010")


def test_given_bad_siret_in_admin_form_then_french_error_on_the_field(admin_client: Client) -> None:
    prog = factories.programme()
    r = admin_client.post(
        "/admin/directory/provider/add/",
        {"programme": prog.pk, "siret": "80000001000011", "legal_name": "X", "base_commune": b.commune("23096").pk},
    )
    assert r.status_code == 200
    assert "la clé de contrôle ne correspond pas" in r.content.decode()
    assert not Provider.objects.exists()
