"""The geo admin: searchable, read-mostly (the importer creates and removes rows), edits refresh the indexes."""

from __future__ import annotations

import pytest
from django.test import Client

from plateau.geo.access import commune_by_insee, communes_within
from plateau.geo.importing import ImportReport
from plateau.geo.models import Commune, GeoDataVersion
from plateau.tenants.models import User


@pytest.fixture
def admin_client_in(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("geo-admin", "geo-admin@example.org", "pw-geo-admin"))
    return client


def test_given_demo_when_searching_admin_by_postal_code_then_commune_listed(
    admin_client_in: Client, demo_communes: ImportReport
) -> None:
    response = admin_client_in.get("/admin/geo/commune/", {"q": "92200"})
    assert response.status_code == 200
    assert "Neuilly-sur-Seine" in response.content.decode()
    assert "Neuilly-Plaisance" not in response.content.decode()


def test_admin_cannot_add_or_delete_communes(admin_client_in: Client, demo_communes: ImportReport) -> None:
    pk = commune_by_insee("23096").pk
    assert admin_client_in.get("/admin/geo/commune/add/").status_code == 403
    assert admin_client_in.get(f"/admin/geo/commune/{pk}/delete/").status_code == 403


def test_given_coordinates_fixed_in_admin_when_searching_then_index_uses_them(
    admin_client_in: Client, demo_communes: ImportReport
) -> None:
    oie = commune_by_insee("85165")  # no coordinates in the official file
    token = GeoDataVersion.objects.get().token
    page = admin_client_in.get(f"/admin/geo/commune/{oie.pk}/change/")
    assert page.status_code == 200
    form = {
        "name": oie.name,
        "name_with_article": oie.name_with_article,
        "latitude": "46.7870",
        "longitude": "-1.0280",
        "population": "1200",
        "area_km2": "",
        "postal_codes-TOTAL_FORMS": "1",
        "postal_codes-INITIAL_FORMS": "1",
        "postal_codes-MIN_NUM_FORMS": "0",
        "postal_codes-MAX_NUM_FORMS": "1000",
        "postal_codes-0-id": str(oie.postal_codes.get().pk),
        "postal_codes-0-commune": str(oie.pk),
    }
    response = admin_client_in.post(f"/admin/geo/commune/{oie.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GeoDataVersion.objects.get().token != token
    oie = Commune.objects.get(pk=oie.pk)
    assert communes_within(oie, 1)[0] == (oie.pk, 0.0)
