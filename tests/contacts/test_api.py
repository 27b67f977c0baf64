"""Contacts API: create, get, wrap up, today's list; errors as {status, error_id, message}."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from plateau.contacts import services
from plateau.contacts.models import Contact
from tests.contacts import builders

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def line() -> builders.Line:
    builders.demo_communes()
    return builders.directory_line(providers=0)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_given_advisor_when_creating_getting_and_wrapping_up_through_api_then_contact_closed(
    line: builders.Line,
) -> None:
    client = _client(line.advisor)
    created = _post(
        client, f"/api/contacts/programmes/{line.programme.slug}", {"channel": "call", "phone": "0692 12 34 56"}
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["caller_phone_e164"], body["caller_kind"], body["status"]) == ("+262692123456", "mobile", "open")
    got = client.get(f"/api/contacts/{body['id']}").json()
    assert got["id"] == body["id"] and got["advisor"] == line.advisor.username
    closed = _post(client, f"/api/contacts/{body['id']}/wrap-up", {"code": "transferred_urssaf", "notes": "CESU"})
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["wrap_up"]) == ("closed", "transferred_urssaf")
    assert Contact.objects.get().wrap_up.code == "transferred_urssaf"


def test_given_invalid_phone_when_creating_through_api_then_400_with_error_id(line: builders.Line) -> None:
    response = _post(_client(line.advisor), f"/api/contacts/programmes/{line.programme.slug}", {"phone": "06 12"})
    assert response.status_code == 400
    assert response.json()["error_id"] == "invalid_phone_number"
    assert "10 chiffres" in response.json()["message"]
    assert not Contact.objects.exists()


def test_given_no_code_when_wrapping_up_through_api_then_400_and_still_open(line: builders.Line) -> None:
    contact = services.start_contact(
        programme=line.programme, advisor=line.advisor, channel="email", correspondent="x@y.fr"
    )
    response = _post(_client(line.advisor), f"/api/contacts/{contact.pk}/wrap-up", {"code": ""})
    assert (response.status_code, response.json()["error_id"]) == (400, "wrap_up_code_required")
    contact.refresh_from_db()
    assert contact.status == "open"


def test_given_supervisor_when_listing_today_then_contacts_and_counts(line: builders.Line) -> None:
    for code in ("nuisance_prank", "nuisance_prank", "details_given"):
        c = services.start_contact(programme=line.programme, advisor=line.advisor, channel="call", phone="0612345678")
        services.wrap_up(c, actor=line.advisor, code=code)
    services.start_contact(programme=line.programme, advisor=line.advisor, channel="letter")
    body = _client(line.supervisor).get(f"/api/contacts/programmes/{line.programme.slug}/today").json()
    assert len(body["contacts"]) == 4
    counts = {row["code"]: row["count"] for row in body["counts"]}
    assert counts == {"nuisance_prank": 2, "details_given": 1, None: 1}
    assert _client(line.advisor).get(f"/api/contacts/programmes/{line.programme.slug}/today").status_code == 404


def test_given_anonymous_when_calling_api_then_401() -> None:
    assert Client().get("/api/contacts/1").status_code == 401
