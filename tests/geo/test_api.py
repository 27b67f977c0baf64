"""The geo JSON API: resolution with candidates, radius search, errors mapped to {status, error_id, message}."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_communes_module")]


@pytest.fixture
def client_in() -> Client:
    client = Client()
    client.force_login(factories.advisor(factories.programme()))
    return client


def test_given_ambiguous_name_when_resolving_through_api_then_candidates_without_unique(client_in: Client) -> None:
    body = client_in.get("/api/geo/communes", {"q": "Neuilly (93)"}).json()
    assert body["unique"] is None and body["error"] is None
    assert sorted(c["insee_code"] for c in body["candidates"]) == ["93049", "93050"]


def test_given_postal_code_when_resolving_through_api_then_unique_with_details(client_in: Client) -> None:
    body = client_in.get("/api/geo/communes", {"q": "92200"}).json()
    assert body["match"] == "code"
    unique = body["unique"]
    assert unique["insee_code"] == "92051" and unique["label"] == "Neuilly-sur-Seine (92)"
    assert unique["postal_codes"] == ["92200"] and unique["department_code"] == "92"
    assert unique["latitude"] == pytest.approx(48.88, abs=0.02)


def test_given_invalid_postal_code_when_resolving_through_api_then_french_error_in_body(client_in: Client) -> None:
    response = client_in.get("/api/geo/communes", {"q": "9220"})
    assert response.status_code == 200
    assert "5 chiffres" in response.json()["error"] and response.json()["candidates"] == []


def test_given_commune_when_asking_nearby_then_distances_nearest_first(client_in: Client) -> None:
    body = client_in.get("/api/geo/communes/23096/nearby", {"radius_km": 15}).json()
    assert body["centre"]["name"] == "Guéret" and body["radius_km"] == 15
    kms = [r["distance_km"] for r in body["results"]]
    assert body["count"] == len(kms) >= 5 and kms == sorted(kms) and kms[0] == 0 and kms[-1] <= 15
    assert body["results"][0]["commune"]["insee_code"] == "23096"


def test_given_limit_when_asking_nearby_then_count_is_total_and_results_capped(client_in: Client) -> None:
    body = client_in.get("/api/geo/communes/75104/nearby", {"radius_km": 10, "limit": 3}).json()
    assert len(body["results"]) == 3 and body["count"] > 3


@pytest.mark.parametrize(
    ("path", "status", "error_id"),
    [
        ("/api/geo/communes/2C004/nearby", 400, "invalid_insee_code"),
        ("/api/geo/communes/23999/nearby", 404, "not_found"),
        ("/api/geo/communes/85165/nearby", 400, "commune_without_coordinates"),
    ],
)
def test_given_bad_commune_when_asking_nearby_then_mapped_error(
    client_in: Client, path: str, status: int, error_id: str
) -> None:
    response = client_in.get(path, {"radius_km": 10})
    assert response.status_code == status
    assert response.json()["error_id"] == error_id and response.json()["message"]


@pytest.mark.parametrize("radius", ["0", "-3", "500", "abc"])
def test_given_bad_radius_when_asking_nearby_then_422(client_in: Client, radius: str) -> None:
    assert client_in.get("/api/geo/communes/23096/nearby", {"radius_km": radius}).status_code == 422


def test_given_anonymous_caller_when_using_geo_api_then_401() -> None:
    assert Client().get("/api/geo/communes", {"q": "Guéret"}).status_code == 401
