"""The knowledge base's JSON API: search and read for a programme's staff, refused elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client

from plateau.tenants.models import ProgrammeKind
from tests import factories

pytestmark = pytest.mark.usefixtures("sheets")


def _client(kind: str = ProgrammeKind.PUBLIC_INFORMATION) -> tuple[str, Client]:
    programme = factories.programme(kind=kind)
    client = Client()
    client.force_login(factories.advisor(programme))
    return programme.slug, client


def test_given_a_question_when_searching_by_api_then_ranked_sheets_with_source_and_date() -> None:
    slug, client = _client()
    body = client.get(f"/api/knowledge/programmes/{slug}/search", {"q": "combien coûte un passeport"}).json()
    assert body["hits"][0]["sheet_id"] == "F34752" and body["hits"][0]["rank"] == 1
    assert body["hits"][0]["url"].startswith("https://www.service-public.fr/")
    assert body["hits"][0]["verified_on"] and "passeport" in body["terms"]
    themed = client.get(f"/api/knowledge/programmes/{slug}/search", {"q": "perte", "subject": "Transports"}).json()
    assert themed["hits"] == [] or all(h["subject"] == "Transports" for h in themed["hits"])
    sheet = client.get(f"/api/knowledge/programmes/{slug}/sheets/F1344").json()
    assert sheet["title"] == "Carte d'identité d'un majeur : en cas de perte" and "perte" in sheet["text"]
    missing = client.get(f"/api/knowledge/programmes/{slug}/sheets/F1")
    assert missing.status_code == 404 and missing.json()["error_id"] == "knowledge.sheet_not_found"
    assert client.get(f"/api/knowledge/programmes/{slug}/sheets/abc").status_code == 422


def test_given_a_programme_without_the_capability_or_a_stranger_then_not_found() -> None:
    slug, client = _client(ProgrammeKind.ELIGIBILITY)
    assert client.get(f"/api/knowledge/programmes/{slug}/search", {"q": "passeport"}).status_code == 404
    other_slug, _ = _client()
    assert client.get(f"/api/knowledge/programmes/{other_slug}/search", {"q": "passeport"}).status_code == 404
    assert Client().get(f"/api/knowledge/programmes/{other_slug}/search", {"q": "passeport"}).status_code == 401
